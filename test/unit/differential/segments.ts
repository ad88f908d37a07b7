import { attributeClause, segmentClause, type Clause } from './clauses'
import { KEYS, KINDS, SALTS } from './pools'
import { chance, int, pick, some, times, weighted, type Random } from './random'

type Json = Record<string, unknown>
type Keys = readonly string[]

const RULE_COUNTS = [[1, 0], [3, 1], [2, 2]] as const

/** Mostly later segments (acyclic); sometimes any segment, itself included, so cycles occur. */
const referable = (random: Random, index: number, segmentKeys: Keys): string[] =>
  chance(random, 0.06) ? [...segmentKeys] : segmentKeys.slice(index + 1)

const ruleClauses = (random: Random, index: number, segmentKeys: Keys): Clause[] => {
  if (chance(random, 0.02)) return []
  const others = referable(random, index, segmentKeys)
  return times(int(random, 1, 2), () =>
    others.length > 0 && chance(random, 0.2)
      ? segmentClause(random, others)
      : attributeClause(random),
  )
}

/** A segment rule; with a `weight` it matches only a share of contexts, bucketed like a rollout. */
const segmentRule = (random: Random, id: number, index: number, segmentKeys: Keys): Json => {
  const out: Json = { id: `segment-rule-${id}`, clauses: ruleClauses(random, index, segmentKeys) }
  if (chance(random, 0.35)) {
    out.weight = pick(random, [0, 30000, 50000, 80000, 100000, int(random, 0, 100000)])
  }
  const kind = chance(random, 0.3) ? pick(random, KINDS) : undefined
  if (kind !== undefined) out.rolloutContextKind = kind
  if (chance(random, 0.3)) {
    out.bucketBy = kind === undefined
      ? pick(random, ['key', 'name', 'age', 'email', '/a/b'])
      : pick(random, ['key', 'name', '/a/b', '/address/city', '//'])
  }
  return out
}

const contextTargets = (random: Random): Json[] =>
  times(chance(random, 0.35) ? int(random, 1, 2) : 0, () => ({
    contextKind: pick(random, KINDS),
    values: some(random, KEYS, 2),
  }))

/** Rarely an unbounded (big) segment, which the SDK cannot query without a big segment store. */
const bigSegment = (random: Random): Json => {
  if (!chance(random, 0.03)) return { unbounded: false, generation: null }
  const out: Json = { unbounded: true, generation: chance(random, 0.5) ? 1 : null }
  if (chance(random, 0.3)) out.unboundedContextKind = pick(random, KINDS)
  return out
}

/** A segment in LaunchDarkly's full JSON shape. */
export const segment = (random: Random, index: number, segmentKeys: Keys): Json => ({
  key: segmentKeys[index],
  version: int(random, 1, 100),
  included: chance(random, 0.3) ? some(random, KEYS, 2) : [],
  excluded: chance(random, 0.3) ? some(random, KEYS, 2) : [],
  includedContexts: contextTargets(random),
  excludedContexts: contextTargets(random),
  rules: times(weighted(random, RULE_COUNTS), (id) => segmentRule(random, id, index, segmentKeys)),
  salt: pick(random, SALTS),
  ...bigSegment(random),
  deleted: chance(random, 0.02),
})
