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

/**
 * Who reads an answer: server keys get LaunchDarkly's whole reason; client and mobile keys,
 * whose answers reach browsers, do not learn rule ids, rule positions or prerequisite keys
 * (DESIGN.md section 3: they never see rules).
 */
export type Audience = 'server' | 'public'

// OFREP metadata values are primitives, so LaunchDarkly's reason travels flattened
const metadataOf = (flag: CompiledFlag, reason: Reason, audience: Audience) => {
  const metadata: Record<string, string | number | boolean> = { flagVersion: flag.version, ldReason: reason.kind }
  if (reason.kind === 'RULE_MATCH' && audience === 'server') {
    metadata.ruleIndex = reason.ruleIndex
    if (reason.ruleId !== undefined) metadata.ruleId = reason.ruleId
  }
  if (reason.kind === 'PREREQUISITE_FAILED' && audience === 'server') metadata.prerequisiteKey = reason.prerequisiteKey
  if ('inExperiment' in reason && reason.inExperiment) metadata.inExperiment = true
  return metadata
}

export const ofrepFailure = (key: string, errorCode: OfrepErrorCode, errorDetails: string): OfrepFailure => ({
  key,
  errorCode,
  errorDetails,
})

/** One flag's evaluation in OFREP's shape: a success, or a failure with an error code. */
export const toOfrep = (
  flag: CompiledFlag,
  result: EvaluationResult,
  audience: Audience = 'public',
): OfrepSuccess | OfrepFailure => {
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
    metadata: metadataOf(flag, reason, audience),
  }
}

// Most results are shared, frozen objects made once per decision when a ruleset is compiled, so
// their JSON is made once too and reused by every bulk answer that contains them.
const fragments: Record<Audience, WeakMap<EvaluationResult, string>> = { server: new WeakMap(), public: new WeakMap() }

/** `toOfrep(flag, result)` as JSON text, memoised for the shared results of compiled rulesets. */
export const ofrepJson = (flag: CompiledFlag, result: EvaluationResult, audience: Audience): string => {
  const cache = fragments[audience]
  let json = cache.get(result)
  if (json === undefined) {
    json = JSON.stringify(toOfrep(flag, result, audience))
    if (Object.isFrozen(result)) cache.set(result, json)
  }
  return json
}

export const audienceOf = (kind: 'client' | 'mobile' | 'server'): Audience => (kind === 'server' ? 'server' : 'public')
