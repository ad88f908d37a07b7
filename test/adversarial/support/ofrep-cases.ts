import fc from 'fast-check'
import { expect } from 'vitest'
import type { KeyKind } from '../../../src/model/api-key'
import { VISIBLE, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import {
  CONTENT_TYPES,
  deepText,
  headerText,
  hostileKey,
  hostileString,
  invalidUtf8,
  jsonText,
  longString,
  malformed,
  objectText,
  pathSegment,
  percentEncode,
  stringText,
} from './hostile'
import { expectApiError, expectOfrepError } from './shapes'
import { BASE, type Answer } from './worker'

const MAX_BODY = 64 * 1024

const attribute: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('targetingKey'), fc.oneof({ weight: 4, arbitrary: stringText() }, { weight: 1, arbitrary: jsonText(1) })) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constant('kind'),
      fc.oneof(stringText(fc.constantFrom('user', 'multi', 'org', 'service', '', 'kind', '__proto__', 'a:b', 'x'.repeat(300))), jsonText(1)),
    ),
  },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('email', 'name', 'country', 'plan', 'anonymous', 'key', '_meta', 'privateAttributes'), jsonText(2)) },
  { weight: 3, arbitrary: fc.tuple(hostileKey, jsonText(2)) },
  { weight: 1, arbitrary: fc.tuple(hostileKey, longString.map((text) => JSON.stringify(text))) },
)

const singleContext = fc.array(attribute, { maxLength: 8 }).map(objectText)

const multiContext = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('user', 'org', 'device'), hostileKey), singleContext), { maxLength: 4 })
  .map((parts) => objectText([['kind', '"multi"'], ...parts]))

/** Contexts of every shape: plain, multi-kind, past the attribute and kind limits, not objects. */
export const contextText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: singleContext },
  { weight: 2, arbitrary: multiContext },
  { weight: 1, arbitrary: fc.integer({ min: 40, max: 80 }).map((n) => objectText(Array.from({ length: n }, (_, i) => [`a${i}`, '1']))) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 10, max: 24 })
      .map((n) => objectText([['kind', '"multi"'], ...Array.from({ length: n }, (_, i): [string, string] => [`k${i}`, '{"targetingKey":"x"}'])])),
  },
  { weight: 1, arbitrary: deepText.map((deep) => `{"targetingKey":"u","nested":${deep}}`) },
  { weight: 1, arbitrary: jsonText(3) },
)

/** A body of exactly `bytes` bytes: a context whose key is padded to fit. */
export const paddedBody = (bytes: number) => {
  const shell = '{"context":{"targetingKey":""}}'
  return `{"context":{"targetingKey":"${'x'.repeat(Math.max(0, bytes - shell.length))}"}}`
}

/** OFREP request bodies: mostly contexts, then malformed, deep, invalid UTF-8 and oversized ones. */
export const ofrepBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 12, arbitrary: contextText.map((context) => `{"context":${context}}`) },
  { weight: 1, arbitrary: fc.tuple(contextText, hostileKey, jsonText(2)).map(([context, key, value]) => objectText([['context', context], [key, value]])) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '{}', '\n\t', '\ufeff{}', 'null', '[]', '"context"', '0', '{"context":null}', '{"context":[]}', '{"__proto__":{"context":1}}'),
  },
  { weight: 2, arbitrary: jsonText(3) },
  { weight: 1, arbitrary: jsonText(3).map((value) => `{"context":${value}}`) },
  { weight: 4, arbitrary: contextText.chain((context) => malformed(`{"context":${context}}`)) },
  { weight: 1, arbitrary: deepText },
  { weight: 1, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY - 2_000, max: MAX_BODY }).map(paddedBody) },
  { weight: 1, arbitrary: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY + 3_000 }).map(paddedBody) },
)

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)

/** What the documented checks make of a body before any evaluation. */
export const bodyVerdict = (body: string | Uint8Array): 'too_large' | 'parse_error' | 'invalid_context' | 'evaluate' => {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  if (bytes.length > MAX_BODY) return 'too_large'
  const text = new TextDecoder().decode(bytes)
  if (text.trim() === '') return 'evaluate'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return 'parse_error'
  }
  if (!isObject(parsed)) return 'invalid_context'
  const { context } = parsed as { context?: unknown }
  if (Object.hasOwn(parsed as object, 'context') && !isObject(context)) return 'invalid_context'
  return 'evaluate'
}

const FLAG_KEYS = [...VISIBLE.server, 'nope', '__proto__', 'constructor', 'prototype', 'a%2Fb', '%F0%9F%99%82', 'x'.repeat(300)]

// Not "", "." or "..": URL normalisation would take those out of the OFREP route (see the path test)
const flagSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FLAG_KEYS) },
  { weight: 1, arbitrary: hostileString.map(percentEncode).map((segment) => (/^\.{0,2}$/.test(segment) ? `x${segment}` : segment)) },
)

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const checkBulk = (answer: Answer, kind: KeyKind) => {
  expect(answer.status, answer.text.slice(0, 300)).toBe(200)
  const body = JSON.parse(answer.text) as { flags: Record<string, unknown>[]; metadata: { version: unknown }; eventStreams: unknown[] }
  expect(body.metadata.version).toEqual(expect.any(Number))
  expect(body.eventStreams).toEqual([{ type: 'sse', url: expect.stringContaining('/v1/sse?key=') }])
  for (const flag of body.flags) {
    expect(VISIBLE[kind]).toContain(flag.key)
    if ('errorCode' in flag) expect(flag).toEqual({ key: flag.key, errorCode: expect.any(String), errorDetails: expect.stringMatching(/\S/) })
    else expectSuccess(flag, flag.key as string, kind)
  }
}

// README: metadata names rules and prerequisites (ruleId, ruleIndex, prerequisiteKey) to server keys only
const PUBLIC_METADATA = ['flagVersion', 'ldReason', 'inExperiment']

const expectSuccess = (answer: Record<string, unknown>, key: string | undefined, kind: KeyKind) => {
  expect(answer).toEqual({ key, value: answer.value, reason: expect.any(String), variant: expect.any(String), metadata: expect.any(Object) })
  if (kind === 'server') return
  for (const field of Object.keys(answer.metadata as object)) expect(PUBLIC_METADATA).toContain(field)
}

/** OFREP evaluation, bulk or single, with a random body and a valid (or missing) key. */
export const ofrepBodyCase = (seeded: Seeded, route: 'bulk' | 'single'): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      kind: fc.constantFrom<KeyKind>('client', 'mobile', 'server'),
      flag: flagSegment,
      body: ofrepBody,
    })
    .map(({ kind, flag, body }) => ({
      sent: {
        method: 'POST',
        path: `/ofrep/v1/evaluate/flags${route === 'bulk' ? '' : `/${flag}`}`,
        headers: { Authorization: `Bearer ${seeded.keys[kind]}`, 'Content-Type': 'application/json' },
        body,
      },
      check: (answer) => {
        const key = route === 'single' ? decoded(flag) : undefined
        const verdict = bodyVerdict(body)
        if (verdict === 'too_large') return void expectOfrepError(answer, { status: 413, key, mentions: /65536 bytes/ })
        if (verdict === 'parse_error') return void expectOfrepError(answer, { status: 400, errorCode: 'PARSE_ERROR', key, mentions: /JSON/ })
        if (verdict === 'invalid_context') return void expectOfrepError(answer, { status: 400, errorCode: 'INVALID_CONTEXT', key })
        if (answer.status >= 400) {
          const codes = route === 'bulk' ? /^INVALID_CONTEXT$/ : /^(INVALID_CONTEXT|TARGETING_KEY_MISSING|FLAG_NOT_FOUND|GENERAL)$/
          const error = expectOfrepError(answer, { errorCode: codes, key })
          expect(answer.status).toBe(error.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400)
          return
        }
        if (route === 'bulk') return checkBulk(answer, kind)
        expect(answer.status).toBe(200)
        expectSuccess(JSON.parse(answer.text) as Record<string, unknown>, key, kind)
        expect(VISIBLE[kind]).toContain(key)
      },
    }))

type Credential = { headers: Record<string, string>; kind?: KeyKind }

/** Ways to send (or fail to send) a key: only the documented ones name a key kind. */
export const credential = (seeded: Seeded): fc.Arbitrary<Credential> => {
  const kinds = fc.constantFrom<KeyKind>('client', 'mobile', 'server')
  return fc.oneof(
    kinds.map((kind) => ({ kind, headers: { Authorization: `Bearer ${seeded.keys[kind]}` } })),
    kinds.map((kind) => ({ kind, headers: { Authorization: `bearer    ${seeded.keys[kind]}  ` } })),
    kinds.map((kind) => ({ kind, headers: { 'X-API-Key': seeded.keys[kind] } })),
    kinds.map((kind) => ({ kind, headers: { Authorization: `Bearer ${seeded.keys[kind]}`, 'X-API-Key': 'some-other-key' } })),
    kinds.map((kind) => ({ headers: { Authorization: `Basic ${btoa(`${seeded.keys[kind]}:`)}` } })),
    kinds.map((kind) => ({ headers: { Authorization: seeded.keys[kind] } })),
    kinds.map((kind) => ({ headers: { Authorization: `Bearer ${seeded.keys[kind]}x` } })),
    fc.constantFrom<Credential>(
      { headers: {} },
      { headers: { Authorization: 'Bearer' } },
      { headers: { Authorization: '' } },
      { headers: { 'X-API-Key': '' } },
      { headers: { Authorization: 'Bearer test-admin-token' } },
      { headers: { Authorization: 'Bearer __proto__' } },
      { headers: { 'X-API-Key': 'constructor' } },
    ),
    headerText.map((text) => ({ headers: { Authorization: text } })),
    headerText.map((text) => ({ headers: { Authorization: `Bearer ${text}` } })),
  )
}

const method = fc.oneof({ weight: 4, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') })

/** OFREP with random keys, methods, content types and If-None-Match; a simple valid body. */
export const ofrepTransportCase = (seeded: Seeded, etags: string[]): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      credential: credential(seeded),
      method,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      single: fc.boolean(),
      ifNoneMatch: fc.option(fc.oneof(fc.constantFrom('*', ...etags, etags.map((tag) => `W/${tag}`).join(', ')), headerText), { nil: undefined }),
    })
    .map(({ credential: { headers, kind }, method: verb, contentType: [type, isJson], single, ifNoneMatch }) => {
      const path = `/ofrep/v1/evaluate/flags${single ? '/dark-theme' : ''}`
      const all = { ...headers, ...(type === undefined ? {} : { 'Content-Type': type }), ...(ifNoneMatch === undefined ? {} : { 'If-None-Match': ifNoneMatch }) }
      return {
        sent: { method: verb, path, headers: all, body: verb === 'GET' ? undefined : '{"context":{"targetingKey":"u-1"}}' },
        check: (answer: Answer) => {
          const key = single ? 'dark-theme' : undefined
          if (kind === undefined) return void expectOfrepError(answer, { status: 401, key, mentions: /key/i })
          if (!isJson) return void expectOfrepError(answer, { status: 415, key, mentions: /Content-Type: application\/json/ })
          // Every error under /ofrep carries errorCode (README, "OFREP, as OpenFeature's clients need it")
          if (verb !== 'POST') return void expectOfrepError(answer, { key })
          expect([200, 304]).toContain(answer.status)
          if (answer.status === 304) expect(ifNoneMatch).toBeDefined()
        },
      }
    })

/** Paths around the OFREP routes that match none of them. */
export const ofrepPathCase = (seeded: Seeded): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      path: fc.oneof(
        fc.constantFrom('/ofrep/v1/evaluate/flags/', '/ofrep/v1/evaluate', '/ofrep/v1/flags', '/ofrep/v1', '/ofrep/v1/evaluate/flags/a/b', '/ofrep/v1/evaluate/flags/a/'),
        pathSegment.map((segment) => `/ofrep/v1/${segment}`),
        pathSegment.map((segment) => `/ofrep/v1/evaluate/flags/x/${segment}`),
      ),
      kind: fc.constantFrom<KeyKind>('client', 'server'),
    })
    .map(({ path, kind }) => ({
      sent: { method: 'POST', path, headers: { Authorization: `Bearer ${seeded.keys[kind]}`, 'Content-Type': 'application/json' }, body: '{}' },
      check: (answer: Answer) => {
        expect(answer.status).toBe(404)
        // Every error under /ofrep/v1 carries errorCode, so OFREP clients can read it; the
        // URL parser may have resolved dot segments out of it
        const resolved = new URL(path, BASE).pathname
        if (resolved === '/ofrep/v1' || resolved.startsWith('/ofrep/v1/')) expectOfrepError(answer)
        else expectApiError(answer)
      },
    }))

