import fc from 'fast-check'
import { expect } from 'vitest'
import type { KeyKind } from '../../../src/model/api-key'
import { ADMIN_TOKEN, VISIBLE, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { base64url, headerText, hostileKey, hostileString } from './hostile'
import { contextText, credential } from './ofrep-cases'
import { expectApiError } from './shapes'
import { settleSocket, type Answer } from './worker'

const encoder = new TextEncoder()
const kinds = fc.constantFrom<KeyKind>('client', 'mobile', 'server')

type KeyParameter = { value: string | undefined; kind?: KeyKind }

/** `?key=` values: the three kinds, and everything that is not a key. */
const keyParameter = (seeded: Seeded, revoked: string): fc.Arbitrary<KeyParameter> =>
  fc.oneof(
    { weight: 6, arbitrary: kinds.map((kind) => ({ value: seeded.keys[kind], kind })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<KeyParameter>(...[undefined, '', 'unknown-key', revoked, ADMIN_TOKEN, '__proto__'].map((value) => ({ value }))),
    },
    { weight: 1, arbitrary: hostileString.map((value) => ({ value })) },
  )

/** A context OFREP accepts: safe keys, string values. */
const validContext = fc
  .record({ targetingKey: hostileString, country: hostileString, plan: fc.constantFrom('free', 'enterprise') }, { requiredKeys: ['country'] })
  .map((context) => JSON.stringify(context))

type ContextParameter = { value: string | undefined; valid: boolean | undefined }

/** `?context=` values: base64url JSON (valid or random contexts), and what does not decode. */
const contextParameter: fc.Arbitrary<ContextParameter> = fc.oneof(
  { weight: 4, arbitrary: validContext.map((json) => ({ value: base64url(encoder.encode(json)), valid: true })) },
  { weight: 3, arbitrary: contextText.map((text) => ({ value: base64url(encoder.encode(text)), valid: undefined })) },
  { weight: 1, arbitrary: fc.constantFrom<ContextParameter>({ value: undefined, valid: true }, { value: '', valid: true }) },
  // standard base64 (+, / and padding) decodes too, unless a + was read as a space
  { weight: 1, arbitrary: validContext.map((json) => ({ value: btoa(String.fromCharCode(...encoder.encode(json))), valid: undefined })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<ContextParameter>(
      { value: '!!!!', valid: false },
      { value: '%%%', valid: false },
      { value: 'a', valid: false },
      { value: '====', valid: false },
      { value: base64url(encoder.encode('hello')), valid: false },
      { value: base64url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), valid: false },
      { value: base64url(encoder.encode('[1,2]')), valid: false },
      { value: base64url(encoder.encode('null')), valid: false },
      { value: base64url(encoder.encode('"context"')), valid: false },
      { value: base64url(encoder.encode('{"targetingKey":5}')), valid: false },
      { value: base64url(encoder.encode(JSON.stringify(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${i}`, i]))))), valid: false },
      { value: base64url(encoder.encode(`{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)), valid: false },
    ),
  },
  { weight: 1, arbitrary: hostileString.map((value) => ({ value, valid: undefined })) },
)

const extraParameters = fc.array(fc.tuple(hostileKey, hostileString), { maxLength: 2 })

const query = (entries: [string, string | undefined][]) => {
  const parameters = new URLSearchParams()
  for (const [name, value] of entries) if (value !== undefined) parameters.append(name, value)
  const text = parameters.toString()
  return text === '' ? '' : `?${text}`
}

const method = fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH') })

const expectRefused = async (answer: Answer, code: 4401 | 4400) => {
  expect(answer.status).toBe(101)
  const outcome = await settleSocket(answer.webSocket!)
  expect(outcome.close?.code, JSON.stringify(outcome)).toBe(code)
  expect(outcome.close?.reason).toMatch(/\S/)
  expect(outcome.messages).toEqual([{ type: 'error', code: code === 4401 ? 'unauthorized' : 'invalid_context', message: expect.stringMatching(/\S/) }])
}

/** `GET /v1/stream` with random keys, contexts, Upgrade headers and methods. */
export const streamCase = (seeded: Seeded, revoked: string): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      key: keyParameter(seeded, revoked),
      context: contextParameter,
      upgrade: fc.oneof(
        { weight: 8, arbitrary: fc.constant('websocket') },
        { weight: 1, arbitrary: fc.constantFrom('WebSocket', 'WEBSOCKET') },
        { weight: 1, arbitrary: fc.constantFrom(undefined, 'h2c', '') },
      ),
      method,
      extra: extraParameters,
    })
    .map(({ key, context, upgrade, method: verb, extra }): FuzzCase => ({
      sent: {
        method: verb,
        path: `/v1/stream${query([['key', key.value], ['context', context.value], ...extra])}`,
        headers: upgrade === undefined ? {} : { Upgrade: upgrade } as Record<string, string>,
      },
      check: async (answer: Answer) => {
        if (verb !== 'GET') return void expectApiError(answer, { status: 404, code: 'not_found' })
        if (upgrade?.toLowerCase() !== 'websocket') return void expectApiError(answer, { status: 426, code: 'upgrade_required', mentions: /WebSocket/ })
        if (key.kind === undefined) return expectRefused(answer, 4401)
        if (context.valid === false) return expectRefused(answer, 4400)
        expect(answer.status).toBe(101)
        const outcome = await settleSocket(answer.webSocket!)
        if (context.valid === undefined && outcome.messages[0]?.type === 'error') return expectRefusedOutcome(outcome)
        expect(outcome.messages[0], JSON.stringify(outcome)).toMatchObject({ type: 'put', version: expect.any(Number), flags: expect.any(Object) })
        for (const flag of Object.keys(outcome.messages[0].flags!)) expect(VISIBLE[key.kind]).toContain(flag)
      },
    }))

const expectRefusedOutcome = (outcome: Awaited<ReturnType<typeof settleSocket>>) => {
  expect(outcome.close?.code).toBe(4400)
  expect(outcome.close?.reason).toMatch(/\S/)
  expect(outcome.messages).toEqual([{ type: 'error', code: 'invalid_context', message: expect.stringMatching(/\S/) }])
}

/** `GET /v1/sse` with random keys and methods; a valid key gets the stream's first chunk. */
export const sseCase = (seeded: Seeded, revoked: string): fc.Arbitrary<FuzzCase> =>
  fc.record({ key: keyParameter(seeded, revoked), method, extra: extraParameters, upgrade: fc.boolean() }).map(({ key, method: verb, extra, upgrade }): FuzzCase => ({
    sent: { method: verb, path: `/v1/sse${query([['key', key.value], ...extra])}`, headers: upgrade ? { Upgrade: 'websocket' } : {} as Record<string, string> },
    check: (answer: Answer) => {
      if (verb !== 'GET') return void expectApiError(answer, { status: 404, code: 'not_found' })
      if (key.kind === undefined) return void expectApiError(answer, { status: 401, code: 'unknown_key', mentions: /key/ })
      expect(answer.status).toBe(200)
      expect(answer.headers.get('Content-Type')).toBe('text/event-stream')
      expect(answer.text).toContain(': connected')
    },
  }))

// RFC 9110 section 13.1.2: a list of entity tags or *, compared weakly
const matchesEtag = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag)

/** `GET /v1/ruleset` with random keys, methods, If-None-Match and query strings. */
export const rulesetCase = (seeded: Seeded, etag: string): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      credential: credential(seeded),
      method,
      ifNoneMatch: fc.option(fc.oneof(fc.constantFrom('*', etag, `W/${etag}`, `"x", ${etag}`, '"ruleset-0"'), headerText), { nil: undefined }),
      extra: extraParameters,
    })
    .map(({ credential: { headers, kind }, method: verb, ifNoneMatch, extra }) => ({
      sent: {
        method: verb,
        path: `/v1/ruleset${query(extra)}`,
        headers: { ...headers, ...(ifNoneMatch === undefined ? {} : { 'If-None-Match': ifNoneMatch }) },
        body: verb === 'GET' ? undefined : '{}',
      },
      check: (answer: Answer) => {
        if (verb !== 'GET') return void expectApiError(answer, { status: 404, code: 'not_found' })
        if (kind === undefined) return void expectApiError(answer, { status: 401, code: /^(missing|unknown)_key$/, mentions: /key/i })
        if (kind !== 'server') return void expectApiError(answer, { status: 403, code: 'forbidden', mentions: new RegExp(kind) })
        if (matchesEtag(ifNoneMatch?.trim(), etag)) return void expect(answer.status).toBe(304)
        expect(answer.status).toBe(200)
        expect(Object.keys(JSON.parse(answer.text))).toEqual(['version', 'flags', 'segments'])
      },
    }))
