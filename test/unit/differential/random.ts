/**
 * A small seeded PRNG (mulberry32) and the draws the generators need. Every run with the same
 * seed produces the same data, so a failure is replayed with `DIFF_SEED=<seed>`.
 */
export type Random = { next: () => number }

export const createRandom = (seed: number): Random => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next }
}

/** Derives an independent seed for the n-th ruleset of a run. */
export const deriveSeed = (seed: number, n: number): number =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0

/** An integer in [min, max], both included. */
export const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random.next() * (max - min + 1))

export const chance = (random: Random, probability: number): boolean =>
  random.next() < probability

export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random.next() * items.length)]

/** Up to `max` distinct items, in pool order. */
export const some = <T>(random: Random, items: readonly T[], max: number): T[] => {
  const count = int(random, 0, Math.min(max, items.length))
  const chosen = new Set<number>()
  while (chosen.size < count) chosen.add(int(random, 0, items.length - 1))
  return [...chosen].sort((a, b) => a - b).map((index) => items[index])
}

/** Picks a value with probability proportional to its weight: `[[3, 'a'], [1, 'b']]`. */
export const weighted = <T>(random: Random, choices: readonly (readonly [number, T])[]): T => {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0)
  let roll = random.next() * total
  for (const [weight, value] of choices) {
    roll -= weight
    if (roll < 0) return value
  }
  return choices[choices.length - 1][1]
}

export const times = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, index) => make(index))
