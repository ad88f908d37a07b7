import type { Env } from '../env'
import { DEFAULT_VARIATION, type Counts, type EvaluationBatch } from '../insights/counts'
import { hubTallyOf, type HubTally } from '../insights/hub-tally'
import { buildReport, type InsightsReport } from '../insights/report'
import { compact, DAY_MS, hourOf, markSince, prune, readInsights, recordBatch, recordChanged, HOURLY_DAYS } from '../insights/store'
import { isJsonObject } from '../model/json'
import { changeSummary } from './history'
import { SHARD_OF } from './socket-host'
import type { HubState } from './state'

/** How long evaluations the Hub serves itself wait in memory before they are stored. */
export const HUB_WRITE_MS = 2_000

/** Batches older than this are stored as if this old (a clock that drifted, a long-held retry). */
const OLDEST_MS = HOURLY_DAYS * DAY_MS

const VARIATION = /^(?:0|[1-9]\d{0,8})$/

// Isolates send what they served, and what SDKs reported, which may name anything: only current
// flags and variations they have are kept, so storage is bounded by the ruleset
const accepted = (counts: Counts, flags: ReadonlyMap<string, unknown>): Counts => {
  const kept: Counts = new Map()
  if (!(counts instanceof Map)) return kept
  for (const [flag, byVariation] of counts) {
    const json = flags.get(flag)
    if (!isJsonObject(json) || !(byVariation instanceof Map)) continue
    const variations = Array.isArray(json.variations) ? json.variations.length : 0
    for (const [variation, count] of byVariation) {
      const known = variation === DEFAULT_VARIATION || (VARIATION.test(variation) && Number(variation) < variations)
      if (!known || typeof count !== 'number' || !Number.isSafeInteger(count) || count <= 0) continue
      if (!kept.has(flag)) kept.set(flag, new Map())
      kept.get(flag)!.set(variation, count)
    }
  }
  return kept
}

/**
 * The Hub's side of flag insights: counts from isolates (`record`, over RPC) and from the Hub's
 * own sockets and streams (its tally, stored within `HUB_WRITE_MS`) go into hourly buckets in
 * the Hub's storage (src/insights/store.ts), from which `report` answers the admin API. A shard
 * holds sockets but no buckets: it sends its counts to its writer.
 */
export class HubInsights {
  readonly #tally: HubTally
  #writing = false
  /** The hour storage was last compacted, and pruned of deleted flags. */
  #compacted: string | undefined
  #pruned: string | undefined

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {
    this.#tally = hubTallyOf(ctx)
    this.#tally.onPending = () => this.#scheduleWrite()
  }

  /** Stores batches from an isolate, with what the Hub counted itself, before the RPC returns. */
  record(state: HubState, batches: EvaluationBatch[], now = Date.now()) {
    const kept = batches.map(({ at, counts }) => ({ at: Math.min(now, Math.max(now - OLDEST_MS, Number(at) || now)), counts: accepted(counts, state.flags) }))
    const own = this.#tally.take()
    this.#store(own === undefined ? kept : [...kept, own], now, state.flags)
  }

  /** Remembers when `flags` changed (ISO time), for the `launched` status. */
  noteChanged(flags: readonly string[], at: string) {
    recordChanged(this.ctx.storage.kv, flags, at)
    markSince(this.ctx.storage.kv, Date.parse(at))
  }

  /** The insights of the environment's current flags over the last `days`. */
  report(state: HubState, { days, staleDays }: { days: number; staleDays: number }, now = Date.now()): InsightsReport {
    const own = this.#tally.take()
    this.#store(own === undefined ? [] : [own], now, state.flags)
    const stored = readInsights(this.ctx.storage.kv, now - days * DAY_MS)
    const { meta, flags, born } = state
    const lastChange = meta.lastChange && { at: meta.lastChange.at, flags: changeSummary(this.ctx.storage.kv, meta.lastChange.version)?.flags ?? [] }
    return buildReport({ environment: meta.environment, flags, born: born.flags, lastChange }, stored, { days, staleDays, now })
  }

  #store(batches: EvaluationBatch[], now: number, flags: ReadonlyMap<string, unknown> | undefined) {
    const storage = this.ctx.storage
    storage.transactionSync(() => {
      markSince(storage.kv, now)
      for (const batch of batches) recordBatch(storage.kv, batch)
      const hour = hourOf(now)
      if (this.#compacted !== hour) compact(storage.kv, now)
      this.#compacted = hour
      if (flags !== undefined && this.#pruned !== hour) {
        prune(storage.kv, flags)
        this.#pruned = hour
      }
    })
  }

  // The Hub's own counts: stored a few seconds after the first, in one write; a timer keeps the
  // object from hibernating only that long
  #scheduleWrite() {
    if (this.#writing) return
    this.#writing = true
    const write = new Promise<void>((resolve) => setTimeout(resolve, HUB_WRITE_MS)).then(async () => {
      this.#writing = false
      await this.#writeOwn()
    })
    this.ctx.waitUntil(write.catch((error) => console.error(JSON.stringify({ event: 'insights_write_failed', error: String(error) }))))
  }

  async #writeOwn() {
    const batch = this.#tally.take()
    if (batch === undefined) return
    const writer = this.ctx.storage.kv.get<string>(SHARD_OF)
    if (writer === undefined) return this.#store([batch], Date.now(), undefined)
    try {
      await this.env.HUB.getByName(writer).recordEvaluations(writer, [batch])
    } catch (error) {
      console.error(JSON.stringify({ event: 'insights_dropped', environment: writer, at: new Date(batch.at).toISOString(), error: String(error) }))
    }
  }
}
