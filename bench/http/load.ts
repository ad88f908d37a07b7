import { createRequire } from 'node:module'
import autocannon from 'autocannon'
import type { Target } from './miniflare'
import { PATH, requestHeaders } from './requests'

/** One autocannon run against one target, reduced to the numbers the report prints. */

/** Bodies to cycle through (encoded once), or a function giving a new body per request. */
export type Bodies = string[] | (() => string)

export type Load = { bodies: Bodies; key: string; connections: number; seconds: number }

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

// A function source makes autocannon build every request afresh through setupRequest.
function requestsOf(bodies: Bodies): autocannon.Request[] {
  if (typeof bodies !== 'function') return bodies.map((body) => ({ method: 'POST', path: PATH, body }))
  const setupRequest = (request: autocannon.Request) => Object.assign(request, { body: bodies() })
  return [{ method: 'POST', path: PATH, setupRequest }]
}

/**
 * Loads `target` with POSTs of `bodies`. A list is encoded once per connection up front, so the
 * client spends nothing per request on building it; a function is called and its request encoded
 * on every request (`clientCost` says what that takes).
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
        requests: requestsOf(bodies),
        connections,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(summarize(result, latencies))),
    )
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms))
  })
}

/** What the client spends per generated request, in µs: the body alone, and the whole request. */
export type ClientCost = { bodyUs: number; requestUs: number }

type RequestIterator = { nextRequestBuffer(): Buffer }

/**
 * Times `next` alone, then autocannon's own request iterator (setupRequest, encoding, per
 * request), in loops, on a source of its own so that the timed bodies are never sent.
 */
export function clientCost(next: () => string, key: string, count = 100_000): ClientCost {
  // autocannon exports no iterator; this is the module each of its clients calls per request
  const create = createRequire(import.meta.url)('autocannon/lib/requestIterator') as (opts: object) => RequestIterator
  const iterator = create({ method: 'POST', path: PATH, headers: requestHeaders(key), requests: requestsOf(next) })
  const time = (work: () => unknown) => {
    for (let i = 0; i < count; i++) work() // JIT warm-up
    const started = performance.now()
    for (let i = 0; i < count; i++) work()
    return ((performance.now() - started) * 1000) / count
  }
  return { bodyUs: time(next), requestUs: time(() => iterator.nextRequestBuffer()) }
}
