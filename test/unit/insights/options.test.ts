import { describe, expect, it } from 'vitest'
import { DEFAULT_DAYS, DEFAULT_STALE_DAYS, parseDays, staleDaysOf } from '../../../src/insights/options'

describe('insights options', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, DEFAULT_DAYS],
    ['1', 1],
    ['90', 90],
    ['0', undefined],
    ['91', undefined],
    ['7.5', undefined],
    ['-1', undefined],
    ['', undefined],
  ])('?days=%s reads as %s', (text, days) => {
    expect(parseDays(text)).toBe(days)
  })

  it.each<[string | undefined, number]>([
    [undefined, DEFAULT_STALE_DAYS],
    ['14', 14],
    ['0', 0],
    ['0.5', 0.5],
    ['366', DEFAULT_STALE_DAYS],
    ['soon', DEFAULT_STALE_DAYS],
  ])('STALE_DAYS=%s reads as %s', (text, days) => {
    expect(staleDaysOf(text)).toBe(days)
  })
})
