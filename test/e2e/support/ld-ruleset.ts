import examples from '../../../examples/flags.json'
import { makeFlags, makeHeavyFlags } from '../../../bench/fixtures'
import { hex, intBetween, mulberry32, pick, sample, type Rng } from '../../../bench/prng'
import { COUNTRIES, PLANS, userKey } from './ld-contexts'
import type { Ruleset } from './ld-worker'

/**
 * The ruleset the server SDK and OFREP are compared on: the example shop, the bench's flags
 * (rules over `in`, `endsWith`, semver and numbers, targets, rollouts) and generated flags for
 * what those lack: segments (nested, weighted, by org), prerequisites, experiments, `bucketBy`,
 * org contexts and the remaining operators. Fixed seeds: every run sees the same data.
 */

const SEED = 0x1d_5e4e
const SEGMENTS = 6
const MIXED_FLAGS = 24

type Json = Record<string, unknown>

const clause = (attribute: string, op: string, values: unknown[], extra: Json = {}): Json => ({
  contextKind: 'user',
  attribute,
  op,
  values,
  negate: false,
  ...extra,
})

const segmentMatch = (keys: string[], negate = false): Json => ({ attribute: '', op: 'segmentMatch', values: keys, negate })

// Segment i: some members by key, some excluded, a rule by country and (odd i) a weighted rule
// by age; segment 5 also includes orgs by plan and nests segment 0
const makeSegment = (rng: Rng, i: number): Json => {
  const members = Array.from({ length: 30 }, () => userKey(intBetween(rng, 0, 499)))
  const rules: Json[] = [{ id: `seg-${i}-country`, clauses: [clause('country', 'in', sample(rng, COUNTRIES, 3))] }]
  if (i % 2 === 1) rules.push({ id: `seg-${i}-age`, clauses: [clause('age', 'greaterThanOrEqual', [intBetween(rng, 30, 60)])], weight: intBetween(rng, 20_000, 80_000), bucketBy: 'email' })
  if (i === 5) {
    rules.push({ id: 'seg-5-orgs', clauses: [clause('plan', 'in', ['enterprise'], { contextKind: 'org' })] })
    rules.push({ id: 'seg-5-nested', clauses: [segmentMatch(['seg-0'])] })
  }
  return {
    key: `seg-${i}`,
    version: 1,
    included: members.slice(0, 20),
    excluded: members.slice(20),
    includedContexts: i === 3 ? [{ contextKind: 'org', values: ['org-1', 'org-2', 'org-3'] }] : [],
    excludedContexts: [],
    rules,
    salt: hex(rng, 16),
    deleted: false,
  }
}

// Clauses drawn from the operators the bench flags do not use
const CLAUSES: ((rng: Rng) => Json)[] = [
  (rng) => segmentMatch(sample(rng, ['seg-0', 'seg-1', 'seg-2', 'seg-3', 'seg-4', 'seg-5'], 2)),
  (rng) => segmentMatch([`seg-${intBetween(rng, 0, 5)}`], true),
  (rng) => clause('email', 'startsWith', [pick(rng, ['control', 'beta', 'red', 'fast'])]),
  (rng) => clause('email', 'contains', [pick(rng, ['.1', '.2', 'acme', 'corp'])]),
  (rng) => clause('email', 'matches', [`^[a-m].*\\.${intBetween(rng, 0, 9)}`]),
  (rng) => clause('age', 'lessThanOrEqual', [intBetween(rng, 20, 50)]),
  (rng) => clause('appVersion', 'semVerLessThan', [`${intBetween(rng, 1, 4)}.${intBetween(rng, 0, 9)}.0`]),
  (rng) => clause('signedUp', pick(rng, ['before', 'after']), [Date.UTC(2024, intBetween(rng, 0, 11), 1)]),
  (rng) => clause('plan', 'in', sample(rng, PLANS, 2), { contextKind: 'org' }),
  (rng) => clause('name', 'endsWith', [String(intBetween(rng, 0, 9))]),
  (rng) => clause('/address/city', 'in', ['Oslo', 'Lima', 'Pune']),
]

const weights = (rng: Rng, count: number) => {
  const cuts = Array.from({ length: count - 1 }, () => intBetween(rng, 1, 99_999)).sort((a, b) => a - b)
  const bounds = [0, ...cuts, 100_000]
  return bounds.slice(1).map((bound, variation) => ({ variation, weight: bound - bounds[variation] }))
}

// A rollout of one of LaunchDarkly's shapes: plain, by another attribute, by org, an experiment
const rollout = (rng: Rng, count: number): Json => {
  const variations = weights(rng, count)
  switch (intBetween(rng, 0, 3)) {
    case 0:
      return { kind: 'rollout', variations }
    case 1:
      return { kind: 'rollout', variations, bucketBy: 'country' }
    case 2:
      return { kind: 'rollout', variations, contextKind: 'org' }
    default:
      return { kind: 'experiment', seed: intBetween(rng, 1, 1e6), variations }
  }
}

const VALUE_SETS: unknown[][] = [
  [false, true],
  ['small', 'medium', 'large'],
  [1, 2.5, 40],
  [{ theme: 'a' }, { theme: 'b', beta: true }, ['x', 'y']],
]

const makeMixedFlag = (rng: Rng, i: number): Json => {
  const variations = VALUE_SETS[i % VALUE_SETS.length]
  const count = variations.length
  const serve = () => (rng() < 0.5 ? { variation: intBetween(rng, 0, count - 1) } : { rollout: rollout(rng, count) })
  const rules = Array.from({ length: intBetween(rng, 1, 4) }, (_, r) => ({
    id: `mix-${i}-rule-${r}`,
    clauses: sample(rng, CLAUSES, intBetween(rng, 1, 2)).map((make) => make(rng)),
    ...serve(),
    trackEvents: false,
  }))
  // A prerequisite on an earlier mixed flag or a bench flag
  const prerequisites = i > 0 && i % 3 === 0 ? [{ key: rng() < 0.5 ? `mix-${i - 1}` : `flag-${i}`, variation: 1 }] : []
  const contextTargets = i % 4 === 2 ? [{ contextKind: 'org', values: ['org-4', 'org-7'], variation: count - 1 }] : []
  return {
    key: `mix-${i}`,
    version: intBetween(rng, 1, 9),
    on: i % 11 !== 5,
    variations,
    offVariation: 0,
    fallthrough: serve(),
    targets: [{ variation: 1, values: [userKey(intBetween(rng, 0, 499)), userKey(intBetween(rng, 0, 499))] }],
    contextTargets,
    rules,
    prerequisites,
    salt: hex(rng, 16),
    clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    trackEvents: false,
    deleted: false,
  }
}

const byKey = <T extends { key: string }>(items: T[]) => Object.fromEntries(items.map((item) => [item.key, item]))

/** The whole ruleset, as pushed to the webhook. */
export const makeRuleset = (): Ruleset => {
  const rng = mulberry32(SEED)
  const segments = Array.from({ length: SEGMENTS }, (_, i) => makeSegment(rng, i) as Json & { key: string })
  const mixed = Array.from({ length: MIXED_FLAGS }, (_, i) => makeMixedFlag(rng, i) as Json & { key: string })
  return {
    flags: { ...examples.flags, ...byKey(makeFlags(30)), ...byKey(makeHeavyFlags(12)), ...byKey(mixed) },
    segments: { ...examples.segments, ...byKey(segments) },
  }
}
