import { makeContexts } from '../fixtures'

/** What every load sends, to both targets alike: the OFREP bulk path, a server key, varied contexts. */

export const PATH = '/ofrep/v1/evaluate/flags'

export function requestHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
}

/** OFREP bodies for the first `count` bench contexts: targetingKey is LaunchDarkly's key. */
export function requestBodies(count: number): string[] {
  return makeContexts(count).map(({ key, email, country, age, appVersion }) =>
    JSON.stringify({ context: { targetingKey: key, email, country, age, appVersion } }),
  )
}
