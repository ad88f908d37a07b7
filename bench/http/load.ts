import autocannon from 'autocannon'
import type { Target } from './edgeflags'
import { PATH, requestHeaders } from './requests'

/** One autocannon run against one target, reduced to the numbers the report prints. */

export type Load = { bodies: string[]; key: string; connections: number; seconds: number }

export type Sample = {
  requests: number
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  errors: number
}

// Nearest rank on sorted values.
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function summarize(result: autocannon.Result, latencies: number[]): Sample {
  const sorted = Float64Array.from(latencies).sort()
  return {
    requests: result.requests.total,
    reqPerSec: result.requests.total / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors,
  }
}

/**
 * Loads `target` with POSTs that cycle through `bodies`. Static requests are encoded once per
 * connection up front, so the client spends nothing per request on building them.
 */
export function loadOnce(target: Target, { bodies, key, connections, seconds }: Load): Promise<Sample> {
  // autocannon's own latency histogram keeps whole milliseconds (lowestDiscernibleValue 1),
  // too coarse here; its 'response' event carries the hrtime duration as a float.
  const latencies: number[] = []
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: new URL(PATH, target.url).href,
        method: 'POST',
        headers: requestHeaders(key),
        requests: bodies.map((body) => ({ method: 'POST', path: PATH, body })),
        connections,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(summarize(result, latencies))),
    )
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms))
  })
}
