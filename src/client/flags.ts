import { sameJson } from './json'
import type { FlagValue } from './types'

/**
 * What the server says about one flag for this context (a socket message's entry, or an OFREP
 * result without its key): a value, or an OFREP error code when there is none.
 */
export type FlagState =
  | { value: FlagValue; variant?: string; reason: string }
  | { errorCode: string; errorDetails?: string }

export type FlagStates = Record<string, FlagState>

/** New states and the keys whose value they changed. */
export type Applied = { states: FlagStates; changed: string[] }

/** The value `variation` would serve, before type checks: undefined when absent or an error. */
export const valueOf = (state: FlagState | undefined): FlagValue | undefined =>
  state !== undefined && 'value' in state ? state.value : undefined

/**
 * Keys among `keys` whose value differs. Listeners hear about values only: a new reason or
 * variant with the same value is not a change, and absent and error both count as no value.
 */
export const changedKeys = (before: FlagStates, after: FlagStates, keys: Iterable<string>) =>
  [...new Set(keys)].filter((key) => !sameJson(valueOf(before[key]), valueOf(after[key])))

/** A `put` (or an OFREP bulk answer): the new states replace all. */
export const applyPut = (before: FlagStates, states: FlagStates): Applied => ({
  states,
  changed: changedKeys(before, states, [...Object.keys(before), ...Object.keys(states)]),
})

/** A `patch`: changed states merged in, `removed` keys dropped. */
export const applyPatch = (before: FlagStates, flags: FlagStates, removed: string[] = []): Applied => {
  const states = { ...before, ...flags }
  for (const key of removed) delete states[key]
  return { states, changed: changedKeys(before, states, [...Object.keys(flags), ...removed]) }
}

/** States for plain values (a bootstrap, `reason` STATIC). */
export const fromValues = (values: Record<string, FlagValue>, reason: string): FlagStates =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, reason }]))
