/**
 * Why an evaluation failed: LaunchDarkly's `errorKind`, plus TARGETING_KEY_MISSING (OpenFeature's
 * name) for a context parsed with `allowMissingKey` whose key the flag needed.
 */
export type ErrorKind =
  | 'FLAG_NOT_FOUND'
  | 'MALFORMED_FLAG'
  | 'USER_NOT_SPECIFIED'
  | 'WRONG_TYPE'
  | 'TARGETING_KEY_MISSING'

/** Set when a flag used an unbounded (big) segment, which edgeflags does not serve. */
export type BigSegmentsStatus = 'NOT_CONFIGURED'

/** Why a flag has its value: LaunchDarkly's evaluation reason, field for field. */
export type Reason = (
  | { readonly kind: 'OFF' }
  | { readonly kind: 'TARGET_MATCH' }
  | { readonly kind: 'FALLTHROUGH'; readonly inExperiment?: true }
  | {
      readonly kind: 'RULE_MATCH'
      readonly ruleIndex: number
      readonly ruleId?: string
      readonly inExperiment?: true
    }
  | { readonly kind: 'PREREQUISITE_FAILED'; readonly prerequisiteKey: string }
  | { readonly kind: 'ERROR'; readonly errorKind: ErrorKind }
) & { readonly bigSegmentsStatus?: BigSegmentsStatus }

// Fixed reasons are shared by every result that carries them, so they are frozen.
export const OFF: Reason = Object.freeze({ kind: 'OFF' })
export const TARGET_MATCH: Reason = Object.freeze({ kind: 'TARGET_MATCH' })
export const FALLTHROUGH: Reason = Object.freeze({ kind: 'FALLTHROUGH' })

export const ruleMatch = (ruleIndex: number, ruleId: string | undefined): Reason =>
  Object.freeze(ruleId === undefined ? { kind: 'RULE_MATCH', ruleIndex } : { kind: 'RULE_MATCH', ruleIndex, ruleId })

export const prerequisiteFailed = (prerequisiteKey: string): Reason =>
  Object.freeze({ kind: 'PREREQUISITE_FAILED', prerequisiteKey })

export const errorReason = (errorKind: ErrorKind): Reason => Object.freeze({ kind: 'ERROR', errorKind })

/** The same reason, marked as part of an experiment. */
export const inExperiment = (reason: Reason): Reason => Object.freeze({ ...reason, inExperiment: true })
