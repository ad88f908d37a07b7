import type { CompiledFlag, EvaluationResult, ErrorKind, Reason } from '../evaluation'

/** OFREP's error codes (OpenAPI `errorCode`). */
export type OfrepErrorCode =
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL'
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'

export type OfrepSuccess = {
  key: string
  value: unknown
  reason: string
  variant: string
  metadata: Record<string, string | number | boolean>
}

export type OfrepFailure = { key: string; errorCode: OfrepErrorCode; errorDetails: string }

const ERROR_CODES: Record<ErrorKind, OfrepErrorCode> = {
  FLAG_NOT_FOUND: 'FLAG_NOT_FOUND',
  MALFORMED_FLAG: 'GENERAL',
  USER_NOT_SPECIFIED: 'INVALID_CONTEXT',
  WRONG_TYPE: 'TYPE_MISMATCH',
  TARGETING_KEY_MISSING: 'TARGETING_KEY_MISSING',
}

const ERROR_DETAILS: Record<ErrorKind, string> = {
  FLAG_NOT_FOUND: 'The flag does not exist',
  MALFORMED_FLAG: 'The flag is malformed and cannot be evaluated',
  USER_NOT_SPECIFIED: 'The context is not valid',
  WRONG_TYPE: 'The value has another type than requested',
  TARGETING_KEY_MISSING: 'This flag targets or splits by key: send a targetingKey',
}

const servedByRollout = (flag: CompiledFlag, reason: Reason) => {
  if (reason.kind === 'FALLTHROUGH') return 'rollout' in flag.fallthrough
  if (reason.kind === 'RULE_MATCH') return 'rollout' in flag.rules[reason.ruleIndex].serve
  return false
}

// DESIGN.md section 2: LaunchDarkly's reasons in OFREP's words. A failed prerequisite serves
// the off variation, so it reads as DISABLED.
const ofrepReason = (flag: CompiledFlag, reason: Reason): string => {
  if (servedByRollout(flag, reason)) return 'SPLIT'
  switch (reason.kind) {
    case 'TARGET_MATCH':
    case 'RULE_MATCH':
      return 'TARGETING_MATCH'
    case 'FALLTHROUGH':
      return 'DEFAULT'
    case 'OFF':
    case 'PREREQUISITE_FAILED':
      return 'DISABLED'
    default:
      return 'ERROR'
  }
}

// OFREP metadata values are primitives, so LaunchDarkly's reason travels flattened
const metadataOf = (flag: CompiledFlag, reason: Reason) => {
  const metadata: Record<string, string | number | boolean> = { flagVersion: flag.version, ldReason: reason.kind }
  if (reason.kind === 'RULE_MATCH') {
    metadata.ruleIndex = reason.ruleIndex
    if (reason.ruleId !== undefined) metadata.ruleId = reason.ruleId
  }
  if (reason.kind === 'PREREQUISITE_FAILED') metadata.prerequisiteKey = reason.prerequisiteKey
  if ('inExperiment' in reason && reason.inExperiment) metadata.inExperiment = true
  return metadata
}

export const ofrepFailure = (key: string, errorCode: OfrepErrorCode, errorDetails: string): OfrepFailure => ({
  key,
  errorCode,
  errorDetails,
})

/** One flag's evaluation in OFREP's shape: a success, or a failure with an error code. */
export const toOfrep = (flag: CompiledFlag, result: EvaluationResult): OfrepSuccess | OfrepFailure => {
  const { reason } = result
  if (reason.kind === 'ERROR') return ofrepFailure(flag.key, ERROR_CODES[reason.errorKind], ERROR_DETAILS[reason.errorKind])
  // An off flag without an off variation has no value: the caller's default applies, which
  // OFREP clients do on an error.
  if (result.variationIndex === null) {
    return ofrepFailure(flag.key, 'GENERAL', 'The flag serves no variation here (it has no off variation): use your default')
  }
  return {
    key: flag.key,
    value: result.value,
    reason: ofrepReason(flag, reason),
    variant: String(result.variationIndex),
    metadata: metadataOf(flag, reason),
  }
}

// Most results are shared, frozen objects made once per decision when a ruleset is compiled, so
// their JSON is made once too and reused by every bulk answer that contains them.
const fragments = new WeakMap<EvaluationResult, string>()

/** `toOfrep(flag, result)` as JSON text, memoised for the shared results of compiled rulesets. */
export const ofrepJson = (flag: CompiledFlag, result: EvaluationResult): string => {
  let json = fragments.get(result)
  if (json === undefined) {
    json = JSON.stringify(toOfrep(flag, result))
    if (Object.isFrozen(result)) fragments.set(result, json)
  }
  return json
}
