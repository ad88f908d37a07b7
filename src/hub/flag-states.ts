import { evaluateCompiledFlag, type CompiledFlag, type CompiledRuleset, type EvaluationContext } from '../evaluation'
import { canonicalJson } from '../model/canonical-json'
import type { KeyKind } from '../model/api-key'
import { toOfrep } from '../ofrep/response'
import { visibleTo } from '../ofrep/visibility'

/** What a socket is told about one flag: OFREP's answer without the key and metadata. */
export type FlagState =
  | { value: unknown; variant: string; reason: string }
  | { errorCode: string; errorDetails: string }

export const flagState = (flag: CompiledFlag, context: EvaluationContext): FlagState => {
  const answer = toOfrep(flag, evaluateCompiledFlag(flag, context))
  if ('errorCode' in answer) return { errorCode: answer.errorCode, errorDetails: answer.errorDetails }
  return { value: answer.value, variant: answer.variant, reason: answer.reason }
}

/** Every flag a key of `kind` may see, for a `put`. */
export const allStates = (ruleset: CompiledRuleset, context: EvaluationContext, kind: KeyKind) => {
  const visible = visibleTo(kind)
  const states: Record<string, FlagState> = {}
  for (const flag of ruleset.flags.values()) if (visible(flag)) states[flag.key] = flagState(flag, context)
  return states
}

/** The state of `key` for this socket in `ruleset`, or undefined when it may not see the flag. */
export const stateIn = (ruleset: CompiledRuleset | undefined, key: string, context: EvaluationContext, kind: KeyKind) => {
  const flag = ruleset?.flags.get(key)
  return flag !== undefined && visibleTo(kind)(flag) ? flagState(flag, context) : undefined
}

// Cheap fields first; JSON values are compared as canonical text only when both are objects
const sameValue = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && canonicalJson(a) === canonicalJson(b))

export const sameState = (a: FlagState | undefined, b: FlagState | undefined): boolean => {
  if (a === b) return true
  if (a === undefined || b === undefined) return false
  if ('errorCode' in a || 'errorCode' in b) return 'errorCode' in a && 'errorCode' in b && a.errorCode === b.errorCode
  return a.variant === b.variant && a.reason === b.reason && sameValue(a.value, b.value)
}
