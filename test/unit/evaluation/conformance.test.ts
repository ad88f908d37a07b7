import { describe, expect, it } from 'vitest'
import { compileRuleset, evaluateFlag, type ValueType } from '../../../src/evaluation'
import { parseRuleset } from '../../../src/model/ruleset'
import { loadCaseFiles, loadIndex, type ConformanceCase } from '../../support/ld-eval-cases'
import { normaliseReason } from '../../support/ld-reason'

// LaunchDarkly's evaluation conformance suite (test/fixtures/ld-eval-cases/README.md): every
// case is its own test, run with each form of its context the harness sends.

const VALUE_TYPES: Record<ConformanceCase['valueType'], ValueType> = {
  bool: 'bool',
  int: 'number',
  double: 'number',
  string: 'string',
  any: 'any',
}

const files = loadCaseFiles()

const contextsOf = (testCase: ConformanceCase) => {
  const forms: [string, unknown][] = [
    ['context', testCase.context],
    ['contextAsSent', testCase.contextAsSent],
  ]
  if (testCase.legacyUser !== null && testCase.legacyUser !== undefined) {
    forms.push(['legacyUser', testCase.legacyUser])
  }
  return forms
}

describe.each(files.map((file) => [file.file, file] as const))('%s', (_, file) => {
  it.each(file.cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_, testCase) => {
    const parsed = parseRuleset({ flags: {}, segments: {}, ...testCase.sdkData })
    if (!parsed.ok) throw new Error(`sdkData rejected: ${JSON.stringify(parsed.errors)}`)
    const ruleset = compileRuleset(parsed.ruleset)
    for (const [form, context] of contextsOf(testCase)) {
      const result = evaluateFlag(ruleset, testCase.flagKey, context, {
        defaultValue: testCase.defaultValue,
        valueType: VALUE_TYPES[testCase.valueType],
      })
      const actual = {
        value: result.value,
        variationIndex: result.variationIndex,
        reason: normaliseReason(result.reason),
      }
      expect(actual, form).toEqual({
        ...testCase.expect,
        variationIndex: testCase.expect.variationIndex ?? null,
        reason: normaliseReason(testCase.expect.reason),
      })
    }
  })
})

describe('the vendored suite', () => {
  it('holds all 844 cases the index lists', () => {
    const index = loadIndex()
    const counts = Object.fromEntries(files.map((file) => [file.file, file.cases.length]))
    expect(counts).toEqual(Object.fromEntries(index.files.map((entry) => [entry.file, entry.cases])))
    expect(files.reduce((sum, file) => sum + file.cases.length, 0)).toBe(844)
  })
})
