import { addCount, mergeCounts, type Counts } from './counts'
import type { InsightsStorage } from './store'

/**
 * One logical record of insights stored as numbered rows, `<key>/<n>`, each of at most
 * `PAGE_ENTRIES` entries. A Durable Object's SQLite storage refuses a value over 2 MB
 * (SQLITE_TOOBIG), and one hour of counts for 5,000 flags with long keys and many variations
 * passes that: stored whole, every flush of the environment would fail and its counts be lost.
 * An entry is at most a 256-character flag key, a variation key and a number, so a page stays
 * under about 600 KB whatever the environment holds.
 *
 * Rows are read by the prefix `<key>`, so a record stored whole, as before pages, is read with
 * them, and replaced by pages on its next write.
 */
export const PAGE_ENTRIES = 2_000

const PAGE = '/'

const rows = <T>(storage: InsightsStorage, key: string) => [...storage.list<T>({ prefix: key })].filter(([row]) => row === key || row.startsWith(key + PAGE))

/** Stores `pages` as the rows of `key`, and deletes the rows they no longer need. */
const writePages = (storage: InsightsStorage, key: string, pages: readonly unknown[]) => {
  const kept = new Set<string>()
  pages.forEach((page, n) => {
    storage.put(key + PAGE + n, page)
    kept.add(key + PAGE + n)
  })
  for (const [row] of rows(storage, key)) if (!kept.has(row)) storage.delete(row)
}

/** Splits `entries` into arrays of at most `PAGE_ENTRIES`. */
const chunks = <T>(entries: Iterable<T>) => {
  const pages: T[][] = [[]]
  for (const entry of entries) {
    if (pages[pages.length - 1].length === PAGE_ENTRIES) pages.push([])
    pages[pages.length - 1].push(entry)
  }
  return pages[0].length === 0 ? [] : pages
}

function* countEntries(counts: Counts) {
  for (const [flag, byVariation] of counts) for (const [variation, count] of byVariation) yield [flag, variation, count] as const
}

export const readCounts = (storage: InsightsStorage, key: string): Counts => {
  const counts: Counts = new Map()
  for (const [, page] of rows<Counts>(storage, key)) mergeCounts(counts, page)
  return counts
}

/** Stores `counts` as the record `key`; a flag with many variations may span pages. */
export const writeCounts = (storage: InsightsStorage, key: string, counts: Counts) =>
  writePages(
    storage,
    key,
    chunks(countEntries(counts)).map((entries) => {
      const page: Counts = new Map()
      for (const [flag, variation, count] of entries) addCount(page, flag, variation, count)
      return page
    }),
  )

export const readTimes = (storage: InsightsStorage, key: string): Map<string, number> =>
  new Map(rows<Map<string, number>>(storage, key).flatMap(([, page]) => [...page]))

export const writeTimes = (storage: InsightsStorage, key: string, times: ReadonlyMap<string, number>) =>
  writePages(storage, key, chunks(times).map((entries) => new Map(entries)))
