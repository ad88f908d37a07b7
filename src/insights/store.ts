import { mergeCounts, type Counts, type EvaluationBatch } from './counts'
import { readCounts, readTimes, writeCounts, writeTimes } from './pages'

/**
 * Evaluation counts in the Hub's storage (one Hub per environment, its single writer):
 *
 * - `insights-hour:<YYYY-MM-DDTHH>` (UTC) → counts of that hour, kept for `HOURLY_DAYS`;
 * - `insights-day:<YYYY-MM-DD>` → counts of that day, made from its hours once they are older
 *   than that, kept for `DAILY_DAYS`;
 * - `insights-last` → flag → when it was last evaluated (ms);
 * - `insights-changed:<flag>` → when the flag last changed (ISO time), for "launched";
 * - `insights-since` → when this environment started counting (ms): before it, a flag's lack of
 *   evaluations says nothing.
 *
 * So an environment holds at most 24 × 30 + 400 buckets, each at most one entry per flag and
 * variation, whatever its traffic. Buckets and `insights-last` are stored in pages
 * (src/insights/pages.ts), so no row outgrows what SQLite stores.
 */

/** The part of a Durable Object's synchronous KV storage this uses (tests pass a Map-backed fake). */
export type InsightsStorage = Pick<SyncKvStorage, 'get' | 'put' | 'delete' | 'list'>

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000
/** Hourly buckets older than this many days are folded into daily ones. */
export const HOURLY_DAYS = 30
/** Daily buckets older than this many days are dropped: a year, and a month to compare with. */
export const DAILY_DAYS = 400

const HOUR = 'insights-hour:'
const DAY = 'insights-day:'
const LAST = 'insights-last'
const CHANGED = 'insights-changed:'
const SINCE = 'insights-since'

/** `2026-04-26T13`: ISO text sorts as time does, so ranges are key ranges. */
export const hourOf = (ms: number) => new Date(ms).toISOString().slice(0, 13)
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const entries = <T>(storage: InsightsStorage, options: SyncKvListOptions) => [...storage.list<T>(options)]

/** Marks the start of counting, once. */
export const markSince = (storage: InsightsStorage, now: number) => {
  if (storage.get(SINCE) === undefined) storage.put(SINCE, now)
}

/** Adds a batch to the bucket of its hour, and moves its flags' last evaluation forward. */
export const recordBatch = (storage: InsightsStorage, { at, counts }: EvaluationBatch) => {
  if (counts.size === 0) return
  const key = HOUR + hourOf(at)
  writeCounts(storage, key, mergeCounts(readCounts(storage, key), counts))
  const last = readTimes(storage, LAST)
  let later = false
  for (const flag of counts.keys()) {
    if ((last.get(flag) ?? -Infinity) >= at) continue
    last.set(flag, at)
    later = true
  }
  if (later) writeTimes(storage, LAST, last)
}

/** Remembers that `flags` changed at `at` (ISO time). */
export const recordChanged = (storage: InsightsStorage, flags: readonly string[], at: string) => {
  for (const flag of flags) storage.put(CHANGED + flag, at)
}

/** Folds hours older than `HOURLY_DAYS` into their days and drops days older than `DAILY_DAYS`. */
export const compact = (storage: InsightsStorage, now: number) => {
  const days = new Map<string, Counts>()
  for (const [key, counts] of entries<Counts>(storage, { prefix: HOUR, end: HOUR + hourOf(now - HOURLY_DAYS * DAY_MS) })) {
    const day = key.slice(HOUR.length, HOUR.length + 10)
    days.set(day, mergeCounts(days.get(day) ?? new Map(), counts))
    storage.delete(key)
  }
  for (const [day, counts] of days) writeCounts(storage, DAY + day, mergeCounts(readCounts(storage, DAY + day), counts))
  for (const [key] of entries(storage, { prefix: DAY, end: DAY + dayOf(now - DAILY_DAYS * DAY_MS) })) storage.delete(key)
}

/** Forgets last evaluations and changes of flags that no longer exist. */
export const prune = (storage: InsightsStorage, flags: ReadonlyMap<string, unknown>) => {
  const last = readTimes(storage, LAST)
  if ([...last.keys()].some((flag) => !flags.has(flag))) writeTimes(storage, LAST, new Map([...last].filter(([flag]) => flags.has(flag))))
  for (const [key] of entries(storage, { prefix: CHANGED })) if (!flags.has(key.slice(CHANGED.length))) storage.delete(key)
}

/** What the report reads: counts since `from` (ms; before `HOURLY_DAYS`, whole days), and the records. */
export type StoredInsights = {
  counts: Counts
  last: ReadonlyMap<string, number>
  changed: ReadonlyMap<string, string>
  since: number | undefined
}

export const readInsights = (storage: InsightsStorage, from: number): StoredInsights => {
  const counts: Counts = new Map()
  for (const [, day] of entries<Counts>(storage, { prefix: DAY, start: DAY + dayOf(from) })) mergeCounts(counts, day)
  for (const [, hour] of entries<Counts>(storage, { prefix: HOUR, start: HOUR + hourOf(from) })) mergeCounts(counts, hour)
  const changed = new Map(entries<string>(storage, { prefix: CHANGED }).map(([key, at]) => [key.slice(CHANGED.length), at]))
  return { counts, last: readTimes(storage, LAST), changed, since: storage.get<number>(SINCE) }
}
