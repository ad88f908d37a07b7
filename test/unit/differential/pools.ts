/**
 * The small shared pools that contexts and clauses both draw from, so clauses match often.
 * Each pool keeps a few values on purpose that sit at the edge of an operator's rules
 * (a leading `v`, a date without a time, an invalid regex, a float where an integer is expected).
 */

export const KINDS = ['user', 'org', 'device'] as const

export const KEYS = ['k1', 'k2', 'k3', 'k4', 'k5'] as const

export const STRINGS = [
  'bob', 'Bob', 'alice', 'bob@example.com', 'alice@test.org', 'US', 'GB', 'de', '', 'k1', 'a/b',
  'ünï',
]

export const EMAILS = ['bob@example.com', 'alice@test.org', 'carol@example.com', 'no-at-sign']

export const COUNTRIES = ['US', 'GB', 'de', 'FR', '']

/** Prefixes, suffixes and substrings of the strings above. */
export const FRAGMENTS = [
  'b', 'bo', 'B', '@example.com', '.org', 'U', 'US', '', '1.2', 'k', 'e', 'pr', 'free',
]

/** `[` does not compile and `(?i)` is not JavaScript syntax: the SDK treats both as no match. */
export const REGEXES = [
  '^b', 'ob$', '@example\\.com$', 'B', '[', '^$', '\\d', 'a|u', '(?i)bob', '.*', '^k[0-9]$',
]

export const NUMBERS = [0, 1, 2, 2.5, -1, 10, 99, 100, 1e21, 1704067200000]

export const SEMVERS = [
  '2', '2.0', '2.0.0', '1.2.3', '1.2.3-beta.1', '1.2.3-beta.2', '1.2.3+build.5', 'v1.0.0',
  '1.10.0', '1.2', '01.2.3', '1.2.3.4',
]

export const DATES = [
  '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.500Z', '2024-01-01T01:00:00+01:00',
  '2023-12-31T23:59:59-07:00', '2024-01-01T00:00:00.123456789Z', '2024-01-01T00:00:00-07',
  '2024-01-01', 'yesterday', '2024-01-01T00:00:00Zjunk',
  1704067200000, 1704067200500, 0, 1704067199999.5,
]

export const BOOLEANS = [true, false]

export const ARRAYS: unknown[] = [['beta', 'alpha'], ['US', 2], [], [['bob']], [1, 2.5], ['k1']]

export const OBJECTS: unknown[] = [{ city: 'Paris' }, {}, { city: 'bob', zip: 75001 }]

/**
 * Each context attribute's usual values. Contexts draw from these, and so do `in` clauses on the
 * same attribute, so that equality matches often.
 */
export const ATTRIBUTE_POOLS: Record<string, readonly unknown[]> = {
  name: ['bob', 'Bob', 'alice', '', 'k1', 'ünï'],
  email: EMAILS,
  country: COUNTRIES,
  plan: ['free', 'pro', 'enterprise'],
  age: NUMBERS,
  score: [0.5, 1, 2, 99.9, -1, 10],
  version: SEMVERS,
  created: DATES,
  tags: ARRAYS,
  address: OBJECTS,
  a: [{ b: 'k1' }, { b: 'bob' }, { b: 7 }, { b: 2.5 }, { b: true }, { c: 1 }, 'flat'],
  beta: BOOLEANS,
  firstName: ['bob', 'alice', 'Bob'],
  '/a/b': ['bob', 'k2'],
}

/** Every JSON type, for attributes and clause values that ignore the usual type. */
export const ANYTHING: unknown[] = [
  ...STRINGS.slice(0, 6), ...NUMBERS.slice(0, 5), ...SEMVERS.slice(0, 4), ...DATES.slice(0, 3),
  true, false, null, ...ARRAYS.slice(0, 3), ...OBJECTS.slice(0, 2),
]

/** Values a flag can serve: every JSON type, including null. */
export const VARIATION_VALUES: unknown[] = [
  true, false, 'red', 'green', 'blue', '', 0, 1, 2.5, -3, null,
  { color: 'red', size: 2 }, ['a', 1], {}, [],
]

export const SALTS = ['', 'salt', 'abc123', 'x.y']

/** Rollout seeds, including 0, which the SDK reads as "no seed" (it tests `seed ?`). */
export const SEEDS = [0, 1, 42, -7, 123456789]

export const DEFAULT_VALUES: unknown[] = ['default', false, 0, null, { fallback: true }]
