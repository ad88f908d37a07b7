import { evaluateCompiledFlag, type CompiledFlag, type CompiledRuleset, type EvaluationContext } from '../evaluation'
import type { EvaluationResult, Reason } from '../evaluation'
import type { KeyKind } from '../model/api-key'
import { canonicalJson } from '../model/canonical-json'
import { visibleTo } from '../ofrep/visibility'

/**
 * One flag as LaunchDarkly's client-side endpoints answer it (`/sdk/evalx`, the `/eval` stream).
 * `version` is the ruleset's version, which rises with anything that can change an answer (a
 * segment too), so the SDKs, which keep a patch only when its version is newer, never drop one;
 * `flagVersion` is the flag's own, which the SDKs put in their events.
 */
export type EvalxFlag = {
  value: unknown
  variation: number | null
  version: number
  flagVersion: number
  trackEvents?: true
  trackReason?: true
  reason?: Reason
  debugEventsUntilDate?: number
}

export type EvalxOptions = { version: number; withReasons: boolean }

type Source = { trackEventsFallthrough?: unknown; debugEventsUntilDate?: unknown; rules: { trackEvents?: boolean }[] }

// LaunchDarkly's rule for when an evaluation is part of an experiment: its SDKs then send the
// full event with its reason
const inExperiment = (flag: CompiledFlag, reason: Reason) => {
  const source = flag.source as unknown as Source
  if ('inExperiment' in reason && reason.inExperiment) return true
  if (reason.kind === 'FALLTHROUGH') return source.trackEventsFallthrough === true
  if (reason.kind === 'RULE_MATCH') return source.rules[reason.ruleIndex]?.trackEvents === true
  return false
}

// Client and mobile keys never learn rules (DESIGN.md section 3), so their reasons leave out rule
// ids and positions and prerequisite keys, as OFREP's answers to them do.
const publicReason = (reason: Reason): Reason => {
  if (reason.kind === 'RULE_MATCH') return (reason.inExperiment ? { kind: 'RULE_MATCH', inExperiment: true } : { kind: 'RULE_MATCH' }) as Reason
  if (reason.kind === 'PREREQUISITE_FAILED') return { kind: 'PREREQUISITE_FAILED' } as Reason
  return reason
}

export const evalxFlag = (flag: CompiledFlag, result: EvaluationResult, { version, withReasons }: EvalxOptions): EvalxFlag => {
  const experiment = inExperiment(flag, result.reason)
  const state: EvalxFlag = { value: result.value, variation: result.variationIndex, version, flagVersion: flag.version }
  if (flag.source.trackEvents || experiment) state.trackEvents = true
  if (experiment) state.trackReason = true
  if (withReasons || experiment) state.reason = publicReason(result.reason)
  const debugUntil = (flag.source as unknown as Source).debugEventsUntilDate
  if (typeof debugUntil === 'number' && debugUntil > 0) state.debugEventsUntilDate = debugUntil
  return state
}

/** Every flag a key of `kind` may see, evaluated for `context`: the body of `/sdk/evalx`. */
export const evalxAll = (ruleset: CompiledRuleset, context: EvaluationContext, kind: KeyKind, options: EvalxOptions) => {
  const visible = visibleTo(kind)
  const flags: Record<string, EvalxFlag> = {}
  for (const flag of ruleset.flags.values()) {
    if (visible(flag)) flags[flag.key] = evalxFlag(flag, evaluateCompiledFlag(flag, context), options)
  }
  return flags
}

/** The flag's state for `context`, or undefined when a key of `kind` may not see it. */
export const evalxIn = (
  ruleset: CompiledRuleset | undefined,
  key: string,
  context: EvaluationContext,
  kind: KeyKind,
  options: EvalxOptions,
): EvalxFlag | undefined => {
  const flag = ruleset?.flags.get(key)
  return flag !== undefined && visibleTo(kind)(flag) ? evalxFlag(flag, evaluateCompiledFlag(flag, context), options) : undefined
}

/** Whether the SDK would hold the same thing: every field but the ruleset's version. */
export const sameEvalx = (a: EvalxFlag | undefined, b: EvalxFlag | undefined) => {
  if (a === undefined || b === undefined) return a === b
  return canonicalJson({ ...a, version: 0 }) === canonicalJson({ ...b, version: 0 })
}
