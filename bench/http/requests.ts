import { CONTEXT_COUNT, makeContexts, targetedCases, type BenchContext, type LdFlag } from '../fixtures'

/** What every load sends, to every target alike: the OFREP bulk path, a server key, contexts. */

export const PATH = '/ofrep/v1/evaluate/flags'

export function requestHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
}

const attributesOf = ({ email, country, age, appVersion }: BenchContext) => ({ email, country, age, appVersion })

// targetingKey is LaunchDarkly's key
const bodyOf = (context: BenchContext) => JSON.stringify({ context: { targetingKey: context.key, ...attributesOf(context) } })

/** OFREP bodies for the first `count` bench contexts. */
export function requestBodies(count: number): string[] {
  return makeContexts(count).map(bodyOf)
}

/** Bodies of up to `count` bench contexts that `flags` target individually (random ones rarely are). */
export function targetedBodies(flags: LdFlag[], count: number): string[] {
  const contexts = makeContexts(CONTEXT_COUNT)
  const indexes = [...new Set(targetedCases(flags).map((c) => c.contextIndex))]
  return indexes.slice(0, count).map((index) => bodyOf(contexts[index]))
}

/**
 * A source of OFREP bodies never sent before: each call counts up the targetingKey
 * (`fresh-{n}`) and takes the attributes of bench context n mod 10,000, pre-encoded, so a call
 * is one string concatenation.
 */
export function freshBodies(): () => string {
  const tails = makeContexts(CONTEXT_COUNT).map((context) => JSON.stringify(attributesOf(context)).slice(1))
  let n = 0
  return function nextBody() {
    const i = n++
    return `{"context":{"targetingKey":"fresh-${i}",${tails[i % tails.length]}}`
  }
}
