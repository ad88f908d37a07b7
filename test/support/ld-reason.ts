/**
 * A reason reduced to what LaunchDarkly's SDK test harness compares: `kind`; `ruleIndex` and
 * `ruleId` for RULE_MATCH; `inExperiment` only when true; `prerequisiteKey` for
 * PREREQUISITE_FAILED; `errorKind` for ERROR; `bigSegmentsStatus` whenever set.
 */
export const normaliseReason = (reason: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = { kind: reason.kind }
  if (reason.kind === 'RULE_MATCH') {
    out.ruleIndex = reason.ruleIndex
    out.ruleId = reason.ruleId
  }
  if (reason.inExperiment === true) out.inExperiment = true
  if (reason.kind === 'PREREQUISITE_FAILED') out.prerequisiteKey = reason.prerequisiteKey
  if (reason.kind === 'ERROR') out.errorKind = reason.errorKind
  if (reason.bigSegmentsStatus !== undefined) out.bigSegmentsStatus = reason.bigSegmentsStatus
  return out
}
