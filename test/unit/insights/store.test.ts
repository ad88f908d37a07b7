import { describe, expect, it } from 'vitest'
import { totalCount, type Counts } from '../../../src/insights/counts'
import { PAGE_ENTRIES } from '../../../src/insights/pages'
import { compact, DAILY_DAYS, DAY_MS, HOUR_MS, HOURLY_DAYS, prune, readInsights, recordBatch, recordChanged } from '../../../src/insights/store'
import { memoryStorage, plain } from './support'

// The Hub's insights storage (src/insights/store.ts): hourly buckets, folded into days after
// HOURLY_DAYS, dropped after DAILY_DAYS, so storage stays bounded however long counting runs.

const START = Date.UTC(2025, 0, 1)
const totalEntries = (page: Counts) => [...page.values()].reduce((sum, byVariation) => sum + byVariation.size, 0)
const counts = (entries: Record<string, Record<string, number>>): Counts =>
  new Map(Object.entries(entries).map(([flag, byVariation]) => [flag, new Map(Object.entries(byVariation))]))

describe('insights storage', () => {
  it('stays bounded over two simulated years of hourly counts, and loses no recent count', { timeout: 30_000 }, () => {
    const { storage, map } = memoryStorage()
    const flags = Array.from({ length: 5 }, (_, i) => `flag-${i}`)
    const bound = HOURLY_DAYS * 24 + 24 + DAILY_DAYS + 1 + 1
    let largest = 0
    for (let hour = 0; hour < 2 * 365 * 24; hour++) {
      const at = START + hour * HOUR_MS + 1234
      recordBatch(storage, { at, counts: counts(Object.fromEntries(flags.map((flag) => [flag, { 0: 2, 1: 1 }]))) })
      // the Hub compacts at most hourly; every six hours keeps this test quick and the bound the same
      if (hour % 6 === 0) compact(storage, at)
      largest = Math.max(largest, map.size)
    }
    expect(largest).toBeLessThanOrEqual(bound)
    const end = START + 2 * 365 * 24 * HOUR_MS
    compact(storage, end - HOUR_MS)
    expect([...map.keys()].filter((key) => key.startsWith('insights-hour:')).length).toBeLessThanOrEqual(HOURLY_DAYS * 24 + 1)
    expect([...map.keys()].filter((key) => key.startsWith('insights-day:')).length).toBeLessThanOrEqual(DAILY_DAYS + 1)
    // 90 days back: every hour's three evaluations of each flag are still there, whole days
    // before the last 30
    const read = readInsights(storage, end - 90 * DAY_MS)
    expect(totalCount(read.counts)).toBe(90 * 24 * 3 * flags.length)
  })

  it('folds old hours into their day without changing any count', () => {
    const { storage, map } = memoryStorage()
    for (let hour = 0; hour < 48; hour++) recordBatch(storage, { at: START + hour * HOUR_MS, counts: counts({ a: { 0: 1 }, b: { default: 2 } }) })
    compact(storage, START + (HOURLY_DAYS + 2) * DAY_MS)
    expect([...map.keys()].filter((key) => key.startsWith('insights-hour:'))).toEqual([])
    expect(plain(map.get('insights-day:2025-01-01/0') as Counts)).toEqual({ a: { 0: 24 }, b: { default: 48 } })
    expect(plain(readInsights(storage, START).counts)).toEqual({ a: { 0: 48 }, b: { default: 96 } })
  })

  it('reads only the window asked for', () => {
    const { storage } = memoryStorage()
    recordBatch(storage, { at: START, counts: counts({ a: { 0: 1 } }) })
    recordBatch(storage, { at: START + 3 * HOUR_MS, counts: counts({ a: { 1: 5 } }) })
    expect(plain(readInsights(storage, START + HOUR_MS).counts)).toEqual({ a: { 1: 5 } })
  })

  it('keeps the latest evaluation of each flag, whatever order batches arrive in', () => {
    const { storage } = memoryStorage()
    recordBatch(storage, { at: START + 5000, counts: counts({ a: { 0: 1 } }) })
    recordBatch(storage, { at: START, counts: counts({ a: { 0: 1 }, b: { 0: 1 } }) })
    expect(Object.fromEntries(readInsights(storage, START).last)).toEqual({ a: START + 5000, b: START })
  })

  it('forgets the records of flags that no longer exist', () => {
    const { storage } = memoryStorage()
    recordBatch(storage, { at: START, counts: counts({ a: { 0: 1 }, gone: { 0: 1 } }) })
    recordChanged(storage, ['a', 'gone'], new Date(START).toISOString())
    prune(storage, new Map([['a', {}]]))
    const read = readInsights(storage, START)
    expect([...read.last.keys()]).toEqual(['a'])
    expect([...read.changed.keys()]).toEqual(['a'])
  })

  it('stores a bucket too large for one row in pages of at most PAGE_ENTRIES entries, and reads it whole', () => {
    const { storage, map } = memoryStorage()
    const many = counts(Object.fromEntries(Array.from({ length: 1_500 }, (_, i) => [`flag-${i}`, { 0: 1, 1: 2, default: 3 }])))
    recordBatch(storage, { at: START, counts: many })
    recordBatch(storage, { at: START + 1000, counts: many })
    const pages = [...map].filter(([key]) => key.startsWith('insights-hour:'))
    expect(pages.map(([key]) => key)).toEqual(['insights-hour:2025-01-01T00/0', 'insights-hour:2025-01-01T00/1', 'insights-hour:2025-01-01T00/2'])
    for (const [, page] of pages) expect(totalEntries(page as Counts)).toBeLessThanOrEqual(PAGE_ENTRIES)
    expect(totalCount(readInsights(storage, START).counts)).toBe(2 * 1_500 * 6)
    expect(readInsights(storage, START).last.size).toBe(1_500)
    // fewer flags: the last record shrinks to one page, and the others are deleted
    prune(storage, new Map([['flag-7', {}]]))
    expect([...map.keys()].filter((key) => key.startsWith('insights-last'))).toEqual(['insights-last/0'])
    expect(Object.fromEntries(readInsights(storage, START).last)).toEqual({ 'flag-7': START + 1000 })
  })

  it('reads a bucket stored whole, as before pages, and replaces it with pages on its next write', () => {
    const { storage, map } = memoryStorage()
    storage.put('insights-hour:2025-01-01T00', counts({ a: { 0: 5 } }))
    storage.put('insights-last', new Map([['a', START]]))
    expect(plain(readInsights(storage, START).counts)).toEqual({ a: { 0: 5 } })
    recordBatch(storage, { at: START + 1000, counts: counts({ a: { 0: 1 }, b: { 1: 1 } }) })
    expect([...map.keys()].filter((key) => key.startsWith('insights-hour:') || key.startsWith('insights-last')).sort()).toEqual([
      'insights-hour:2025-01-01T00/0',
      'insights-last/0',
    ])
    expect(plain(readInsights(storage, START).counts)).toEqual({ a: { 0: 6 }, b: { 1: 1 } })
  })
})
