import { errorReason, type ErrorKind, type Reason } from './reasons'

/** What an evaluation answers: LaunchDarkly's evaluation detail. */
export type EvaluationResult = {
  readonly value: unknown
  /** The index into the flag's variations, or null when the default value was served. */
  readonly variationIndex: number | null
  readonly reason: Reason
}

/**
 * The outcome of one evaluation step before the value is looked up: a variation index (undefined
 * when none applies, as for an off flag without `offVariation`) and its reason. Every decision a
 * flag can reach is built when it is compiled, so evaluating allocates nothing but the result.
 */
export type Decision = {
  readonly index: number | undefined
  readonly reason: Reason
  /**
   * The finished result when it cannot depend on the caller (a variation was chosen), built once
   * and shared, frozen, by every evaluation that reaches this decision.
   */
  readonly result?: EvaluationResult
}

const ERRORS = new Map<ErrorKind, Decision>()

/** The shared decision for an error of `kind`. */
export const errorDecision = (kind: ErrorKind): Decision => {
  let decision = ERRORS.get(kind)
  if (decision === undefined) {
    decision = Object.freeze({ index: undefined, reason: errorReason(kind) })
    ERRORS.set(kind, decision)
  }
  return decision
}

export const isError = (decision: Decision) => decision.reason.kind === 'ERROR'
