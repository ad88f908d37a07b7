import { describe, expect, it } from 'vitest'
import { parseRuleset } from '../../../src/model/ruleset'

describe('parseRuleset', () => {
  it('fills LaunchDarkly defaults', () => {
    const parsed = parseRuleset({ flags: { f: { key: 'f' } } })
    expect(parsed.ok && parsed.ruleset.flags.f).toMatchObject({
      on: false,
      variations: [],
      targets: [],
      rules: [],
      prerequisites: [],
      salt: '',
      deleted: false,
    })
    expect(parsed.ok && parsed.ruleset.segments).toEqual({})
  })

  it('reads null as absent', () => {
    const parsed = parseRuleset({ flags: { f: { key: 'f', offVariation: null } } })
    expect(parsed.ok && 'offVariation' in parsed.ruleset.flags.f && parsed.ruleset.flags.f.offVariation).toBe(undefined)
  })

  it('keeps properties it does not know', () => {
    const parsed = parseRuleset({ flags: { f: { key: 'f', _meta: { owner: 'x' } } } })
    expect(parsed.ok && parsed.ruleset.flags.f._meta).toEqual({ owner: 'x' })
  })

  it('names every problem with its JSON path', () => {
    const parsed = parseRuleset({
      flags: {
        'my-flag': { key: 'my-flag', on: 'yes', rules: [{ clauses: [{ attribute: 'a', values: [] }] }] },
        other: { key: 'wrong' },
      },
    })
    expect(parsed.ok).toBe(false)
    const paths = parsed.ok ? [] : parsed.errors.map((error) => error.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'flags["my-flag"].on',
        'flags["my-flag"].rules[0].clauses[0].op',
        'flags.other.key',
      ]),
    )
  })

  it('refuses input that is not an object', () => {
    expect(parseRuleset('flags').ok).toBe(false)
    expect(parseRuleset(null).ok).toBe(false)
  })
})
