import { matchClauses } from './clauses'
import type { CompiledFlag, CompiledRuleset } from './compiled'
import { toEvaluationContext, type EvaluationContext } from './context'
import { checkPrerequisites } from './prerequisites'
import type { ErrorKind, Reason } from './reasons'
import { errorDecision, type Decision, type EvaluationResult } from './result'
import { serve } from './serve'
import { matchTargets } from './targets'
import { bigSegmentsStatus, neededMissingKey, resetNotes } from './notes'

type Context = EvaluationContext & { valid: true }

/** `number` covers LaunchDarkly's int and double; `any` skips the type check. */
export type ValueType = 'bool' | 'number' | 'string' | 'any'

export type EvaluationOptions = {
  /** Served on errors and when no variation applies. Default: null. */
  defaultValue?: unknown
  /** Typed evaluation: a value of another JSON type answers the default with WRONG_TYPE. */
  valueType?: ValueType
}

/** LaunchDarkly's evaluation order: off, prerequisites, targets, rules, fallthrough. */
export const decide = (flag: CompiledFlag, context: Context): Decision => {
  if (!flag.on) return flag.off
  if (flag.prerequisites.length !== 0) {
    const prerequisite = checkPrerequisites(flag, context)
    if (prerequisite !== undefined) return prerequisite
  }
  const target = matchTargets(flag, context)
  if (target !== undefined) return target
  for (const rule of flag.rules) {
    const match = matchClauses(rule.clauses, context)
    if (match === true) return serve(rule.serve, context)
    if (match !== false) return match
  }
  return serve(flag.fallthrough, context)
}

const MALFORMED = errorDecision('MALFORMED_FLAG')

// Data can nest deeper than the stack (a prerequisite chain thousands long): that is a malformed
// flag, not a crash of the caller.
const safeDecide = (flag: CompiledFlag, context: Context): Decision => {
  try {
    return decide(flag, context)
  } catch {
    return MALFORMED
  }
}

const TYPE_CHECKS: Record<ValueType, (value: unknown) => boolean> = {
  bool: (value) => typeof value === 'boolean',
  number: (value) => typeof value === 'number',
  string: (value) => typeof value === 'string',
  any: () => true,
}

const errorResult = (kind: ErrorKind, defaultValue: unknown): EvaluationResult => ({
  value: defaultValue,
  variationIndex: null,
  reason: errorDecision(kind).reason,
})

const withStatus = (reason: Reason): Reason => {
  const status = bigSegmentsStatus()
  return status === undefined ? reason : { ...reason, bigSegmentsStatus: status }
}

const evaluateCompiled = (
  flag: CompiledFlag,
  context: Context,
  options: EvaluationOptions,
): EvaluationResult => {
  const defaultValue = options.defaultValue === undefined ? null : options.defaultValue
  resetNotes()
  const decision = safeDecide(flag, context)
  if (neededMissingKey()) return errorResult('TARGETING_KEY_MISSING', defaultValue)
  const { index, reason, result } = decision
  const value = result !== undefined ? result.value : defaultValue
  if (options.valueType !== undefined && !TYPE_CHECKS[options.valueType](value)) {
    return errorResult('WRONG_TYPE', defaultValue)
  }
  if (result !== undefined && bigSegmentsStatus() === undefined) return result
  return { value, variationIndex: index ?? null, reason: withStatus(reason) }
}

const NO_OPTIONS: EvaluationOptions = Object.freeze({})

/**
 * Evaluates one flag for one context, exactly as LaunchDarkly's server SDKs would. Never throws:
 * every problem is an ERROR reason with the default value.
 */
export const evaluateFlag = (
  ruleset: CompiledRuleset,
  flagKey: string,
  context: unknown,
  options: EvaluationOptions = NO_OPTIONS,
): EvaluationResult => {
  const evaluationContext = toEvaluationContext(context)
  const defaultValue = options.defaultValue === undefined ? null : options.defaultValue
  if (!evaluationContext.valid) return errorResult('USER_NOT_SPECIFIED', defaultValue)
  const flag = ruleset.flags.get(flagKey)
  if (flag === undefined) return errorResult('FLAG_NOT_FOUND', defaultValue)
  return evaluateCompiled(flag, evaluationContext, options)
}

export type EvaluateAllOptions = {
  /** Which flags to evaluate: how client keys see only client-side flags. Default: all. */
  filter?: (flag: CompiledFlag) => boolean
}

/**
 * Evaluates one compiled flag for a parsed context, for callers that walk a ruleset's flags
 * themselves (the OFREP bulk route). An invalid context answers USER_NOT_SPECIFIED.
 */
export const evaluateCompiledFlag = (
  flag: CompiledFlag,
  context: EvaluationContext,
  options: EvaluationOptions = NO_OPTIONS,
): EvaluationResult =>
  context.valid
    ? evaluateCompiled(flag, context, options)
    : errorResult('USER_NOT_SPECIFIED', options.defaultValue === undefined ? null : options.defaultValue)

/** Evaluates every flag (that passes `filter`) for one context. */
export const evaluateAll = (
  ruleset: CompiledRuleset,
  context: unknown,
  { filter }: EvaluateAllOptions = {},
): Record<string, EvaluationResult> => {
  const evaluationContext = toEvaluationContext(context)
  // Built without a prototype, V8 keeps the object a hash table from the start instead of
  // growing a new hidden class per key (a seventh of the whole call with 200 flags, measured).
  const results: Record<string, EvaluationResult> = Object.create(null)
  for (const flag of ruleset.flags.values()) {
    if (filter !== undefined && !filter(flag)) continue
    results[flag.key] = evaluationContext.valid
      ? evaluateCompiled(flag, evaluationContext, NO_OPTIONS)
      : errorResult('USER_NOT_SPECIFIED', null)
  }
  return Object.setPrototypeOf(results, Object.prototype)
}
