/**
 * Evaluation counts as they travel and are stored: flag key → variation key → evaluations. A
 * variation key is the variation's index as a string, or "default" when none was served (an
 * error, or an off flag without an off variation).
 *
 * Maps rather than objects: flag keys in SDK event payloads are whatever a client sent, and a
 * key such as `__proto__` must stay a key.
 */
export type Counts = Map<string, Map<string, number>>

/** What one flush sends: evaluations counted within 10 s of each other, the last at `at` (ms). */
export type EvaluationBatch = { at: number; counts: Counts }

export const DEFAULT_VARIATION = 'default'

/** The variation key of an evaluation's variation index. */
export const variationKey = (index: number | null | undefined) => (index === null || index === undefined ? DEFAULT_VARIATION : String(index))

// Counts that SDKs report are not ours to trust: sums stop at the largest exact integer
const add = (a: number, b: number) => Math.min(a + b, Number.MAX_SAFE_INTEGER)

export const addCount = (counts: Counts, flag: string, variation: string, count: number) => {
  let byVariation = counts.get(flag)
  if (byVariation === undefined) counts.set(flag, (byVariation = new Map()))
  byVariation.set(variation, add(byVariation.get(variation) ?? 0, count))
}

/** Adds every count of `from` into `into`. */
export const mergeCounts = (into: Counts, from: Counts) => {
  for (const [flag, byVariation] of from) for (const [variation, count] of byVariation) addCount(into, flag, variation, count)
  return into
}

export const totalOf = (byVariation: ReadonlyMap<string, number> | undefined) => {
  let total = 0
  for (const count of byVariation?.values() ?? []) total = add(total, count)
  return total
}

export const totalCount = (counts: Counts) => {
  let total = 0
  for (const byVariation of counts.values()) total = add(total, totalOf(byVariation))
  return total
}
