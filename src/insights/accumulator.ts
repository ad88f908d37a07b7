import type { LoadedRuleset } from '../store/rulesets'
import { addCount, totalCount, type Counts, type EvaluationBatch } from './counts'
import { RulesetTally } from './tally'

/** How long an isolate gathers an environment's counts before it sends them (DESIGN.md section 11). */
export const FLUSH_MS = 10_000

/** Flag keys from SDK event payloads one window keeps; any beyond are dropped (payloads are untrusted). */
export const MAX_REPORTED_FLAGS = 10_000

/**
 * Where batches go, from inside a request: `send` delivers them (to the environment's Hub),
 * `waitUntil` keeps the isolate alive for the delivery after the answer has left.
 */
export type Outlet = {
  send(environment: string, batches: EvaluationBatch[]): Promise<unknown>
  waitUntil(work: Promise<unknown>): void
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>
}

/** One environment's counts since its window opened, at the first count after the last flush. */
type Window = {
  openedAt: number
  lastAt: number
  tallies: RulesetTally[]
  /** Counts SDKs reported in their event payloads. */
  reported: Counts
  droppedReports: boolean
}

type EnvironmentCounts = {
  window: Window | undefined
  /** A batch whose delivery failed once: it goes along with the next, and is dropped if that fails. */
  retry: EvaluationBatch | undefined
}

const log = (event: string, fields: object) => console.error(JSON.stringify({ event, ...fields }))

/**
 * Evaluation counts in isolate memory (DESIGN.md section 11: counting is off the hot path). Each
 * environment's counts are sent as one batch at most once per `FLUSH_MS`, through `waitUntil`: by
 * the first request that finds its window that old, or else by the request that opened the
 * window, which holds its `waitUntil` open until then. Isolates have no timers of their own, and
 * one that gets no further request for the environment (a quiet environment, an isolate about to
 * be evicted) would otherwise never send what it counted, and a flag in use could look stale. No
 * answer waits for a flush; a failed one is retried once with the next batch, then dropped with a
 * log line.
 */
export class EvaluationAccumulator {
  /** The clock; tests replace it. */
  now: () => number = Date.now
  /**
   * How long the request that opens a window waits before sending it, if no other request has;
   * undefined sends only from requests (tests that wait on every request's `waitUntil` set it).
   */
  deadlineMs: number | undefined = FLUSH_MS
  readonly #environments = new Map<string, EnvironmentCounts>()

  /**
   * Where to count evaluations of `ruleset` served by this request: the hot path, so a lookup and
   * a time check. A window `FLUSH_MS` old is flushed first, so a batch spans at most `FLUSH_MS`.
   */
  tallyFor(ruleset: LoadedRuleset, outlet: Outlet): RulesetTally {
    const window = this.#open(ruleset.environment, outlet)
    const { tallies } = window
    const last = tallies[tallies.length - 1]
    if (last !== undefined && last.ruleset === ruleset) return last
    let tally = tallies.find((candidate) => candidate.ruleset === ruleset)
    if (tally === undefined) tallies.push((tally = new RulesetTally(ruleset)))
    return tally
  }

  /** Counts an SDK reported (`summary` events): flag → variation key → count. */
  countReported(environment: string, counts: Iterable<[string, Iterable<[string, number]>]>, outlet: Outlet) {
    const window = this.#open(environment, outlet)
    for (const [flag, byVariation] of counts) {
      if (!window.reported.has(flag) && window.reported.size >= MAX_REPORTED_FLAGS) {
        if (!window.droppedReports) log('insights_reports_dropped', { environment, reason: `more than ${MAX_REPORTED_FLAGS} flags in ${FLUSH_MS} ms` })
        window.droppedReports = true
        continue
      }
      for (const [variation, count] of byVariation) addCount(window.reported, flag, variation, count)
    }
  }

  /** Sends every environment's counts now, whatever their age (for tests and shutdown). */
  flushAll(outlet: Outlet) {
    for (const [environment, entry] of this.#environments) this.#flush(environment, entry, outlet)
  }

  /** Forgets everything counted (tests share one isolate). */
  forget() {
    this.#environments.clear()
  }

  #open(environment: string, outlet: Outlet): Window {
    let entry = this.#environments.get(environment)
    if (entry === undefined) this.#environments.set(environment, (entry = { window: undefined, retry: undefined }))
    const now = this.now()
    let window = entry.window
    if (window !== undefined && now - window.openedAt >= FLUSH_MS) {
      this.#flush(environment, entry, outlet)
      window = undefined
    }
    if (window === undefined) {
      entry.window = window = { openedAt: now, lastAt: now, tallies: [], reported: new Map(), droppedReports: false }
      this.#sendByDeadline(environment, entry, window, outlet)
    } else window.lastAt = now
    return window
  }

  #sendByDeadline(environment: string, entry: EnvironmentCounts, window: Window, outlet: Outlet) {
    if (this.deadlineMs === undefined) return
    outlet.waitUntil(
      outlet.sleep(this.deadlineMs).then(() => {
        if (entry.window === window) this.#flush(environment, entry, outlet)
      }),
    )
  }

  #flush(environment: string, entry: EnvironmentCounts, outlet: Outlet) {
    const window = entry.window
    entry.window = undefined
    const batch: EvaluationBatch = { at: window?.lastAt ?? this.now(), counts: new Map() }
    for (const tally of window?.tallies ?? []) tally.addTo(batch.counts)
    for (const [flag, byVariation] of window?.reported ?? []) for (const [variation, count] of byVariation) addCount(batch.counts, flag, variation, count)
    const retried = entry.retry
    entry.retry = undefined
    const batches = [retried, batch].filter((item): item is EvaluationBatch => item !== undefined && item.counts.size > 0)
    if (batches.length === 0) return
    outlet.waitUntil(
      outlet.send(environment, batches).catch((error) => {
        log('insights_flush_failed', { environment, error: String(error) })
        if (retried !== undefined) log('insights_dropped', { environment, at: new Date(retried.at).toISOString(), evaluations: totalCount(retried.counts) })
        // one batch at most waits for the next flush: a later failure pushes the older one out
        if (entry.retry !== undefined) log('insights_dropped', { environment, at: new Date(entry.retry.at).toISOString(), evaluations: totalCount(entry.retry.counts) })
        if (batch.counts.size > 0) entry.retry = batch
      }),
    )
  }
}
