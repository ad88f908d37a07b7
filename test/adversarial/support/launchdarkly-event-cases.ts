import { env } from 'cloudflare:workers'
import { createExecutionContext } from 'cloudflare:test'
import fc from 'fast-check'
import { expect } from 'vitest'
import worker from '../../../src/index'
import type { Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { CONTENT_TYPES, deepText, hostileKey, jsonText, malformed, objectText, stringText } from './hostile'
import { refusedCredential, routeWithCredential } from './launchdarkly-credentials'
import { DIAGNOSTIC_BODY, EVENTS_BODY, SDK_ROUTES, sdkSent } from './launchdarkly-routes'
import { expectApiError } from './shapes'
import { BASE, type Answer, type Sent } from './worker'

/**
 * Event payloads for every LaunchDarkly events path (src/launchdarkly/events.ts), plain or
 * gzipped, broken and oversized, with every credential. Each answer must be 202 or a 4xx in
 * the one error shape; the payload is read into counts only, never stored.
 */

const MAX_BODY = 64 * 1024
const encoder = new TextEncoder()

export const EVENT_ROUTES = SDK_ROUTES.filter((route) => route.events !== undefined)

const flagKey = fc.oneof(fc.constantFrom('dark-theme', 'new-checkout', 'nope'), hostileKey)

const validCounter = fc
  .record({ variation: fc.nat(3), version: fc.nat(5), value: fc.boolean(), count: fc.nat(1_000) }, { requiredKeys: ['count'] })
  .map((counter) => JSON.stringify(counter))

// a count must be a whole number, not negative; -0 is one, 1e999 is Infinity
const counter = fc.oneof(
  { weight: 6, arbitrary: validCounter },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...['{"count":-1}', '{"count":1.5}', '{"count":"3"}', '{}', '{"count":null}', '{"count":true}', '1', 'null', '[]', '"count"'],
      ...['{"count":1e999}', '{"count":-0}', '{"count":9007199254740993}', '{"count":1e308}', '{"count":0,"variation":"x"}', '{"count":2,"variation":-1}'],
    ),
  },
  { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, jsonText(1)), { maxLength: 3 }).map(objectText) },
)

const feature = fc.oneof(
  { weight: 6, arbitrary: fc.array(counter, { maxLength: 4 }).map((counters) => `{"default":false,"counters":[${counters.join(',')}]}`) },
  { weight: 1, arbitrary: fc.constantFrom('{"default":false}', '{"counters":{}}', '{"counters":null}', '{"counters":"[]"}', 'null', '[]', '3') },
  { weight: 1, arbitrary: jsonText(2) },
)

const summary = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(flagKey, feature), { maxLength: 3 }).map((features) => `{"kind":"summary","startDate":1,"endDate":2,"features":${objectText(features)}}`) },
  { weight: 1, arbitrary: fc.constantFrom('{"kind":"summary"}', '{"kind":"summary","features":null}', '{"kind":"summary","features":[]}', '{"kind":"summary","features":"x"}') },
)

const event = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('identify', 'feature', 'custom', 'index', 'debug', 'click', 'pageview').map((kind) => JSON.stringify({ kind, creationDate: 1, key: 'k' })) },
  { weight: 4, arbitrary: summary },
  // without a kind, an empty or non-string one, and not an object: all refused
  { weight: 2, arbitrary: fc.constantFrom('{"creationDate":1}', '{"kind":""}', '{"kind":5}', '{"kind":null}', '{"kind":["identify"]}', '1', 'null', '"identify"', '[]', '[{"kind":"identify"}]') },
  { weight: 2, arbitrary: stringText().map((kind) => `{"kind":${kind}}`) },
  { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, jsonText(1)), { maxLength: 4 }).map(objectText) },
)

/** `[…]` of events, `bytes` long: identify events, the last padded to fit. */
export const paddedEvents = (bytes: number) => {
  const shell = '[{"kind":"identify","pad":""}]'
  return `[{"kind":"identify","pad":"${'x'.repeat(Math.max(0, bytes - shell.length))}"}]`
}

/** A diagnostic event `bytes` long, padded to fit. */
export const paddedDiagnostic = (bytes: number) => {
  const shell = '{"kind":"diagnostic","pad":""}'
  return `{"kind":"diagnostic","pad":"${'x'.repeat(Math.max(0, bytes - shell.length))}"}`
}

const analytics: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.array(event, { maxLength: 6 }).map((events) => `[${events.join(',')}]`) },
  { weight: 1, arbitrary: fc.constant(EVENTS_BODY) },
  { weight: 2, arbitrary: fc.constantFrom('{}', '{"kind":"identify"}', 'null', '"events"', '1', '[]', '', ' ', DIAGNOSTIC_BODY) },
  { weight: 1, arbitrary: jsonText(3) },
  { weight: 2, arbitrary: malformed(EVENTS_BODY) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 1_000, max: MAX_BODY + 2_000 }).map(paddedEvents) },
  { weight: 1, arbitrary: deepText },
)

const diagnostic: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(DIAGNOSTIC_BODY, '{"kind":"diagnostic-init","id":{}}', '{"kind":""}', '{"kind":5}', '{}', '[]', '[{"kind":"diagnostic"}]', 'null') },
  { weight: 2, arbitrary: stringText().map((kind) => `{"kind":${kind},"id":{"diagnosticId":"d"}}`) },
  { weight: 1, arbitrary: jsonText(3) },
  { weight: 2, arbitrary: malformed(DIAGNOSTIC_BODY) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 1_000, max: MAX_BODY + 2_000 }).map(paddedDiagnostic) },
)

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const validCounters = (counters: unknown) =>
  Array.isArray(counters) && counters.every((one) => isObject(one) && typeof one.count === 'number' && Number.isInteger(one.count) && one.count >= 0)

/** LaunchDarkly's analytics payload as src/launchdarkly/events.ts documents it. */
const validAnalytics = (body: unknown) =>
  Array.isArray(body) &&
  body.every(
    (one) =>
      isObject(one) &&
      typeof one.kind === 'string' &&
      one.kind !== '' &&
      (one.kind !== 'summary' || (isObject(one.features) && Object.values(one.features).every((flag) => isObject(flag) && validCounters(flag.counters)))),
  )

const validDiagnostic = (body: unknown) => isObject(body) && typeof body.kind === 'string' && body.kind !== ''

type Encoding = { header?: string; how: 'plain' | 'gzip' | 'garbage' | 'unsupported' }

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>({ how: 'plain' }) },
  { weight: 1, arbitrary: fc.constantFrom<Encoding>({ header: 'identity', how: 'plain' }, { header: 'IDENTITY', how: 'plain' }) },
  { weight: 4, arbitrary: fc.constantFrom<Encoding>({ header: 'gzip', how: 'gzip' }, { header: 'GZip', how: 'gzip' }) },
  // not gzip at all, though it says so
  { weight: 2, arbitrary: fc.constant<Encoding>({ header: 'gzip', how: 'garbage' }) },
  { weight: 1, arbitrary: fc.constantFrom('deflate', 'br', 'x-gzip', 'gzip, identity', 'compress', '*', 'zstd', 'gzip;q=1').map((header): Encoding => ({ header, how: 'unsupported' })) },
)

export const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer())

const CHUNK = 64 * 1024

/**
 * Gzip made as it is read, of `total` spaces: `inflated()` says how many were made, so a test
 * sees how far the service read. Nothing is made ahead of a read (highWaterMark 0).
 */
export const endlessGzip = (total: number) => {
  let inflated = 0
  const spaces = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (inflated >= total) return controller.close()
        inflated += CHUNK
        controller.enqueue(new Uint8Array(CHUNK).fill(0x20))
      },
    },
    { highWaterMark: 0 },
  )
  return { body: spaces.pipeThrough(new CompressionStream('gzip')), inflated: () => inflated }
}

/** Sends `sent` with a streamed body to the default export in this isolate, as `send` does. */
export const sendStreamed = async (sent: Sent, body: ReadableStream<Uint8Array>): Promise<Answer> => {
  const request = new Request(BASE + sent.path, { method: sent.method, headers: sent.headers, body }) as Request<unknown, IncomingRequestCfProperties>
  const response = await worker.fetch(request, env, createExecutionContext())
  return { status: response.status, headers: response.headers, text: await response.text(), webSocket: null }
}

type EventsVerdict = 'unsupported_encoding' | 'unsupported_media_type' | 'invalid_encoding' | 'too_large' | 'parse_error' | 'invalid_events' | 'accepted'

/** What the service must answer, in the order src/routes/launchdarkly/handlers.ts checks. */
const eventsVerdict = (text: string, kind: 'analytics' | 'diagnostic', how: Encoding['how'], isJson: boolean): EventsVerdict => {
  if (how === 'unsupported') return 'unsupported_encoding'
  if (!isJson) return 'unsupported_media_type'
  if (how === 'garbage') return 'invalid_encoding'
  if (encoder.encode(text).length > MAX_BODY) return 'too_large'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return 'parse_error'
  }
  return (kind === 'analytics' ? validAnalytics(parsed) : validDiagnostic(parsed)) ? 'accepted' : 'invalid_events'
}

const EXPECTED: Record<Exclude<EventsVerdict, 'accepted'>, [number, string, RegExp]> = {
  unsupported_encoding: [415, 'unsupported_encoding', /gzip/],
  unsupported_media_type: [415, 'unsupported_media_type', /application\/json/],
  invalid_encoding: [400, 'invalid_encoding', /gzip/],
  too_large: [413, 'payload_too_large', /65536 bytes/],
  parse_error: [400, 'parse_error', /JSON/],
  invalid_events: [400, 'invalid_events', /event|count|kind|array|summar/i],
}

// Where prototype pollution would land: Object.prototype, Object, and the methods every object inherits
// (Object is Object.prototype.constructor too: a Set keeps it once)
const POLLUTABLE: object[] = [
  ...new Set<object>([
    Object.prototype,
    Object,
    ...Object.getOwnPropertyNames(Object.prototype).flatMap((name) => {
      const value = Object.getOwnPropertyDescriptor(Object.prototype, name)?.value as unknown
      return typeof value === 'function' ? [value] : []
    }),
  ]),
]

const ownNames = () => POLLUTABLE.map((target) => new Set(Object.getOwnPropertyNames(target)))

/**
 * Watches the built-in objects a payload's keys could reach (`__proto__`, `constructor`): each
 * `check` records what appeared on them since the watch began, with `what` caused it, and takes
 * it away again, so one polluting case does not change how the rest run.
 */
export const pollutionWatch = () => {
  const baseline = ownNames()
  const found: string[] = []
  const check = (what: string) => {
    ownNames().forEach((names, i) => {
      for (const name of names) {
        if (baseline[i].has(name)) continue
        const target = POLLUTABLE[i] as Record<string, unknown>
        found.push(`${what}: ${i === 0 ? 'Object.prototype' : i === 1 ? 'Object' : `Object.prototype.${(target as { name?: string }).name}`}[${JSON.stringify(name)}] = ${JSON.stringify(target[name])}`)
        delete target[name]
      }
    })
  }
  return { found, check }
}

/** An events path with a random credential, payload, encoding and content type. */
export const sdkEventsCase = (seeded: Seeded, revoked: string): fc.Arbitrary<FuzzCase> =>
  routeWithCredential(seeded, revoked, EVENT_ROUTES).chain(({ route, credential }) =>
    fc
      .record({
        payload: fc.oneof(
          { weight: 6, arbitrary: route.events === 'analytics' ? analytics : diagnostic },
          { weight: 1, arbitrary: route.events === 'analytics' ? diagnostic : analytics },
        ),
        encoding,
        bomb: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: MAX_BODY + 1, max: 4_000_000 }) }),
        contentType: fc.oneof({ weight: 6, arbitrary: fc.constant(CONTENT_TYPES[0]) }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      })
      .map(({ payload, encoding: { header, how }, bomb, contentType: [type, isJson] }): FuzzCase => {
        // a bomb is gzip that inflates past the limit: only its size matters
        const text = bomb !== undefined && how === 'gzip' ? `[${' '.repeat(bomb - 2)}]` : payload
        const sent = sdkSent(route, { ...credential.parts, body: text, contentType: type ?? null, headers: { ...credential.parts.headers, ...(header ? { 'Content-Encoding': header } : {}) } })
        const verdict = eventsVerdict(text, route.events!, how, isJson)
        return {
          sent: { ...sent, body: bomb !== undefined && how === 'gzip' ? `gzip of ${bomb} bytes: [ spaces ]` : text },
          prepare: async (ready) => ({ ...ready, body: how === 'gzip' ? await gzip(encoder.encode(text)) : text }),
          check: (answer) => {
            if (refusedCredential(answer, credential)) return
            if (verdict === 'accepted') return void expect(answer.status, answer.text.slice(0, 300)).toBe(202)
            const [status, code, mentions] = EXPECTED[verdict]
            const error = expectApiError(answer, { status, code, mentions })
            if (verdict === 'invalid_events') expect(error.details[0]?.path).toMatch(/^body/)
          },
        }
      }),
  )
