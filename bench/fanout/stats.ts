import type { RoundResult } from './round'

/** Per-round figures and the median round. */

export type RoundStats = { p50: number; p99: number; max: number; first: number; messages: number; responseMs: number }

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]

export const statsOf = (round: RoundResult): RoundStats => ({
  p50: percentile(round.latencies, 0.5),
  p99: percentile(round.latencies, 0.99),
  max: round.latencies.at(-1) ?? NaN,
  first: round.latencies[0] ?? NaN,
  messages: round.messages,
  responseMs: round.responseMs,
})

/**
 * The round whose p99 is the median of the rounds' (the lower middle for an even count), so the
 * figures printed for a target all come from one real round.
 */
export const medianRound = (rounds: RoundStats[]): RoundStats => {
  const sorted = [...rounds].sort((a, b) => a.p99 - b.p99)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}
