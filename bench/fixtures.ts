import { hex, intBetween, mulberry32, pick, sample, type Rng } from './prng'

/**
 * The benchmark's flag set, contexts and (flag, context) pairs, generated from
 * fixed seeds so every run and every peer sees the same data. Flags are
 * LaunchDarkly flag JSON; `translate/` turns them into flagd and GrowthBook.
 */

export type LdClause = {
  contextKind: 'user'
  attribute: string
  op: 'in' | 'endsWith' | 'semVerGreaterThan' | 'greaterThan'
  values: (string | number)[]
  negate: false
}

export type LdRule = {
  id: string
  clauses: LdClause[]
  variation: number
  trackEvents: false
}

export type LdRollout = {
  kind: 'rollout'
  variations: { variation: number; weight: number }[]
}

export type LdFlag = {
  key: string
  version: number
  on: boolean
  variations: string[]
  offVariation: number
  fallthrough: { rollout: LdRollout }
  targets: { variation: number; values: string[] }[]
  contextTargets: []
  rules: LdRule[]
  prerequisites: []
  salt: string
  clientSideAvailability: { usingMobileKey: boolean; usingEnvironmentId: boolean }
  trackEvents: false
  deleted: false
}

export type BenchContext = {
  kind: 'user'
  key: string
  email: string
  country: string
  age: number
  appVersion: string
}

export type Pairs = { flagKeys: string[]; contextIndexes: Int32Array }

export const CONTEXT_COUNT = 10_000
// A power of two, so the hot loops pick a pair with `i & PAIR_MASK`.
export const PAIR_COUNT = 1 << 16
export const PAIR_MASK = PAIR_COUNT - 1

const FLAG_SEED = 0x5eed_f1a6
const CONTEXT_SEED = 0xc0_17e7
const PAIR_SEED = 0x9a1_25

const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 'NL',
  'ES', 'IT', 'SE', 'NO', 'PL', 'IN', 'JP', 'KR', 'AU', 'NZ']
const DOMAINS = ['example.com', 'acme.io', 'corp.net', 'mail.org', 'startup.dev',
  'bigco.com', 'school.edu', 'agency.gov', 'shop.store', 'news.media']
const WORDS = ['control', 'treatment', 'blue', 'green', 'red', 'fast', 'slow',
  'beta', 'legacy', 'modern', 'compact', 'wide']

export function contextKey(index: number): string {
  return `user-${index}`
}

function version(rng: Rng): string {
  return `${intBetween(rng, 1, 4)}.${intBetween(rng, 0, 9)}.${intBetween(rng, 0, 9)}`
}

/** The first clause of rule r: rules cycle through the three operators we bench. */
function firstClause(rng: Rng, r: number): LdClause {
  const base = { contextKind: 'user', negate: false } as const
  if (r === 0) {
    return { ...base, attribute: 'country', op: 'in', values: sample(rng, COUNTRIES, 5) }
  }
  if (r === 1) {
    return { ...base, attribute: 'email', op: 'endsWith', values: [`@${pick(rng, DOMAINS)}`] }
  }
  return { ...base, attribute: 'appVersion', op: 'semVerGreaterThan', values: [version(rng)] }
}

function ageClause(rng: Rng): LdClause {
  const values = [intBetween(rng, 18, 65)]
  return { contextKind: 'user', attribute: 'age', op: 'greaterThan', values, negate: false }
}

function targets(rng: Rng, variationCount: number, count = 5): LdFlag['targets'] {
  const keys = new Set<number>()
  while (keys.size < count) keys.add(intBetween(rng, 0, CONTEXT_COUNT - 1))
  const byVariation: string[][] = Array.from({ length: variationCount }, () => [])
  for (const k of keys) byVariation[intBetween(rng, 0, variationCount - 1)].push(contextKey(k))
  return byVariation
    .map((values, variation) => ({ variation, values }))
    .filter((t) => t.values.length > 0)
}

/** Flag i depends only on i, so the 200-flag set is a prefix of the 1,000-flag set. */
export function makeFlag(i: number): LdFlag {
  const rng = mulberry32(FLAG_SEED + i * 7919)
  const key = `flag-${i}`
  const variations = sample(rng, WORDS, intBetween(rng, 2, 3)).map((w) => `${w}-${i}`)
  const rules = [0, 1, 2].map((r): LdRule => {
    const clauses = [firstClause(rng, r)]
    // Exactly half of all rules get a second clause.
    if ((i * 3 + r) % 2 === 0) clauses.push(ageClause(rng))
    const variation = intBetween(rng, 0, variations.length - 1)
    return { id: `${key}-rule-${r}`, clauses, variation, trackEvents: false }
  })
  const fallthrough: LdFlag['fallthrough'] = {
    rollout: {
      kind: 'rollout',
      variations: [{ variation: 0, weight: 50000 }, { variation: 1, weight: 50000 }],
    },
  }
  return ldFlag(rng, { key, variations, fallthrough, targets: targets(rng, variations.length), rules })
}

type FlagParts<Rule> = Pick<LdFlag, 'key' | 'variations' | 'fallthrough' | 'targets'> & { rules: Rule[] }

/** A whole flag from its parts; the salt is drawn last, after everything the caller drew. */
function ldFlag<Rule>(rng: Rng, { key, variations, fallthrough, targets, rules }: FlagParts<Rule>): Omit<LdFlag, 'rules'> & { rules: Rule[] } {
  return {
    key,
    version: 1,
    on: true,
    variations,
    offVariation: 0,
    fallthrough,
    targets,
    contextTargets: [],
    rules,
    prerequisites: [],
    salt: hex(rng, 32),
    clientSideAvailability: { usingMobileKey: false, usingEnvironmentId: false },
    trackEvents: false,
    deleted: false,
  }
}

export function makeFlags(count: number): LdFlag[] {
  return Array.from({ length: count }, (_, i) => makeFlag(i))
}

export function makeContexts(count = CONTEXT_COUNT): BenchContext[] {
  const rng = mulberry32(CONTEXT_SEED)
  return Array.from({ length: count }, (_, i) => ({
    kind: 'user',
    key: contextKey(i),
    email: `${pick(rng, WORDS)}.${i}@${pick(rng, DOMAINS)}`,
    country: pick(rng, COUNTRIES),
    age: intBetween(rng, 18, 80),
    appVersion: version(rng),
  }))
}

/** Pre-drawn random pairs, so the timed loops don't measure the PRNG. */
export function makePairs(flags: LdFlag[], contextCount = CONTEXT_COUNT): Pairs {
  const rng = mulberry32(PAIR_SEED)
  const flagKeys: string[] = new Array(PAIR_COUNT)
  const contextIndexes = new Int32Array(PAIR_COUNT)
  for (let i = 0; i < PAIR_COUNT; i++) {
    flagKeys[i] = pick(rng, flags).key
    contextIndexes[i] = intBetween(rng, 0, contextCount - 1)
  }
  return { flagKeys, contextIndexes }
}

export type Case = { flagKey: string; contextIndex: number }

/** The first `count` random pairs, as cases for the agreement checks. */
export function firstPairs(pairs: Pairs, count: number): Case[] {
  return Array.from({ length: count }, (_, i) => ({
    flagKey: pairs.flagKeys[i],
    contextIndex: pairs.contextIndexes[i],
  }))
}

/** Every individually targeted (flag, context): random pairs almost never hit one. */
export function targetedCases(flags: LdFlag[]): Case[] {
  return flags.flatMap((flag) => flag.targets.flatMap((t) => t.values.map((key) => ({
    flagKey: flag.key,
    contextIndex: Number(key.slice('user-'.length)),
  }))))
}

/** The amount of targeting work in a flag set, printed so the peers' shares can be compared. */
export function workload(flags: (LdFlag | LdHeavyFlag)[]) {
  const rules = flags.flatMap((f): { clauses: LdClause[] }[] => f.rules)
  return {
    flags: flags.length,
    rules: rules.length,
    clauses: rules.reduce((n, r) => n + r.clauses.length, 0),
    targets: flags.reduce((n, f) => n + f.targets.reduce((m, t) => m + t.values.length, 0), 0),
  }
}

/** A rule of the heavy set: it serves a rollout rather than one variation. */
export type LdHeavyRule = Omit<LdRule, 'variation'> & { rollout: LdRollout }

export type LdHeavyFlag = Omit<LdFlag, 'rules'> & { rules: LdHeavyRule[] }

const HEAVY_FLAG_SEED = 0x4ea_f1a6
const HEAVY_TARGETS = 20

// One maker per operator the bench uses; a heavy rule draws two of them.
const CLAUSE_MAKERS: ((rng: Rng) => LdClause)[] = [
  (rng) => firstClause(rng, 0),
  (rng) => firstClause(rng, 1),
  (rng) => firstClause(rng, 2),
  ageClause,
]

/** Weights over `count` variations that add up to 100,000, cut at random points. */
function randomRollout(rng: Rng, count: number): LdRollout {
  const cuts = Array.from({ length: count - 1 }, () => intBetween(rng, 1, 99_999)).sort((a, b) => a - b)
  const bounds = [0, ...cuts, 100_000]
  return {
    kind: 'rollout',
    variations: bounds.slice(1).map((bound, variation) => ({ variation, weight: bound - bounds[variation] })),
  }
}

/**
 * Flag i of the heavy set (bench:http): three rules of two clauses each, drawn from `in`,
 * `endsWith`, `semVerGreaterThan` and `greaterThan`, every rule and the fallthrough a rollout over
 * three variations, and 20 individually targeted contexts. Depends only on i, like `makeFlag`.
 */
export function makeHeavyFlag(i: number): LdHeavyFlag {
  const rng = mulberry32(HEAVY_FLAG_SEED + i * 7919)
  const key = `heavy-${i}`
  const variations = sample(rng, WORDS, 3).map((w) => `${w}-${i}`)
  const rules = [0, 1, 2].map((r): LdHeavyRule => ({
    id: `${key}-rule-${r}`,
    clauses: sample(rng, CLAUSE_MAKERS, 2).map((make) => make(rng)),
    rollout: randomRollout(rng, variations.length),
    trackEvents: false,
  }))
  const fallthrough = { rollout: randomRollout(rng, variations.length) }
  return ldFlag(rng, { key, variations, fallthrough, targets: targets(rng, variations.length, HEAVY_TARGETS), rules })
}

export function makeHeavyFlags(count: number): LdHeavyFlag[] {
  return Array.from({ length: count }, (_, i) => makeHeavyFlag(i))
}
