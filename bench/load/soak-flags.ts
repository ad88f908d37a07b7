/**
 * Part 2's flags, contexts and changes. Socket i is in country `c{i % 10}`. Each `promo-j` is on
 * for the countries in its rule's list; a change toggles one country code (c0 … c11) in one
 * promo's list, so exactly the sockets of that country are affected (none for c10 and c11), and
 * every tenth change switches a promo off or on again, which changes every socket's reason.
 * The `plan-j` flags never change.
 */

type Flag = {
  key: string
  version: number
  on: boolean
  variations: boolean[]
  offVariation: number
  fallthrough: { variation: number }
  rules: { id: string; variation: number; clauses: { contextKind: 'user'; attribute: string; op: 'in'; values: string[] }[] }[]
  clientSideAvailability: { usingEnvironmentId: boolean; usingMobileKey: boolean }
}

const PROMOS = 5
const PLANS = ['free', 'pro', 'team']
const COUNTRIES = 10
const CHANGED_COUNTRIES = 12
// Lists never become empty: 'zz' is no socket's country
const NOBODY = 'zz'

const boolFlag = (key: string, attribute: string, values: string[]): Flag => ({
  key,
  version: 1,
  on: true,
  variations: [false, true],
  offVariation: 0,
  fallthrough: { variation: 0 },
  rules: [{ id: `${key}-rule`, variation: 1, clauses: [{ contextKind: 'user', attribute, op: 'in', values }] }],
  clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: true },
})

export const soakFlags = (): Map<string, Flag> => {
  const flags = new Map<string, Flag>()
  for (let j = 0; j < PROMOS; j++) flags.set(`promo-${j}`, boolFlag(`promo-${j}`, 'country', [NOBODY, `c${j}`]))
  for (let j = 0; j < PLANS.length; j++) flags.set(`plan-${j}`, boolFlag(`plan-${j}`, 'plan', [PLANS[j]]))
  return flags
}

/** Socket `index`'s OFREP context. */
export const soakContext = (index: number) => ({
  targetingKey: `soak-${index}`,
  country: `c${index % COUNTRIES}`,
  plan: PLANS[index % PLANS.length],
})

/** Change `k` (1, 2, …): the one flag it patches, taken from and written back to `flags`. */
export function soakChange(k: number, flags: Map<string, Flag>): Flag {
  const key = `promo-${k % PROMOS}`
  const flag = structuredClone(flags.get(key)!)
  flag.version += 1
  if (k % 10 === 0) flag.on = !flag.on
  else {
    const clause = flag.rules[0].clauses[0]
    const country = `c${(k * 7) % CHANGED_COUNTRIES}`
    clause.values = clause.values.includes(country)
      ? clause.values.filter((value) => value !== country)
      : [...clause.values, country]
  }
  flags.set(key, flag)
  return flag
}
