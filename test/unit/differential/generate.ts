import { attributeClause, segmentClause, type Clause } from './clauses'
import { KEYS, KINDS, SALTS, SEEDS, VARIATION_VALUES } from './pools'
import { chance, int, pick, some, times, weighted, type Random } from './random'
import { segment } from './segments'

export { generateContext } from './contexts'

export type Json = Record<string, unknown>
export type Ruleset = { flags: Record<string, Json>; segments: Record<string, Json> }

/** Sizes of one generated ruleset. */
export type RulesetShape = { flags: number; segments: number }

type Keys = readonly string[]

/** A flag key that is never defined, for FLAG_NOT_FOUND and missing prerequisites. */
export const MISSING_FLAG = 'flag-missing'

/** Usually a valid index; rarely one past the end or negative (MALFORMED_FLAG in the SDK). */
const variationIndex = (random: Random, count: number): number =>
  chance(random, 0.015) ? pick(random, [count, -1]) : int(random, 0, count - 1)

/** Splits 100000 into `count` weights, or sometimes less: the SDK serves the last past the end. */
const weights = (random: Random, count: number): number[] => {
  const total = chance(random, 0.08) ? int(random, 0, 99999) : 100000
  const cuts = times(count - 1, () => int(random, 0, total)).sort((a, b) => a - b)
  return [...cuts, total].map((cut, index) => cut - (index === 0 ? 0 : cuts[index - 1]))
}

const LITERAL_BUCKET_BY = ['key', 'name', 'age', 'score', 'email', '/a/b', 'missing']
const REFERENCE_BUCKET_BY = ['key', 'name', 'age', '/a/b', '/address/city', '/a', 'missing']

const bucketBy = (random: Random, contextKind: string | undefined): string | undefined => {
  if (chance(random, 0.5)) return undefined
  // Without a context kind the SDK reads `bucketBy` as a literal name, so `/a/b` is one attribute.
  if (contextKind === undefined) return pick(random, LITERAL_BUCKET_BY)
  if (chance(random, 0.03)) return pick(random, ['//', '/a~2'])
  return pick(random, REFERENCE_BUCKET_BY)
}

const rollout = (random: Random, variationCount: number): Json => {
  const kind = weighted(random, [[3, undefined], [3, 'rollout'], [4, 'experiment']])
  const count = chance(random, 0.02) ? 0 : int(random, 1, 4)
  const variations = weights(random, count || 1).slice(0, count).map((weight) => {
    const entry: Json = { variation: variationIndex(random, variationCount), weight }
    if (chance(random, 0.4)) entry.untracked = chance(random, 0.4)
    return entry
  })
  const contextKind = weighted(random, [[4, undefined], [3, 'user'], [3, 'org'], [1, 'device']])
  const by = bucketBy(random, contextKind)
  const out: Json = { variations }
  if (kind !== undefined) out.kind = kind
  if (by !== undefined) out.bucketBy = by
  if (contextKind !== undefined) out.contextKind = contextKind
  if (chance(random, 0.4)) out.seed = pick(random, SEEDS)
  return out
}

/** What a rule or the fallthrough serves: a variation, a rollout, or rarely nothing at all. */
const serve = (random: Random, variationCount: number): Json =>
  weighted<() => Json>(random, [
    [60, () => ({ variation: variationIndex(random, variationCount) })],
    [37, () => ({ rollout: rollout(random, variationCount) })],
    [2, () => ({})],
    // Both at once: the SDK serves the variation and ignores the rollout.
    [1, () => ({
      variation: variationIndex(random, variationCount),
      rollout: rollout(random, variationCount),
    })],
  ])()

const clauses = (random: Random, segmentKeys: Keys, max: number): Clause[] => {
  if (chance(random, 0.02)) return []
  const clause = () =>
    segmentKeys.length > 0 && chance(random, 0.2)
      ? segmentClause(random, segmentKeys)
      : attributeClause(random)
  return times(chance(random, 0.7) ? 1 : int(random, 2, max), clause)
}

const flagRule = (random: Random, id: number, variationCount: number, segmentKeys: Keys): Json => ({
  id: `rule-${id}`,
  clauses: clauses(random, segmentKeys, 2),
  ...serve(random, variationCount),
  trackEvents: chance(random, 0.2),
})

const targets = (random: Random, variationCount: number): Json[] =>
  times(chance(random, 0.6) ? int(random, 1, 2) : 0, () => ({
    values: some(random, KEYS, 3),
    variation: variationIndex(random, variationCount),
  }))

/** Context targets; a `user` one carries no values and points at `targets` by variation. */
const contextTargets = (random: Random, variationCount: number, userTargets: Json[]): Json[] => {
  if (chance(random, 0.55)) return []
  return times(int(random, 1, 3), () => {
    const contextKind = pick(random, KINDS)
    const variation = contextKind === 'user' && userTargets.length > 0 && chance(random, 0.8)
      ? (pick(random, userTargets).variation as number)
      : variationIndex(random, variationCount)
    const values = contextKind === 'user' && chance(random, 0.8) ? [] : some(random, KEYS, 2)
    return { contextKind, values, variation }
  })
}

/** Mostly later flags (acyclic); sometimes any flag, itself included, or a missing one. */
const prerequisites = (random: Random, index: number, flagKeys: Keys): Json[] => {
  if (chance(random, 0.7)) return []
  return times(int(random, 1, 2), () => {
    const later = flagKeys.slice(index + 1)
    const key = weighted(random, [
      [later.length > 0 ? 90 : 0, () => pick(random, later)],
      [5, () => pick(random, flagKeys)],
      [5, () => MISSING_FLAG],
    ])()
    return { key, variation: int(random, 0, 2) }
  })
}

const offVariation = (random: Random, variationCount: number): Json =>
  weighted<() => Json>(random, [
    [70, () => ({ offVariation: int(random, 0, variationCount - 1) })],
    [3, () => ({ offVariation: variationCount })],
    [17, () => ({ offVariation: null })],
    [10, () => ({})],
  ])()

const RULE_COUNTS = [[1, 0], [2, 1], [3, 2], [2, 3], [1, 4]] as const

const flag = (random: Random, index: number, flagKeys: Keys, segmentKeys: Keys): Json => {
  const count = int(random, 2, 4)
  const userTargets = targets(random, count)
  const rule = (id: number) => flagRule(random, id, count, segmentKeys)
  return {
    key: flagKeys[index],
    version: int(random, 1, 100),
    on: chance(random, 0.85),
    variations: times(count, () => pick(random, VARIATION_VALUES)),
    ...offVariation(random, count),
    fallthrough: serve(random, count),
    targets: userTargets,
    contextTargets: contextTargets(random, count, userTargets),
    rules: times(weighted(random, RULE_COUNTS), rule),
    prerequisites: prerequisites(random, index, flagKeys),
    salt: pick(random, SALTS),
    trackEvents: chance(random, 0.2),
    trackEventsFallthrough: chance(random, 0.1),
    debugEventsUntilDate: null,
    clientSide: false,
    clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: true },
    deleted: chance(random, 0.02),
  }
}

/**
 * A ruleset of flags and segments in LaunchDarkly's full JSON shape. Flags name other flags as
 * prerequisites and segments in `segmentMatch` clauses; segments name other segments. A few of
 * those references form cycles or point nowhere, and a few values are malformed, so that the
 * SDK's errors are exercised too.
 */
export const generateRuleset = (random: Random, shape: RulesetShape): Ruleset => {
  const flagKeys = times(shape.flags, (index) => `flag-${index}`)
  const segmentKeys = times(shape.segments, (index) => `segment-${index}`)
  const flags = flagKeys.map((_, index) => flag(random, index, flagKeys, segmentKeys))
  const segments = segmentKeys.map((_, index) => segment(random, index, segmentKeys))
  return {
    flags: Object.fromEntries(flags.map((item) => [item.key as string, item])),
    segments: Object.fromEntries(segments.map((item) => [item.key as string, item])),
  }
}
