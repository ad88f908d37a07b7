import type { LDContext } from '@launchdarkly/node-server-sdk'
import { makeContexts, makeFlags, makeHeavyFlags } from '../../../bench/fixtures'
import { intBetween, mulberry32, pick } from '../../../bench/prng'

/**
 * The contexts the server SDK and OFREP are compared on, as LaunchDarkly context JSON: the
 * bench's users (key, email, country, age, appVersion), every user the bench flags target, a
 * name, a sign-up date and an address, and every eighth one a multi-context with an org (a few
 * are orgs alone).
 */

export const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'AR', 'GB', 'IE', 'FR', 'DE', 'NL', 'ES', 'IT', 'SE', 'NO', 'PL', 'IN', 'JP', 'KR', 'AU', 'NZ']
export const PLANS = ['free', 'pro', 'team', 'enterprise']
const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Lyon']
const SEED = 0xc0_47e8

/** The key of user `n`; users 0 to 499 are always among the contexts. */
export const userKey = (n: number) => `user-${n}`

export type LdContext = LDContext

// The bench flags' targeted users first (random users rarely hit a target), then users from 0 up
const userIndexes = (count: number) => {
  const targets = [...makeFlags(30), ...makeHeavyFlags(12)].flatMap((flag) => flag.targets)
  const chosen = new Set(targets.flatMap(({ values }) => values.map((key) => Number(key.slice('user-'.length)))))
  for (let n = 0; chosen.size < count; n++) chosen.add(n)
  return [...chosen].sort((a, b) => a - b)
}

/** `count` contexts, the same on every run. */
export const makeLdContexts = (count = 1000): LdContext[] => {
  const users = makeContexts()
  const rng = mulberry32(SEED)
  return userIndexes(count).map((n, i) => {
    const { kind: _, ...bench } = users[n]
    const user = {
      kind: 'user',
      ...bench,
      name: `User ${n}`,
      signedUp: Date.UTC(2023, 0, 1) + intBetween(rng, 0, 730) * 86_400_000,
      address: { city: pick(rng, CITIES) },
    }
    const org = { kind: 'org', key: `org-${intBetween(rng, 0, 9)}`, plan: pick(rng, PLANS), employees: intBetween(rng, 1, 5000) }
    if (i % 29 === 7) return org
    if (i % 8 === 3) {
      const { kind: __, ...userPart } = user
      const { kind: ___, ...orgPart } = org
      return { kind: 'multi', user: userPart, org: orgPart }
    }
    return user
  })
}

// OFREP names the key targetingKey
const withTargetingKey = ({ key, ...attributes }: Record<string, unknown>) => ({ targetingKey: key, ...attributes })

/**
 * The same context as OFREP takes it (src/ofrep/context.ts maps it back): a user without a kind,
 * other kinds with theirs, a multi-context's parts by kind.
 */
export const toOfrepContext = (ldContext: LdContext): Record<string, unknown> => {
  const context = ldContext as Record<string, unknown>
  if (context.kind === 'user') {
    const { kind: _, ...rest } = context
    return withTargetingKey(rest)
  }
  if (context.kind !== 'multi') return withTargetingKey(context)
  const { kind, ...parts } = context
  const mapped = Object.entries(parts).map(([name, part]) => [name, withTargetingKey(part as Record<string, unknown>)])
  return { kind, ...Object.fromEntries(mapped) }
}
