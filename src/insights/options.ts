/** The insights window the admin API answers for when `days` is not given, and the longest. */
export const DEFAULT_DAYS = 7
export const MAX_DAYS = 90

/** `STALE_DAYS` when unset, or not a number of days from 0 to 365. */
export const DEFAULT_STALE_DAYS = 7

const wholeNumber = (text: string | undefined) => (text !== undefined && /^\d{1,3}$/.test(text.trim()) ? Number(text) : undefined)

/** `?days=`: 1 to `MAX_DAYS` (the default when absent), undefined when anything else. */
export const parseDays = (text: string | undefined): number | undefined => {
  if (text === undefined) return DEFAULT_DAYS
  const days = wholeNumber(text)
  return days !== undefined && days >= 1 && days <= MAX_DAYS ? days : undefined
}

/**
 * The `STALE_DAYS` var, or its default. Fractions are allowed: `0.0001` (under 9 s) shows stale and
 * launched flags right after a push, to try the report out (and for test/e2e).
 */
export const staleDaysOf = (value: string | undefined) => {
  const days = value !== undefined && /^\d{1,3}(?:\.\d{1,9})?$/.test(value.trim()) ? Number(value) : undefined
  return days !== undefined && days <= 365 ? days : DEFAULT_STALE_DAYS
}
