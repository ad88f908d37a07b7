import { boolFlag } from '../../test/support/flags'

/**
 * The bench's flags, contexts and changes. `promo` is on for contexts whose country is in its
 * rule's list; the list starts as ['z'] and each change toggles 'a' in or out, so exactly the
 * sockets of country 'a' (every even index) change value and those of 'b' keep theirs.
 */

export const ENVIRONMENT = 'bench'
export const CLIENT_KEY = 'bench-client-key'
export const WEBHOOK_SECRET = 'bench-secret'
export const ADMIN_TOKEN = 'bench-admin'
const FILLER_FLAGS = 9

type Flag = Record<string, unknown>

// false unless a rule says otherwise
const offByDefault = (key: string, extra: Flag = {}): Flag => boolFlag(key, { fallthrough: { variation: 0 }, ...extra })

const promo = (countries: string[]) =>
  offByDefault('promo', {
    rules: [{ id: 'countries', variation: 1, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: countries }] }],
  })

// Other flags the Hub must skip on each change, and that make the put a realistic size
const filler = (i: number) =>
  offByDefault(`feature-${i}`, {
    rules: [{ id: 'plans', variation: 1, clauses: [{ contextKind: 'user', attribute: 'plan', op: 'in', values: ['pro'] }] }],
  })

export const initialRuleset = () => {
  const flags: Record<string, Flag> = { promo: promo(['z']) }
  for (let i = 0; i < FILLER_FLAGS; i++) flags[`feature-${i}`] = filler(i)
  return { environment: ENVIRONMENT, op: 'replace', flags, segments: {} }
}

/** The change of round `round` (1, 2, …): odd rounds add 'a', even rounds take it out again. */
export const promoChange = (round: number) => ({
  environment: ENVIRONMENT,
  op: 'patch',
  flags: { promo: promo(round % 2 === 1 ? ['z', 'a'] : ['z']) },
})

/** promo's value for a socket of country 'a' after `round` changes (0: before any). */
export const promoValueForA = (round: number) => round % 2 === 1

export const isAffected = (index: number) => index % 2 === 0

/** Socket `index`'s context: half 'a', half 'b', with varied keys and other attributes. */
export const contextFor = (index: number) => ({
  targetingKey: `user-${index}`,
  country: isAffected(index) ? 'a' : 'b',
  plan: ['free', 'pro', 'team'][index % 3],
  age: 18 + (index % 50),
})

/** The query parameter form of a context (base64url of its JSON). */
export const encodeContext = (context: object) => Buffer.from(JSON.stringify(context)).toString('base64url')
