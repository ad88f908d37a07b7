import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateAll, evaluateFlag, parseContext } from '../../../src/evaluation'
import { parseRuleset } from '../../../src/model/ruleset'
import { boolFlag } from '../../support/flags'

// evaluateAll fills one object for every flag, built without a prototype and given one at the
// end: whatever the context, each answer must be evaluateFlag's, in a plain object.

// Three variations and a rollout, so the answers tell targets, prerequisites and buckets apart
const flag = (key: string, extra: Record<string, unknown> = {}) =>
  boolFlag(key, {
    variations: ['a', 'b', 'c'],
    fallthrough: { rollout: { variations: [{ variation: 1, weight: 50000 }, { variation: 2, weight: 50000 }] } },
    ...extra,
  })

const parsed = parseRuleset({
  flags: {
    users: flag('users', { targets: [{ values: ['u1', 'u2'], variation: 0 }], fallthrough: { variation: 1 } }),
    orgs: flag('orgs', { contextTargets: [{ contextKind: 'org', values: ['o1'], variation: 2 }] }),
    dependent: flag('dependent', { prerequisites: [{ key: 'users', variation: 0 }] }),
    untargeted: flag('untargeted'),
  },
})
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
const ruleset = compileRuleset(parsed.ruleset)

const CONTEXTS: [string, unknown][] = [
  ['a user no flag targets', { kind: 'user', key: 'u9' }],
  ['a targeted user', { kind: 'user', key: 'u1' }],
  ['a targeted legacy user', { key: 'u2' }],
  ['an org targeted by kind', { kind: 'org', key: 'o1' }],
  ['an org with a targeted user key', { kind: 'org', key: 'u1' }],
  ['a multi-kind context with one targeted kind', { kind: 'multi', user: { key: 'u9' }, org: { key: 'o1' } }],
  ['a context without a key', parseContext({ kind: 'user', name: 'x' }, { allowMissingKey: true })],
]

describe('evaluateAll', () => {
  it.each(CONTEXTS)('answers %s as evaluateFlag does', (_, context) => {
    const results = evaluateAll(ruleset, context)
    expect(Object.keys(results)).toEqual(['users', 'orgs', 'dependent', 'untargeted'])
    for (const [key, result] of Object.entries(results)) {
      expect(result, key).toEqual(evaluateFlag(ruleset, key, context))
    }
  })

  it('answers a plain object, in the ruleset order', () => {
    const results = evaluateAll(ruleset, { kind: 'user', key: 'u9' })
    expect(Object.getPrototypeOf(results)).toBe(Object.prototype)
    expect(JSON.parse(JSON.stringify(results))).toEqual(results)
  })
})
