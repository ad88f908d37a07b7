import {
  ANYTHING, ATTRIBUTE_POOLS, BOOLEANS, DATES, FRAGMENTS, KEYS, KINDS, NUMBERS, REGEXES, SEMVERS,
  STRINGS,
} from './pools'
import { chance, int, pick, some, times, weighted, type Random } from './random'

export type Clause = {
  contextKind?: string
  attribute: string
  op: string
  values: unknown[]
  negate: boolean
}

/** Attribute names that read the same as a literal or as a reference, plus a missing one. */
const NAMES = [
  'key', 'name', 'email', 'country', 'plan', 'age', 'score', 'version', 'created', 'tags',
  'address', 'a', 'beta', 'anonymous', 'kind', 'firstName', 'missing',
]

/** Only meaningful with a `contextKind` (the SDK reads them as references then). */
const REFERENCES = ['/address/city', '/a/b', '/tags', '/key', '/name', '/address', '/a']

/** Names the SDK refuses as references, so a clause using them is MALFORMED_FLAG. */
const BAD_REFERENCES = ['', '//', '/a~2', '_meta', '/']

type OpShape = { attributes: string[]; values: readonly unknown[] }

const STRING_OP: OpShape = {
  attributes: ['name', 'email', 'country', 'key', 'plan', 'firstName'],
  values: FRAGMENTS,
}
const NUMBER_OP: OpShape = { attributes: ['age', 'score', 'created'], values: NUMBERS }
const DATE_OP: OpShape = { attributes: ['created', 'age'], values: DATES }
const SEMVER_OP: OpShape = { attributes: ['version'], values: SEMVERS }

const OPS: Record<string, OpShape> = {
  in: { attributes: NAMES, values: [...STRINGS, ...BOOLEANS, 2, 10, 0] },
  startsWith: STRING_OP,
  endsWith: STRING_OP,
  contains: STRING_OP,
  matches: { attributes: ['name', 'email', 'key', 'country'], values: REGEXES },
  lessThan: NUMBER_OP,
  lessThanOrEqual: NUMBER_OP,
  greaterThan: NUMBER_OP,
  greaterThanOrEqual: NUMBER_OP,
  before: DATE_OP,
  after: DATE_OP,
  semVerEqual: SEMVER_OP,
  semVerLessThan: SEMVER_OP,
  semVerGreaterThan: SEMVER_OP,
}

export const ATTRIBUTE_OPS = Object.keys(OPS)

const contextKind = (random: Random): string | undefined =>
  weighted(random, [[40, undefined], [30, 'user'], [22, 'org'], [8, 'device']])

const attribute = (random: Random, shape: OpShape, kind: string | undefined): string => {
  if (chance(random, 0.01)) return pick(random, BAD_REFERENCES)
  if (kind !== undefined && chance(random, 0.15)) return pick(random, REFERENCES)
  if (chance(random, 0.03)) return '/a/b'
  return chance(random, 0.85) ? pick(random, shape.attributes) : pick(random, NAMES)
}

/** Values that suit the attribute, so that `key in [...]` and `kind in [...]` can match. */
const valuePool = (shape: OpShape, op: string, name: string): readonly unknown[] => {
  if (op !== 'in') return shape.values
  if (name === 'key' || name === '/key') return KEYS
  if (name === 'kind') return KINDS
  if (name === 'tags' || name === '/tags') return ['beta', 'alpha', 'US', 2, 'k1']
  if (name === '/a/b') return ['k1', 'bob', 7, 2.5, true]
  if (name === '/address/city') return ['Paris', 'bob']
  return ATTRIBUTE_POOLS[name] ?? shape.values
}

/** A clause with any operator but `segmentMatch`, drawn to match about as often as not. */
export const attributeClause = (random: Random): Clause => {
  const op = chance(random, 0.005) ? 'unknownOp' : pick(random, ATTRIBUTE_OPS)
  const shape = OPS[op] ?? OPS.in
  const kind = contextKind(random)
  const name = attribute(random, shape, kind)
  const pool = valuePool(shape, op, name)
  const values = times(int(random, 1, 3), () =>
    chance(random, 0.12) ? pick(random, ANYTHING) : pick(random, pool),
  )
  if (chance(random, 0.02)) values.length = 0
  const clause: Clause = { attribute: name, op, values, negate: chance(random, 0.2) }
  return kind === undefined ? clause : { contextKind: kind, ...clause }
}

/**
 * A `segmentMatch` clause over some of `segmentKeys`, sometimes naming a segment that does not
 * exist. The SDK ignores the attribute and the context kind of such a clause.
 */
export const segmentClause = (random: Random, segmentKeys: readonly string[]): Clause => {
  const values: string[] = some(random, segmentKeys, 2)
  if (values.length === 0 || chance(random, 0.1)) values.push('segment-missing')
  const attribute = weighted(random, [[6, ''], [2, 'segmentMatch'], [1, 'key']])
  const clause: Clause = { attribute, op: 'segmentMatch', values, negate: chance(random, 0.15) }
  return chance(random, 0.1) ? { contextKind: 'user', ...clause } : clause
}
