import { describe, expect, it } from 'vitest'
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay } from '../../../src/client/backoff'

describe('backoffDelay', () => {
  // [attempt, random(), expected delay]
  it.each<[number, number, number]>([
    [0, 0, 0],
    [0, 0.5, 250],
    [0, 0.999, 499.5],
    [1, 0.5, 500],
    [3, 1, 4000],
    [5, 0.25, 4000],
    [6, 1, 30_000], // 500 · 64 = 32 s: capped
    [10, 0.5, 15_000],
    [2000, 0.5, 15_000], // 2^2000 is Infinity: still capped
  ])('attempt %i with random %f waits %f ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, () => random)).toBe(expected)
  })

  it.each([0, 1, 2, 5, 8, 20])('stays within [0, min(max, base · 2^%i)] for any random draw', (attempt) => {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt)
    for (let draw = 0; draw < 200; draw += 1) {
      const delay = backoffDelay(attempt)
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(ceiling)
    }
  })
})
