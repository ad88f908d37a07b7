import { isDeepStrictEqual } from 'node:util'
import { evaluateCompiledFlag, type CompiledRuleset, type EvaluationContext } from '../../src/evaluation'
import { toOfrep } from '../../src/ofrep/response'
import type { History } from './history'

/**
 * What one socket should have heard, from the evaluator, and how what it heard compares. A socket
 * with a client key sees flags available to client-side ids; a patch lists the flags whose state
 * (value, variant, OFREP reason; or error code) changed, and comes only when one did.
 */

type State = Record<string, unknown>
export type Patch = { version: number; flags: Record<string, State> }

/** Every client-visible flag's state for `context` in `ruleset`. */
export function statesOf(ruleset: CompiledRuleset, context: EvaluationContext): Record<string, State> {
  const states: Record<string, State> = {}
  for (const flag of ruleset.flags.values()) {
    if (!flag.clientSideAvailability.usingEnvironmentId) continue
    const { key: _key, metadata: _metadata, ...state } = toOfrep(flag, evaluateCompiledFlag(flag, context)) as State
    states[flag.key] = state
  }
  return states
}

/** The patches `context` should get for versions first+1 … last, in order. */
export function expectedPatches(history: History, context: EvaluationContext, first: number, last: number): Patch[] {
  const patches: Patch[] = []
  let before = statesOf(history.compiled(first)!, context)
  for (let version = first + 1; version <= last; version++) {
    const after = statesOf(history.compiled(version)!, context)
    const changed = Object.keys(after).filter((key) => !isDeepStrictEqual(before[key], after[key]))
    if (changed.length > 0) patches.push({ version, flags: Object.fromEntries(changed.map((key) => [key, after[key]])) })
    before = after
  }
  return patches
}

export type Tally = {
  expected: number
  received: number
  missed: number
  outOfOrder: number
  duplicated: number
  /** Messages that are not a patch, or a patch for a version that should not have reached it. */
  unexpected: number
  /** Patches for the right version with the wrong flags or states. */
  wrong: number
}

export const emptyTally = (): Tally =>
  ({ expected: 0, received: 0, missed: 0, outOfOrder: 0, duplicated: 0, unexpected: 0, wrong: 0 })

/** Adds one socket's comparison to `into`; returns the first problem, for the report. */
export function tallySocket(expected: Patch[], messages: string[], into: Tally): string | undefined {
  const wanted = new Map(expected.map((patch) => [patch.version, patch]))
  const seen = new Set<number>()
  const problems: string[] = []
  let latest = -Infinity
  for (const text of messages) {
    const message = JSON.parse(text)
    const version = message.version
    if (message.type !== 'patch' || typeof version !== 'number') {
      into.unexpected += 1
      problems.push(`not a patch: ${text.slice(0, 200)}`)
      continue
    }
    if (seen.has(version)) {
      into.duplicated += 1
      problems.push(`version ${version} twice`)
      continue
    }
    seen.add(version)
    if (version < latest) {
      into.outOfOrder += 1
      problems.push(`version ${version} after ${latest}`)
    }
    latest = Math.max(latest, version)
    const want = wanted.get(version)
    const got = { version, flags: message.flags, removed: message.removed }
    if (want === undefined) {
      into.unexpected += 1
      problems.push(`unexpected patch ${text.slice(0, 200)}`)
    } else if (!isDeepStrictEqual(got, { ...want, removed: [] })) {
      into.wrong += 1
      problems.push(`version ${version}: got ${text.slice(0, 200)}, expected ${JSON.stringify(want)}`)
    }
  }
  const missed = expected.filter((patch) => !seen.has(patch.version))
  if (missed.length > 0) problems.push(`missed versions ${missed.map((patch) => patch.version).join(', ')}`)
  into.expected += expected.length
  into.received += messages.length
  into.missed += missed.length
  return problems[0]
}
