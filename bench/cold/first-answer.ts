import { performance } from 'node:perf_hooks'
import type { Target } from '../http/miniflare'
import { PATH, requestHeaders } from '../http/requests'
import { withDeadline } from './deadline'

/** One round for one target: a fresh runtime, its first answer (cold) and its second (warm). */

export type Round = {
  /** From constructing the Miniflare to `ready`: workerd started and the script loaded. */
  startMs: number
  /** First request, from sending it to having the whole body. */
  coldMs: number
  /** The second request on the same runtime, timed the same way. */
  warmMs: number
}

export type Answer = { status: number; text: string }

const REQUEST_MS = 30_000
const DISPOSE_MS = 10_000

async function timedPost(url: URL, key: string, body: string): Promise<Answer & { ms: number }> {
  const signal = AbortSignal.timeout(REQUEST_MS)
  const started = performance.now()
  const response = await fetch(new URL(PATH, url), { method: 'POST', headers: requestHeaders(key), body, signal })
  const text = await response.text()
  return { ms: performance.now() - started, status: response.status, text }
}

/**
 * Starts `target`, posts `bodies[0]` then `bodies[1]` (two contexts, so the second is evaluated
 * too), checks each answer with `check` (which throws on a wrong one) and disposes the target,
 * whatever happens.
 */
export async function timeRound(
  start: () => Promise<Target>,
  key: string,
  bodies: [string, string],
  check: (answer: Answer, body: string) => void,
): Promise<Round> {
  const started = performance.now()
  const target = await start()
  try {
    const startMs = performance.now() - started
    const cold = await timedPost(target.url, key, bodies[0])
    const warm = await timedPost(target.url, key, bodies[1])
    check(cold, bodies[0])
    check(warm, bodies[1])
    return { startMs, coldMs: cold.ms, warmMs: warm.ms }
  } finally {
    await withDeadline(target.dispose(), DISPOSE_MS, target.name)
  }
}

/** Throws unless `answer` is a 200 OFREP bulk answer with `flagCount` flags, none an error. */
export function checkOfrep(answer: Answer, flagCount: number) {
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${answer.text.slice(0, 300)}`)
  const { flags = [] } = JSON.parse(answer.text) as { flags?: { key: string; errorCode?: string }[] }
  if (flags.length !== flagCount) throw new Error(`expected ${flagCount} flags, got ${flags.length}`)
  const failed = flags.find((flag) => flag.errorCode !== undefined)
  if (failed) throw new Error(`flag ${failed.key} answered ${failed.errorCode}`)
}
