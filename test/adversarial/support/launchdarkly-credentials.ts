import fc from 'fast-check'
import type { KeyKind } from '../../../src/model/api-key'
import { ADMIN_TOKEN, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { headerText, pathSegment } from './hostile'
import { sdkSent, type SdkParts, type SdkRoute } from './launchdarkly-routes'
import { expectApiError } from './shapes'
import type { Answer } from './worker'

/**
 * Keys as LaunchDarkly's SDKs send them, and everything that is not one. A client-side id that
 * is not a client key is an unknown environment (404, src/middleware/sdk-key.ts); in
 * `Authorization` another kind of key is 403 and anything else 401.
 */
export type Outcome = 'ok' | 'forbidden' | 'unauthorized' | 'not_found'

export type SdkCredential = { parts: SdkParts; outcome: Outcome }

const KINDS = ['client', 'mobile', 'server'] as const

// URL parsing resolves dot segments (`..`, `%2e`) out of the path, which then names another route
const isDotSegment = (segment: string) => /^(\.|%2e){1,2}$/i.test(segment)

const clientSideIds = (seeded: Seeded, revoked: string): fc.Arbitrary<SdkCredential> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<SdkCredential>({ parts: { key: seeded.keys.client }, outcome: 'ok' }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(seeded.keys.mobile, seeded.keys.server, revoked, ADMIN_TOKEN, 'unknown-id', '__proto__', `${seeded.keys.client}x`, seeded.keys.client.toUpperCase())
        .map((key): SdkCredential => ({ parts: { key }, outcome: 'not_found' })),
    },
    { weight: 1, arbitrary: pathSegment.filter((id) => !isDotSegment(id)).map((id): SdkCredential => ({ parts: { id }, outcome: 'not_found' })) },
  )

const authorization = (value: string, outcome: Outcome): SdkCredential => ({ parts: { headers: { Authorization: value } }, outcome })

const headerKeys = (seeded: Seeded, revoked: string, owner: KeyKind): fc.Arbitrary<SdkCredential> => {
  const kinds = fc.constantFrom(...KINDS)
  const known = (kind: KeyKind): Outcome => (kind === owner ? 'ok' : 'forbidden')
  const own = seeded.keys[owner]
  return fc.oneof(
    // the SDK's own form first: mobile SDKs send `api_key <key>`, server SDKs the bare key
    { weight: 8, arbitrary: fc.constant(authorization(owner === 'mobile' ? `api_key ${own}` : own, 'ok')) },
    { weight: 4, arbitrary: kinds.map((kind) => authorization(`api_key ${seeded.keys[kind]}`, known(kind))) },
    { weight: 4, arbitrary: kinds.map((kind) => authorization(seeded.keys[kind], known(kind))) },
    // src/launchdarkly/credentials.ts: `api_key` and `Bearer` in any case, any whitespace
    { weight: 1, arbitrary: kinds.map((kind) => authorization(`API_KEY \t ${seeded.keys[kind]}  `, known(kind))) },
    { weight: 1, arbitrary: kinds.map((kind) => authorization(`bearer ${seeded.keys[kind]}`, known(kind))) },
    {
      weight: 2,
      arbitrary: kinds.chain((kind) =>
        fc.constantFrom<SdkCredential>(
          authorization(`api_key ${seeded.keys[kind]} extra`, 'unauthorized'),
          authorization(`Basic ${btoa(`${seeded.keys[kind]}:`)}`, 'unauthorized'),
          authorization(`${seeded.keys[kind]}x`, 'unauthorized'),
          authorization(`token ${seeded.keys[kind]}`, 'unauthorized'),
          { parts: { headers: { 'X-API-Key': seeded.keys[kind] } }, outcome: 'unauthorized' },
          { parts: { query: `?key=${seeded.keys[kind]}` }, outcome: 'unauthorized' },
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<SdkCredential>(
        { parts: {}, outcome: 'unauthorized' },
        authorization('', 'unauthorized'),
        authorization('api_key', 'unauthorized'),
        authorization('api_key ', 'unauthorized'),
        authorization(revoked, 'unauthorized'),
        authorization(`api_key ${revoked}`, 'unauthorized'),
        authorization(ADMIN_TOKEN, 'unauthorized'),
        authorization(`Bearer ${ADMIN_TOKEN}`, 'unauthorized'),
        authorization('__proto__', 'unauthorized'),
      ),
    },
    { weight: 1, arbitrary: headerText.map((text) => authorization(text, 'unauthorized')) },
  )
}

/** Credentials for `owner`'s paths, where its SDK sends them (see SdkCredential). */
export const sdkCredential = (seeded: Seeded, revoked: string, owner: KeyKind) =>
  owner === 'client' ? clientSideIds(seeded, revoked) : headerKeys(seeded, revoked, owner)

/** A route with a credential for it, chosen among `routes`. */
export const routeWithCredential = (seeded: Seeded, revoked: string, routes: SdkRoute[]) =>
  fc.constantFrom(...routes).chain((route) => sdkCredential(seeded, revoked, route.owner).map((credential) => ({ route, credential })))

/**
 * Checks the answer to a refused credential and says so; false when the credential is good and
 * the caller checks the rest. Authentication comes before anything about the request.
 */
export const refusedCredential = (answer: Answer, { outcome }: SdkCredential) => {
  if (outcome === 'ok') return false
  if (outcome === 'forbidden') expectApiError(answer, { status: 403, code: 'forbidden', mentions: /key may not use this endpoint/ })
  if (outcome === 'unauthorized') expectApiError(answer, { status: 401, code: /^(missing|unknown)_key$/, mentions: /key/i })
  if (outcome === 'not_found') expectApiError(answer, { status: 404, code: /^(unknown_environment|not_found)$/ })
  return true
}

/** Methods a route does not take: no route answers them (404). */
export const otherMethod = (route: SdkRoute) =>
  fc.constantFrom(...['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'REPORT'].filter((method) => method !== route.method && !(route.method === 'GET' && method === 'HEAD')))

/** A case for a method `route` does not take. */
export const wrongMethodCase = (seeded: Seeded, revoked: string, routes: SdkRoute[]): fc.Arbitrary<FuzzCase> =>
  routeWithCredential(seeded, revoked, routes).chain(({ route, credential }) =>
    otherMethod(route).map((method): FuzzCase => {
      const sent = sdkSent(route, credential.parts)
      // a GET carries no body
      return {
        sent: { ...sent, method, body: method === 'GET' ? undefined : sent.body ?? '{}' },
        check: (answer) => void expectApiError(answer, { status: 404, code: 'not_found' }),
      }
    }),
  )
