import { describe, expect, it } from 'vitest'
import bucketing from '../fixtures/ld-eval-cases/bucketing.json'
import { compileRuleset, evaluateFlag } from '../../src/evaluation'
import { parseRuleset } from '../../src/model/ruleset'
import { normaliseReason } from '../support/ld-reason'

// The evaluator must give the same answers inside workerd (node:crypto through nodejs_compat)
// as under Node: the bucketing cases are the ones that depend on the runtime's SHA-1.

describe('the evaluator inside workerd', () => {
  it.each(bucketing.cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_, testCase) => {
    const parsed = parseRuleset(testCase.sdkData)
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors))
    const result = evaluateFlag(compileRuleset(parsed.ruleset), testCase.flagKey, testCase.context, {
      defaultValue: testCase.defaultValue,
    })
    expect({ ...result, reason: normaliseReason(result.reason) }).toEqual({
      value: testCase.expect.value,
      variationIndex: testCase.expect.variationIndex,
      reason: normaliseReason(testCase.expect.reason),
    })
  })
})
