import { describe, expect, it } from 'vitest'
import { normaliseDetail, normaliseReason, type Reason } from '../../support/ld-reason'

describe('normaliseReason', () => {
  it.each<[string, Reason, Reason]>([
    ['keeps a bare kind', { kind: 'FALLTHROUGH' }, { kind: 'FALLTHROUGH' }],
    [
      'keeps the rule of a rule match',
      { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'r1', inExperiment: false },
      { kind: 'RULE_MATCH', ruleIndex: 1, ruleId: 'r1' },
    ],
    [
      'keeps inExperiment when true',
      { kind: 'FALLTHROUGH', inExperiment: true },
      { kind: 'FALLTHROUGH', inExperiment: true },
    ],
    ['drops a rule index elsewhere', { kind: 'FALLTHROUGH', ruleIndex: 0 }, { kind: 'FALLTHROUGH' }],
    [
      'keeps the prerequisite key of a failed prerequisite',
      { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' },
      { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' },
    ],
    [
      'keeps the error kind of an error',
      { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
      { kind: 'ERROR', errorKind: 'MALFORMED_FLAG' },
    ],
    ['drops an error kind outside an error', { kind: 'OFF', errorKind: 'X' }, { kind: 'OFF' }],
    [
      'keeps a big segments status',
      { kind: 'FALLTHROUGH', bigSegmentsStatus: 'NOT_CONFIGURED' },
      { kind: 'FALLTHROUGH', bigSegmentsStatus: 'NOT_CONFIGURED' },
    ],
    ['drops unknown properties', { kind: 'TARGET_MATCH', extra: 1 }, { kind: 'TARGET_MATCH' }],
  ])('%s', (_, reason, expected) => {
    expect(normaliseReason(reason)).toStrictEqual(expected)
  })
})

describe('normaliseDetail', () => {
  it('reads a missing variation index as null', () => {
    expect(normaliseDetail({ value: 1, reason: { kind: 'OFF' } }).variationIndex).toBeNull()
  })

  it('keeps the value exactly, undefined included', () => {
    const detail = normaliseDetail({ value: undefined, reason: { kind: 'OFF' } })
    expect(detail).toHaveProperty('value', undefined)
    expect(detail).not.toStrictEqual({ ...detail, value: null })
  })
})
