import type { KeyKind } from '../../../src/model/api-key'
import type { Sent } from './worker'

/**
 * LaunchDarkly's SDK paths (src/routes/launchdarkly/), each with the kind of key it belongs to
 * and where that SDK sends the key: client-side SDKs in the path, as the client-side id; mobile
 * and server SDKs in `Authorization`. The matrix, the leak checks and the fuzz cases share them.
 */
export type SdkRoute = {
  name: string
  owner: KeyKind
  method: 'GET' | 'REPORT' | 'POST'
  /** The path, given the client-side id (client routes only) and a context path segment. */
  path: (id: string, context: string) => string
  /** Where the route reads its context: a base64url path segment or a REPORT body. */
  context?: 'path' | 'body'
  events?: 'analytics' | 'diagnostic'
  stream?: boolean
  /** What the right key gets for a valid request. */
  status: 200 | 202
}

const named = (route: Omit<SdkRoute, 'name'>): SdkRoute => ({ ...route, name: `${route.method} ${route.path('{id}', '{context}')}` })

// `contexts`/`context` and the older `users`/`user`, by GET and by REPORT
const evalx = (owner: 'client' | 'mobile', prefix: (id: string) => string): SdkRoute[] => [
  named({ owner, method: 'GET', path: (id, context) => `${prefix(id)}/contexts/${context}`, context: 'path', status: 200 }),
  named({ owner, method: 'GET', path: (id, context) => `${prefix(id)}/users/${context}`, context: 'path', status: 200 }),
  named({ owner, method: 'REPORT', path: (id) => `${prefix(id)}/context`, context: 'body', status: 200 }),
  named({ owner, method: 'REPORT', path: (id) => `${prefix(id)}/user`, context: 'body', status: 200 }),
]

export const CLIENT_ROUTES: SdkRoute[] = [
  ...evalx('client', (id) => `/sdk/evalx/${id}`),
  named({ owner: 'client', method: 'GET', path: (id) => `/sdk/goals/${id}`, status: 200 }),
  named({ owner: 'client', method: 'GET', path: (id, context) => `/eval/${id}/${context}`, context: 'path', stream: true, status: 200 }),
  named({ owner: 'client', method: 'REPORT', path: (id) => `/eval/${id}`, context: 'body', stream: true, status: 200 }),
  named({ owner: 'client', method: 'GET', path: (id) => `/ping/${id}`, stream: true, status: 200 }),
  named({ owner: 'client', method: 'POST', path: (id) => `/events/bulk/${id}`, events: 'analytics', status: 202 }),
  named({ owner: 'client', method: 'POST', path: (id) => `/events/diagnostic/${id}`, events: 'diagnostic', status: 202 }),
]

export const MOBILE_ROUTES: SdkRoute[] = [
  ...evalx('mobile', () => '/msdk/evalx'),
  named({ owner: 'mobile', method: 'GET', path: (_, context) => `/meval/${context}`, context: 'path', stream: true, status: 200 }),
  named({ owner: 'mobile', method: 'REPORT', path: () => '/meval', context: 'body', stream: true, status: 200 }),
  named({ owner: 'mobile', method: 'GET', path: () => '/mping', stream: true, status: 200 }),
  ...['/mobile/events/bulk', '/mobile/events', '/mobile'].map((path) => named({ owner: 'mobile', method: 'POST', path: () => path, events: 'analytics', status: 202 })),
  named({ owner: 'mobile', method: 'POST', path: () => '/mobile/events/diagnostic', events: 'diagnostic', status: 202 }),
]

export const SERVER_ROUTES: SdkRoute[] = [
  ...['/sdk/latest-all', '/sdk/latest-flags', '/sdk/flags'].map((path) => named({ owner: 'server', method: 'GET', path: () => path, status: 200 })),
  ...['/sdk/latest-flags/dark-theme', '/sdk/flags/dark-theme', '/sdk/latest-segments/beta-testers', '/sdk/segments/beta-testers'].map((path) =>
    named({ owner: 'server', method: 'GET', path: () => path, status: 200 }),
  ),
  named({ owner: 'server', method: 'GET', path: () => '/all', stream: true, status: 200 }),
  named({ owner: 'server', method: 'POST', path: () => '/bulk', events: 'analytics', status: 202 }),
  named({ owner: 'server', method: 'POST', path: () => '/diagnostic', events: 'diagnostic', status: 202 }),
]

export const SDK_ROUTES = [...CLIENT_ROUTES, ...MOBILE_ROUTES, ...SERVER_ROUTES]

/** Base64url in chunks: `base64url` in hostile.ts spreads its bytes, which overflows past ~100 KB. */
export const base64urlOf = (bytes: Uint8Array) => {
  let binary = ''
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000))
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A context as the SDKs put it in a path: base64url of its JSON text. */
export const contextSegment = (json: string) => base64urlOf(new TextEncoder().encode(json))

export const LD_USER = '{"kind":"user","key":"u-1","country":"no"}'

/** An analytics payload as LaunchDarkly's SDKs send it: an identify, a feature and a summary event. */
export const EVENTS_BODY = JSON.stringify([
  { kind: 'identify', creationDate: 1, context: { kind: 'user', key: 'u-1' } },
  { kind: 'feature', creationDate: 2, key: 'dark-theme', value: false, variation: 0, version: 1, contextKeys: { user: 'u-1' } },
  { kind: 'summary', startDate: 1, endDate: 2, features: { 'dark-theme': { default: false, counters: [{ variation: 0, version: 1, value: false, count: 3 }] } } },
])

export const DIAGNOSTIC_BODY = JSON.stringify({ kind: 'diagnostic', id: { diagnosticId: 'd-1', sdkKeySuffix: 'abcdef' }, creationDate: 1 })

/** How a mobile SDK sends its key (`api_key <key>`), or the bare key, which server SDKs send. */
export type KeyForm = 'api_key' | 'raw'

export type SdkParts = {
  /** The key, where `route`'s SDK sends it; undefined sends none. */
  key?: string
  /** A client-side id as it goes in the path, not encoded (in place of `key`). */
  id?: string
  form?: KeyForm
  /** Context JSON text, in the path or the body as the route reads it. */
  context?: string
  /** The context's path segment as sent, in place of `context` encoded. */
  segment?: string
  /** A body for an events route, in place of a valid payload. */
  body?: string | Uint8Array
  /** Replaces the JSON Content-Type; null sends none. */
  contentType?: string | null
  query?: string
  headers?: Record<string, string>
}

/** The request an SDK would send to `route`, with `parts` replacing what it would send. */
export const sdkSent = (route: SdkRoute, { key, id, form = 'raw', context = LD_USER, segment, body, contentType, query = '', headers = {} }: SdkParts = {}): Sent => {
  const all: Record<string, string> = {}
  if (route.owner !== 'client' && key !== undefined) all.Authorization = form === 'api_key' ? `api_key ${key}` : key
  const payload = route.context === 'body' ? context : route.events === 'analytics' ? EVENTS_BODY : route.events === 'diagnostic' ? DIAGNOSTIC_BODY : undefined
  if (payload !== undefined && contentType !== null) all['Content-Type'] = contentType ?? 'application/json'
  const inPath = route.context === 'path' ? segment ?? contextSegment(context) : ''
  return { method: route.method, path: route.path(id ?? encodeURIComponent(key ?? ''), inPath) + query, headers: { ...all, ...headers }, body: payload === undefined ? undefined : body ?? payload }
}
