import fc from 'fast-check'
import { expect } from 'vitest'
import { VISIBLE, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { headerText, hostileString, percentEncode } from './hostile'
import { refusedCredential, routeWithCredential, sdkCredential } from './launchdarkly-credentials'
import { SDK_ROUTES, sdkSent, type SdkRoute } from './launchdarkly-routes'
import { expectApiError } from './shapes'
import type { Answer } from './worker'

/**
 * LaunchDarkly's server-side polling paths (src/routes/launchdarkly/server.ts), with random keys,
 * item keys and If-None-Match, and the streams every kind of SDK opens with nothing but a key.
 */

type Poll = { path: string; section?: 'flags' | 'segments'; whole?: 'all' | 'flags' }

const POLLS: Poll[] = [
  { path: '/sdk/latest-all', whole: 'all' },
  { path: '/sdk/latest-flags', whole: 'flags' },
  { path: '/sdk/flags', whole: 'flags' },
  { path: '/sdk/latest-flags/', section: 'flags' },
  { path: '/sdk/flags/', section: 'flags' },
  { path: '/sdk/latest-segments/', section: 'segments' },
  { path: '/sdk/segments/', section: 'segments' },
]

const ITEMS = [...VISIBLE.server, 'beta-testers', 'nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '%F0%9F%99%82', 'a%2Fb', '%E0%A4%A', 'x'.repeat(300)]

// not "", "." or "..": URL parsing would take those out of the route
const item = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ITEMS) },
  { weight: 1, arbitrary: hostileString.map(percentEncode).filter((segment) => !/^\.{0,2}$/.test(segment)) },
)

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

// RFC 9110 section 13.1.2: a list of entity tags or *, compared weakly
const matchesEtag = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag)

const SERVER_ROUTE = SDK_ROUTES.find((route) => route.owner === 'server')!

const checkPoll = (answer: Answer, poll: Poll, key: string, etag: string) => {
  expect(answer.status, answer.text.slice(0, 300)).toBe(poll.whole === undefined && !isKnown(poll, key) ? 404 : 200)
  if (answer.status === 404) return void expectApiError(answer, { code: 'not_found', mentions: /No (flag|segment) has the key/ })
  expect(answer.headers.get('ETag')).toBe(etag)
  const body = JSON.parse(answer.text) as Record<string, unknown>
  if (poll.whole === 'all') return void expect(Object.keys(body)).toEqual(['flags', 'segments'])
  if (poll.whole === 'flags') return void expect(Object.keys(body).sort()).toEqual([...VISIBLE.server].sort())
  expect(body.key).toBe(key)
}

const isKnown = (poll: Poll, key: string) => (poll.section === 'flags' ? VISIBLE.server.includes(key) : key === 'beta-testers')

/**
 * A server-side poll with a random credential, item and If-None-Match. `etag` is the seeded
 * environment's: it matches on every path, since every answer has the ruleset's version.
 */
export const sdkPollCase = (seeded: Seeded, revoked: string, etag: string): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      poll: fc.constantFrom(...POLLS),
      item,
      credential: sdkCredential(seeded, revoked, 'server'),
      ifNoneMatch: fc.option(fc.oneof(fc.constantFrom('*', etag, `W/${etag}`, `"x", ${etag}`, '"0-x"', etag.slice(1, -1)), headerText), { nil: undefined }),
    })
    .map(({ poll, item: segment, credential, ifNoneMatch }): FuzzCase => {
      const path = poll.whole === undefined ? `${poll.path}${segment}` : poll.path
      const sent = sdkSent({ ...SERVER_ROUTE, path: () => path }, credential.parts)
      return {
        sent: { ...sent, headers: { ...sent.headers, ...(ifNoneMatch === undefined ? {} : { 'If-None-Match': ifNoneMatch }) } },
        check: (answer) => {
          if (refusedCredential(answer, credential)) return
          // RFC 9110 section 13.1.2: an item that does not exist has no representation to match
          const exists = poll.whole !== undefined || isKnown(poll, decoded(segment))
          if (exists && matchesEtag(ifNoneMatch?.trim(), etag)) return void expect(answer.status, answer.text.slice(0, 300)).toBe(304)
          checkPoll(answer, poll, decoded(segment), etag)
        },
      }
    })

const STREAM_ROUTES = SDK_ROUTES.filter((route) => route.stream && route.context === undefined)

const checkStream = (answer: Answer, route: SdkRoute) => {
  expect(answer.status, answer.text.slice(0, 300)).toBe(200)
  expect(answer.headers.get('Content-Type')).toBe('text/event-stream')
  if (route.owner !== 'server') return void expect(answer.text).toContain(': connected')
  const put = /^event: put\ndata: (.*)\n\n/.exec(answer.text)
  expect(put, answer.text.slice(0, 300)).not.toBeNull()
  const { path, data } = JSON.parse(put![1]) as { path: string; data: object }
  expect(path).toBe('/')
  expect(Object.keys(data)).toEqual(['flags', 'segments'])
}

/** `/all`, `/ping/{id}` and `/mping` with random credentials: a stream only for the right kind of key. */
export const sdkStreamCase = (seeded: Seeded, revoked: string): fc.Arbitrary<FuzzCase> =>
  routeWithCredential(seeded, revoked, STREAM_ROUTES).map(({ route, credential }): FuzzCase => ({
    sent: sdkSent(route, credential.parts),
    check: (answer) => {
      if (refusedCredential(answer, credential)) return
      checkStream(answer, route)
    },
  }))
