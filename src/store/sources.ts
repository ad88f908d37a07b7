/** What the read path needs from the Worker: bindings, timing and a way to work after replying. */
export type StoreSources = {
  kv: KVNamespace
  /** The colo's cache (`caches.default`); undefined where there is none. */
  cache: Cache | undefined
  /** How old a cached entry may get before a background refresh, in ms. */
  refreshMs: number
  waitUntil: (promise: Promise<unknown>) => void
  now: () => number
}

export const DEFAULT_REFRESH_MS = 5000

/** `REFRESH_MS` from the environment, or the default when unset or not a positive number. */
export const parseRefreshMs = (value: string | undefined) => {
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed >= 0 && value !== undefined && value !== '' ? parsed : DEFAULT_REFRESH_MS
}
