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

  it('reads null as absent, as LaunchDarkly does', () => {
    const parsed = parseRuleset({
      flags: { f: { key: 'f', offVariation: null, targets: null, rules: [{ rollout: null, variation: 0, clauses: null }] } },
    })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    const flag = parsed.ruleset.flags.f
    expect(flag.offVariation).toBeUndefined()
    expect(flag.targets).toEqual([])
    expect(flag.rules[0]).toEqual({ variation: 0, trackEvents: false })
  })

  it('keeps nulls that are values: in variations and in clause values', () => {
    const parsed = parseRuleset({
      flags: {
        f: { key: 'f', variations: [null, { a: null }], rules: [{ variation: 0, clauses: [{ attribute: 'a', op: 'in', values: [null] }] }] },
      },
    })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    expect(parsed.ruleset.flags.f.variations).toEqual([null, { a: null }])
    expect(parsed.ruleset.flags.f.rules[0].clauses?.[0].values).toEqual([null])
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
