import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateAll, evaluateFlag, parseContext } from '../../../src/evaluation'
import { parseRuleset } from '../../../src/model/ruleset'

// Behaviour the conformance suite does not reach: bulk evaluation, deleted items, availability
// defaults, and data that would hang or crash a naive evaluator.

const compile = (json: unknown) => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
  return compileRuleset(parsed.ruleset)
}

const flag = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  on: true,
  variations: [false, true],
  fallthrough: { variation: 1 },
  offVariation: 0,
  ...extra,
})

const user = { kind: 'user', key: 'u1' }

describe('evaluateFlag', () => {
  it('answers FLAG_NOT_FOUND for a deleted flag', () => {
    const ruleset = compile({ flags: { gone: flag('gone', { deleted: true }) } })
    expect(evaluateFlag(ruleset, 'gone', user, { defaultValue: 'd' })).toEqual({
      value: 'd',
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' },
    })
  })

  it('answers USER_NOT_SPECIFIED for an invalid context before looking the flag up', () => {
    const ruleset = compile({ flags: {} })
    expect(evaluateFlag(ruleset, 'missing', { kind: 'user' }).reason).toEqual({
      kind: 'ERROR',
      errorKind: 'USER_NOT_SPECIFIED',
    })
  })

  it('fails a prerequisite on a deleted flag', () => {
    const ruleset = compile({
      flags: {
        a: flag('a', { prerequisites: [{ key: 'b', variation: 1 }] }),
        b: flag('b', { deleted: true }),
      },
    })
    expect(evaluateFlag(ruleset, 'a', user).reason).toEqual({ kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'b' })
  })

  it('reports a prerequisite cycle as MALFORMED_FLAG and can evaluate again afterwards', () => {
    const ruleset = compile({
      flags: {
        a: flag('a', { prerequisites: [{ key: 'b', variation: 1 }] }),
        b: flag('b', { prerequisites: [{ key: 'a', variation: 1 }] }),
      },
    })
    for (let i = 0; i < 2; i += 1) {
      expect(evaluateFlag(ruleset, 'a', user).reason).toEqual({ kind: 'ERROR', errorKind: 'MALFORMED_FLAG' })
    }
  })

  it('survives a prerequisite chain deeper than the stack', () => {
    const depth = 20000
    const flags: Record<string, unknown> = {}
    for (let i = 0; i < depth; i += 1) {
      flags[`f${i}`] = flag(`f${i}`, { prerequisites: i + 1 < depth ? [{ key: `f${i + 1}`, variation: 1 }] : [] })
    }
    const ruleset = compile({ flags })
    expect(evaluateFlag(ruleset, 'f0', user).reason).toEqual({ kind: 'ERROR', errorKind: 'MALFORMED_FLAG' })
    // every flag marked during the failed walk was unmarked again
    expect(evaluateFlag(ruleset, `f${depth - 2}`, user).reason).toEqual({ kind: 'FALLTHROUGH' })
  })

  it('reports a segment that includes itself as MALFORMED_FLAG', () => {
    const selfRule = { clauses: [{ attribute: '', op: 'segmentMatch', values: ['s'] }] }
    const ruleset = compile({
      flags: { f: flag('f', { rules: [{ id: 'r', variation: 0, clauses: [{ attribute: '', op: 'segmentMatch', values: ['s'] }] }] }) },
      segments: { s: { key: 's', rules: [selfRule] } },
    })
    expect(evaluateFlag(ruleset, 'f', user).reason).toEqual({ kind: 'ERROR', errorKind: 'MALFORMED_FLAG' })
  })

  it('marks a flag that reaches an unbounded segment as NOT_CONFIGURED', () => {
    const ruleset = compile({
      flags: { f: flag('f', { rules: [{ id: 'r', variation: 0, clauses: [{ attribute: '', op: 'segmentMatch', values: ['big'] }] }] }) },
      segments: { big: { key: 'big', unbounded: true, generation: 1, included: ['u1'] } },
    })
    expect(evaluateFlag(ruleset, 'f', user)).toEqual({
      value: true,
      variationIndex: 1,
      reason: { kind: 'FALLTHROUGH', bigSegmentsStatus: 'NOT_CONFIGURED' },
    })
  })

  it('accepts a context parsed once for many evaluations', () => {
    const ruleset = compile({ flags: { f: flag('f') } })
    const context = parseContext(user)
    expect(evaluateFlag(ruleset, 'f', context).value).toBe(true)
  })

  it('returns the default with WRONG_TYPE when the value has another type', () => {
    const ruleset = compile({ flags: { f: flag('f') } })
    expect(evaluateFlag(ruleset, 'f', user, { defaultValue: 'x', valueType: 'string' })).toEqual({
      value: 'x',
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'WRONG_TYPE' },
    })
  })
})

describe('evaluateAll', () => {
  const ruleset = compile({
    flags: {
      web: flag('web', { clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: false } }),
      server: flag('server', { clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false } }),
      legacy: flag('legacy', { clientSide: true }),
      old: flag('old', { deleted: true }),
    },
  })

  it('evaluates every live flag', () => {
    expect(Object.keys(evaluateAll(ruleset, user)).sort()).toEqual(['legacy', 'server', 'web'])
  })

  it('evaluates only the flags the filter lets through', () => {
    const results = evaluateAll(ruleset, user, { filter: (f) => f.clientSideAvailability.usingEnvironmentId })
    expect(Object.keys(results).sort()).toEqual(['legacy', 'web'])
  })

  it('reads availability from clientSide when clientSideAvailability is absent', () => {
    const legacy = ruleset.flags.get('legacy')!
    expect(legacy.clientSideAvailability).toEqual({ usingEnvironmentId: true, usingMobileKey: true })
  })

  it('answers USER_NOT_SPECIFIED for every flag when the context is invalid', () => {
    const results = evaluateAll(ruleset, { kind: 'user', key: '' })
    expect(Object.values(results).map((r) => r.reason.kind)).toEqual(['ERROR', 'ERROR', 'ERROR'])
  })
})

describe('a context without a key', () => {
  const ruleset = compile({
    flags: {
      plain: flag('plain', { rules: [{ id: 'de', variation: 0, clauses: [{ attribute: 'country', op: 'in', values: ['de'] }] }] }),
      targeted: flag('targeted', { targets: [{ values: ['u1'], variation: 0 }] }),
      split: flag('split', { fallthrough: { rollout: { variations: [{ variation: 0, weight: 50000 }, { variation: 1, weight: 50000 }] } } }),
      byKey: flag('byKey', { rules: [{ id: 'k', variation: 0, clauses: [{ attribute: 'key', op: 'in', values: ['u1'] }] }] }),
      byCountry: flag('byCountry', {
        fallthrough: { rollout: { bucketBy: 'country', variations: [{ variation: 0, weight: 50000 }, { variation: 1, weight: 50000 }] } },
      }),
    },
  })
  const anonymous = parseContext({ kind: 'user', country: 'de' }, { allowMissingKey: true })

  it('is refused unless allowed', () => {
    expect(parseContext({ kind: 'user', country: 'de' }).valid).toBe(false)
  })

  it('evaluates flags that never read the key', () => {
    expect(evaluateFlag(ruleset, 'plain', anonymous).reason).toEqual({ kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'de' })
    expect(evaluateFlag(ruleset, 'byCountry', anonymous).reason).toEqual({ kind: 'FALLTHROUGH' })
  })

  it.each(['targeted', 'split', 'byKey'])('answers TARGETING_KEY_MISSING where %s needs the key', (key) => {
    expect(evaluateFlag(ruleset, key, anonymous, { defaultValue: 'd' })).toEqual({
      value: 'd',
      variationIndex: null,
      reason: { kind: 'ERROR', errorKind: 'TARGETING_KEY_MISSING' },
    })
  })

  it('does not leak the missing key into the next evaluation', () => {
    evaluateFlag(ruleset, 'targeted', anonymous)
    expect(evaluateFlag(ruleset, 'targeted', user).reason).toEqual({ kind: 'TARGET_MATCH' })
  })
})

// Regression rows found by the differential test (test/unit/differential): LaunchDarkly's
// JavaScript SDK, which we must agree with, has these quirks.
describe('agreement with LaunchDarkly quirks', () => {
  const on = (key: string, extra: Record<string, unknown>) => flag(key, { fallthrough: { variation: 1 }, ...extra })
  const clause = (attribute: string, values: unknown[], extra: Record<string, unknown> = {}) => ({
    contextKind: 'user',
    attribute,
    op: 'in',
    values,
    ...extra,
  })
  const segmentClause = (key: string) => ({ attribute: '', op: 'segmentMatch', values: [key] })

  it.each([
    [
      // inside, f's cycle error is replaced by its failing second prerequisite; outside, f then
      // serves its off variation, which is not the variation required of it
      'a later failing prerequisite replaces a cycle error',
      { f: on('f', { prerequisites: [{ key: 'f', variation: 1 }, { key: 'missing', variation: 0 }] }) },
      {},
      { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'f' },
    ],
    [
      'a prerequisite that failed inside a cycle can still satisfy its parent',
      {
        f: on('f', { prerequisites: [{ key: 's', variation: 0 }] }),
        s: on('s', { prerequisites: [{ key: 's', variation: 1 }, { key: 'missing', variation: 0 }] }),
      },
      {},
      { kind: 'FALLTHROUGH' },
    ],
    [
      'a clause error followed by a matching clause matches the rule',
      { f: on('f', { rules: [{ id: 'r0', variation: 0, clauses: [clause('//', ['x']), clause('key', ['u1'])] }] }) },
      {},
      { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r0' },
    ],
    [
      'a clause error followed by a failing clause fails the rule quietly',
      { f: on('f', { rules: [{ id: 'r0', variation: 0, clauses: [clause('//', ['x']), clause('key', ['nobody'])] }] }) },
      {},
      { kind: 'FALLTHROUGH' },
    ],
    [
      'a clause error in the last clause is an error',
      { f: on('f', { rules: [{ id: 'r0', variation: 0, clauses: [clause('key', ['u1']), clause('//', ['x'])] }] }) },
      {},
      { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
    ],
    [
      'a segment cycle hidden by a later failing clause is no match',
      { f: on('f', { rules: [{ id: 'r0', variation: 0, clauses: [segmentClause('s')] }] }) },
      { s: { key: 's', rules: [{ clauses: [segmentClause('s'), clause('key', ['nobody'])] }] } },
      { kind: 'FALLTHROUGH' },
    ],
    [
      'a rule without a clause list never matches',
      { f: on('f', { rules: [{ id: 'r0', variation: 0 }] }) },
      {},
      { kind: 'FALLTHROUGH' },
    ],
    [
      'a segment rule without a clause list never matches',
      { f: on('f', { rules: [{ id: 'r0', variation: 0, clauses: [segmentClause('s')] }] }) },
      { s: { key: 's', rules: [{ id: 'sr0' }] } },
      { kind: 'FALLTHROUGH' },
    ],
  ])('%s', (_, flags, segments, reason) => {
    const ruleset = compile({ flags, segments })
    expect(evaluateFlag(ruleset, 'f', user).reason).toEqual(reason)
  })
})
