/** The first reconnect waits up to this long. */
export const BACKOFF_BASE_MS = 500
/** No reconnect waits longer than this. */
export const BACKOFF_MAX_MS = 30_000

/**
 * How long to wait before reconnect attempt `attempt` (0 for the first): exponential backoff
 * with full jitter, a random delay in [0, min(max, base · 2^attempt)). Full jitter spreads the
 * clients a restart dropped, so they do not come back in waves (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015).
 */
export const backoffDelay = (attempt: number, random: () => number = Math.random) =>
  random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt)
