export type Reason = Record<string, unknown>

/**
 * Keeps the parts of a reason that LaunchDarkly's sdk-test-harness compares, and drops the rest
 * (LaunchDarkly's conformance README, "How to check an evaluator"): `kind`; `ruleIndex`
 * and `ruleId` for RULE_MATCH; `inExperiment` only when true; `prerequisiteKey` only for
 * PREREQUISITE_FAILED; `errorKind` only for ERROR; `bigSegmentsStatus` whenever it is set.
 */
export const normaliseReason = (reason: Reason | null | undefined): Reason => {
  if (reason === null || reason === undefined) return { kind: undefined }
  const out: Reason = { kind: reason.kind }
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

/** `undefined` and `null` both mean "no variation". */
export const normaliseIndex = (index: number | null | undefined): number | null => index ?? null

/** A result in the one form both sides are compared in. */
export const normaliseDetail = (detail: {
  value: unknown
  variationIndex?: number | null
  reason?: Reason | null
}) => ({
  value: detail.value,
  variationIndex: normaliseIndex(detail.variationIndex),
  reason: normaliseReason(detail.reason),
})
