import type { FlagState } from './flags'
import type { ErrorCode, FlagDetail } from './types'

// JSON's types: arrays count as objects, and null as its own
const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'object' : typeof value)

/** Whether `value` may stand in for `defaultValue`: the same JSON type. */
export const matchesType = (value: unknown, defaultValue: unknown) => jsonType(value) === jsonType(defaultValue)

const failure = <T>(value: T, errorCode: ErrorCode): FlagDetail<T> => ({ value, reason: 'ERROR', errorCode })

/**
 * The answer for one flag: its value when present and of the default's type, else the default
 * with `reason: 'ERROR'` and why (OpenFeature's evaluation details, errorCode as in OFREP).
 */
export const detailFor = <T>(state: FlagState | undefined, defaultValue: T): FlagDetail<T> => {
  if (state === undefined) return failure(defaultValue, 'FLAG_NOT_FOUND')
  if ('errorCode' in state) return failure(defaultValue, state.errorCode as ErrorCode)
  if (!matchesType(state.value, defaultValue)) return failure(defaultValue, 'TYPE_MISMATCH')
  return { value: state.value as T, variant: state.variant, reason: state.reason }
}
