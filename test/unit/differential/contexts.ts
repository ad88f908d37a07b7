import { ANYTHING, ATTRIBUTE_POOLS, BOOLEANS, KEYS } from './pools'
import { chance, pick, weighted, type Random } from './random'

type Json = Record<string, unknown>

/** Built-in attributes a legacy user keeps at the top level; the rest go in `custom`. */
const LEGACY_BUILT_INS = ['name', 'email', 'country', 'firstName']

const attributeValue = (random: Random, name: string): unknown =>
  chance(random, 0.12) ? pick(random, ANYTHING) : pick(random, ATTRIBUTE_POOLS[name])

const attributes = (random: Random): Json => {
  const out: Json = {}
  for (const name of Object.keys(ATTRIBUTE_POOLS)) {
    if (chance(random, 0.8)) out[name] = attributeValue(random, name)
  }
  if (chance(random, 0.3)) out.anonymous = pick(random, BOOLEANS)
  if (chance(random, 0.05)) out._meta = { privateAttributes: ['email'] }
  return out
}

const key = (random: Random): string => (chance(random, 0.03) ? 'odd:key%' : pick(random, KEYS))

const singleKind = (random: Random, kind: string): Json => ({
  kind,
  key: key(random),
  ...attributes(random),
})

/** Mostly user and org together; a multi-kind context with one kind is legal too. */
const MULTI_KINDS: [number, string[]][] = [
  [5, ['user', 'org']],
  [2, ['org', 'device']],
  [2, ['user', 'org', 'device']],
  [1, ['org']],
]

const multiKind = (random: Random): Json => {
  const kinds = weighted(random, MULTI_KINDS)
  const out: Json = { kind: 'multi' }
  for (const kind of kinds) {
    const { kind: _kind, ...rest } = singleKind(random, kind)
    out[kind] = rest
  }
  return out
}

const legacyUser = (random: Random): Json => {
  const { kind: _kind, anonymous, _meta, ...all } = singleKind(random, 'user')
  const user: Json = { key: chance(random, 0.05) ? '' : all.key }
  const custom: Json = {}
  for (const [name, value] of Object.entries(all)) {
    if (name === 'key') continue
    if (LEGACY_BUILT_INS.includes(name)) user[name] = value
    else custom[name] = value
  }
  if (Object.keys(custom).length > 0 || chance(random, 0.5)) user.custom = custom
  if (anonymous !== undefined) user.anonymous = anonymous
  return user
}

/** Contexts the SDK refuses (USER_NOT_SPECIFIED): an empty key, a bad kind, an empty multi. */
const invalidContext = (random: Random): Json =>
  pick(random, [
    { kind: 'user', key: '' },
    { kind: 'kind', key: 'k1' },
    { kind: 'multi' },
    { kind: 'multi', user: { key: '' }, org: { key: 'k1' } },
    { kind: 'us er', key: 'k1' },
  ])

/**
 * A random evaluation context: single-kind user, org or device, multi-kind, a legacy user
 * (no `kind`, attributes in `custom`), or, rarely, one the SDK refuses.
 */
export const generateContext = (random: Random): Json =>
  weighted<(random: Random) => Json>(random, [
    [30, (r) => singleKind(r, 'user')],
    [15, (r) => singleKind(r, 'org')],
    [4, (r) => singleKind(r, 'device')],
    [25, multiKind],
    [20, legacyUser],
    [2, invalidContext],
  ])(random)
