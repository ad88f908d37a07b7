import fc from 'fast-check'
import { expect } from 'vitest'
import { VISIBLE, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { CONTENT_TYPES, deepText, hostileKey, hostileString, jsonText, longString, malformed, objectText, pathSegment, stringText } from './hostile'
import { refusedCredential, routeWithCredential } from './launchdarkly-credentials'
import { expectPublicState, flagsIn } from './launchdarkly-leaks'
import { base64urlOf, CLIENT_ROUTES, contextSegment, LD_USER, MOBILE_ROUTES, sdkSent, type SdkRoute } from './launchdarkly-routes'
import { expectApiError } from './shapes'
import type { Answer } from './worker'

/**
 * Contexts for LaunchDarkly's client-side paths (src/launchdarkly/context.ts): base64url JSON in
 * a GET path, or a REPORT body, on evalx and on the `/eval` streams, for client and mobile keys.
 */

const MAX_BODY = 64 * 1024
const MAX_ATTRIBUTES = 50
const MAX_KINDS = 16

/** What the documented checks make of a context: evaluated, refused as a context, or either. */
type Verdict = 'ok' | 'invalid' | undefined
type ContextInput = { json: string; verdict: Verdict }

const encoder = new TextEncoder()
const nonEmpty = hostileString.filter((text) => text !== '')

/** Contexts as LaunchDarkly's SDKs send them, every one valid: single-kind, multi-kind, legacy users. */
const validContext: fc.Arbitrary<ContextInput> = fc
  .oneof(
    fc.record({ kind: fc.constantFrom('user', 'org', 'device', 'a.b-c_d'), key: nonEmpty, name: hostileString, anonymous: fc.boolean() }),
    // a legacy user (no kind): any key that is not null, attributes beside it and under `custom`
    fc.record({ key: hostileString, country: hostileString, custom: fc.dictionary(hostileKey, hostileString, { maxKeys: 3 }) }),
    fc.record({ kind: fc.constant('multi'), user: fc.record({ key: nonEmpty, plan: fc.constantFrom('free', 'enterprise') }), org: fc.record({ key: nonEmpty }) }),
  )
  .map((context): ContextInput => ({ json: JSON.stringify(context), verdict: 'ok' }))

const INVALID = [
  ...['[]', 'null', '"user"', '1', 'true', '{}', '{"name":"no key"}', '{"key":null}'],
  ...['{"kind":"user"}', '{"kind":"user","key":""}', '{"kind":"user","key":5}', '{"kind":"org","key":{}}', '{"kind":"user","key":null}'],
  ...['{"kind":"multi"}', '{"kind":"multi","user":"x"}', '{"kind":"multi","user":{"key":""}}', '{"kind":"multi","user":{"name":"no key"}}'],
  ...['{"kind":"kind","key":"a"}', '{"kind":"a b","key":"a"}', '{"kind":5,"key":"a"}', '{"kind":"","key":"a"}', '{"kind":"multi","a b":{"key":"a"}}'],
]

/** Contexts at and past the limits (50 attributes counted through nesting, 16 kinds), and deep ones. */
const limitContext: fc.Arbitrary<ContextInput> = fc.oneof(
  fc.integer({ min: 40, max: 80 }).map((n): ContextInput => ({
    json: objectText([['key', '"u"'], ...Array.from({ length: n }, (_, i): [string, string] => [`a${i}`, '1'])]),
    verdict: n + 1 > MAX_ATTRIBUTES ? 'invalid' : 'ok',
  })),
  fc.integer({ min: 10, max: 24 }).map((n): ContextInput => ({
    json: objectText([['kind', '"multi"'], ...Array.from({ length: n }, (_, i): [string, string] => [`k${i}`, '{"key":"x"}'])]),
    verdict: n > MAX_KINDS ? 'invalid' : 'ok',
  })),
  // `n` holds `depth` nested arrays: the key, `n` and each array inside it count
  fc.integer({ min: 1, max: 100 }).map((depth): ContextInput => ({
    json: `{"key":"u","n":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    verdict: depth + 1 > MAX_ATTRIBUTES ? 'invalid' : 'ok',
  })),
  deepText.map((deep): ContextInput => ({ json: `{"key":"u","nested":${deep}}`, verdict: 'invalid' })),
  longString.map((text): ContextInput => ({ json: JSON.stringify({ kind: 'user', key: 'u', name: text }), verdict: 'ok' })),
)

const attribute: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('key'), fc.oneof({ weight: 4, arbitrary: stringText() }, { weight: 1, arbitrary: jsonText(1) })) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('kind'), fc.oneof(stringText(fc.constantFrom('user', 'multi', 'org', '', 'kind', '__proto__', 'a:b', 'x'.repeat(300))), jsonText(1))) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('name', 'email', 'anonymous', 'custom', '_meta', 'privateAttributes', 'privateAttributeNames'), jsonText(2)) },
  { weight: 3, arbitrary: fc.tuple(hostileKey, jsonText(2)) },
)

const singleContext = fc.array(attribute, { maxLength: 8 }).map(objectText)

/** Contexts of every shape, valid or not: the service decides. */
const anyContext: fc.Arbitrary<ContextInput> = fc
  .oneof(
    { weight: 4, arbitrary: singleContext },
    { weight: 2, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom('user', 'org'), hostileKey), singleContext), { maxLength: 4 }).map((parts) => objectText([['kind', '"multi"'], ...parts])) },
    { weight: 1, arbitrary: jsonText(3) },
  )
  .map((json): ContextInput => ({ json, verdict: undefined }))

const contextInput: fc.Arbitrary<ContextInput> = fc.oneof(
  { weight: 4, arbitrary: validContext },
  { weight: 2, arbitrary: fc.constantFrom(...INVALID).map((json): ContextInput => ({ json, verdict: 'invalid' })) },
  { weight: 2, arbitrary: limitContext },
  { weight: 4, arbitrary: anyContext },
)

type PathInput = { segment: string; verdict: Verdict | 'large' }

/** Path segments that are not base64url JSON at all: every one is an invalid context. */
const BAD_SEGMENTS = [
  ...['!!!!', '%%%', 'a', '====', '*', 'eyJrZXki', '%E0%A4%A', '%00', '%2F', 'x'.repeat(3_000)],
  ...[encoder.encode('hello'), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), encoder.encode('{"key":"a"'), encoder.encode('\ufeff')].map(base64urlOf),
]

const pathInput: fc.Arbitrary<PathInput> = fc.oneof(
  { weight: 8, arbitrary: contextInput.map(({ json, verdict }) => ({ segment: contextSegment(json), verdict })) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_SEGMENTS).map((segment): PathInput => ({ segment, verdict: 'invalid' })) },
  // hostile text as the segment: not base64url of a context, short of a miracle
  { weight: 1, arbitrary: pathSegment.filter((segment) => !/^(\.|%2e){0,2}$/i.test(segment)).map((segment): PathInput => ({ segment, verdict: undefined })) },
  // a context past 64 KiB has no documented limit in a path (a REPORT body has: 413)
  { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 150_000 }).map((n) => ({ segment: contextSegment(JSON.stringify({ key: 'u', name: 'x'.repeat(n) })), verdict: 'large' as const })) },
)

type ReportInput = { body: string | Uint8Array; verdict: Verdict }

/** A context of exactly `bytes` bytes: its key padded to fit. */
export const paddedContext = (bytes: number) => `{"key":"${'x'.repeat(Math.max(0, bytes - '{"key":""}'.length))}"}`

const reportInput: fc.Arbitrary<ReportInput> = fc.oneof(
  { weight: 10, arbitrary: contextInput.map(({ json, verdict }) => ({ body: json, verdict })) },
  { weight: 3, arbitrary: contextInput.chain(({ json }) => malformed(json)).map((body): ReportInput => ({ body, verdict: undefined })) },
  { weight: 1, arbitrary: fc.constantFrom<ReportInput>({ body: '', verdict: undefined }, { body: ' ', verdict: undefined }, { body: `\ufeff${LD_USER}`, verdict: 'ok' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80]), fc.boolean())
      .map(([bad, inKey]): ReportInput => {
        const [before, after] = inKey ? ['{"kind":"user","key":"', '"}'] : ['{"kind":"user","key":', '}']
        return { body: new Uint8Array([...encoder.encode(before), ...bad, ...encoder.encode(after)]), verdict: inKey ? 'ok' : undefined }
      }),
  },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 2_000, max: MAX_BODY + 3_000 }).map((bytes): ReportInput => ({ body: paddedContext(bytes), verdict: 'ok' })) },
  { weight: 1, arbitrary: deepText.map((body): ReportInput => ({ body, verdict: 'invalid' })) },
)

/** What the service must make of a REPORT body, in the order it checks: size, then JSON, then the context. */
const reportVerdict = ({ body, verdict }: ReportInput): Verdict | 'too_large' | 'parse_error' => {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body
  if (bytes.length > MAX_BODY) return 'too_large'
  try {
    JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return 'parse_error'
  }
  return verdict
}

/** Query strings joined: `?a` and `?b` make `?a&b`. */
export const joinQueries = (...queries: (string | undefined)[]) => {
  const joined = queries.filter((query) => query).map((query) => query!.slice(1)).join('&')
  return joined === '' ? '' : `?${joined}`
}

const QUERIES = ['', '?withReasons=true', '?withReasons=false', '?withReasons=1', '?withReasons=true&x=%00']

/** evalx's answer or the stream's put: exactly the flags the key may see, in LaunchDarkly's shape. */
const expectFlags = (answer: Answer, route: SdkRoute, withReasons: boolean) => {
  expect(answer.status, answer.text.slice(0, 300)).toBe(200)
  const flags = flagsIn({ text: answer.text, stream: route.stream === true })
  expect(Object.keys(flags).sort()).toEqual([...VISIBLE[route.owner]].sort())
  for (const [key, state] of Object.entries(flags)) {
    expectPublicState(key, state)
    expect(state).toMatchObject({ version: expect.any(Number), flagVersion: expect.any(Number) })
    expect('reason' in state, `${key}: ${JSON.stringify(state)}`).toBe(withReasons)
  }
}

export const CONTEXT_ROUTES = [...CLIENT_ROUTES, ...MOBILE_ROUTES].filter((route) => route.context !== undefined)

/** A client-side context route with a random credential, context, query and content type. */
export const sdkContextCase = (seeded: Seeded, revoked: string, routes: SdkRoute[] = CONTEXT_ROUTES): fc.Arbitrary<FuzzCase> =>
  routeWithCredential(seeded, revoked, routes).chain(({ route, credential }) =>
    fc
      .record({
        path: pathInput,
        report: reportInput,
        query: fc.constantFrom(...QUERIES),
        contentType: fc.oneof({ weight: 6, arbitrary: fc.constant(CONTENT_TYPES[0]) }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      })
      .map(({ path, report, query, contentType: [type, isJson] }): FuzzCase => {
        const inPath = route.context === 'path'
        const parts = inPath ? { segment: path.segment } : { body: report.body, contentType: type ?? null }
        const sent = sdkSent(route, { ...credential.parts, ...parts, query: joinQueries(credential.parts.query, query) })
        // sdkSent puts a REPORT body from `context`; a hostile body goes as it is
        if (!inPath) sent.body = report.body
        const verdict = inPath ? path.verdict : reportVerdict(report)
        return {
          sent,
          check: (answer) => {
            if (refusedCredential(answer, credential)) return
            // a context in the path is bounded like a REPORT body: 64 KiB, base64url-encoded
            const segment = sent.path.split('?')[0].split('/').pop() ?? ''
            if (inPath && segment.length > Math.ceil((64 * 1024 * 4) / 3)) {
              return void expectApiError(answer, { status: 414, code: 'uri_too_long', mentions: /64 KiB/ })
            }
            if (!inPath && !isJson) return void expectApiError(answer, { status: 415, code: 'unsupported_media_type', mentions: /application\/json/ })
            if (verdict === 'too_large') return void expectApiError(answer, { status: 413, code: 'payload_too_large', mentions: /65536 bytes/ })
            if (verdict === 'parse_error') return void expectApiError(answer, { status: 400, code: 'parse_error', mentions: /JSON/ })
            if (verdict === 'invalid') return void expectApiError(answer, { status: 400, code: 'invalid_context', mentions: /context/i })
            if (answer.status >= 400 && verdict === undefined) return void expectApiError(answer, { status: 400, code: 'invalid_context' })
            if (answer.status >= 400 && verdict === 'large') {
              expectApiError(answer)
              return void expect([400, 413, 414]).toContain(answer.status)
            }
            expectFlags(answer, route, new URLSearchParams(query).get('withReasons') === 'true')
          },
        }
      }),
  )
