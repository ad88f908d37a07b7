import fc from 'fast-check'
import { expect } from 'vitest'
import { OPERATORS } from '../../../src/model/clause'
import { ENVIRONMENT_NAME } from '../../../src/model/webhook'
import { signBody } from '../../../src/webhook/signature'
import { webhookRequest, WEBHOOK_SECRET, type Seeded } from './environments'
import type { FuzzCase } from './fuzz'
import { CONTENT_TYPES, deepText, headerText, hostileKey, hostileString, jsonText, longString, malformed, numberText, objectText, stringText } from './hostile'
import { expectApiError } from './shapes'
import { send, type Answer, type Sent } from './worker'

const array = (item: fc.Arbitrary<string>, maxLength = 3) => fc.array(item, { maxLength }).map((items) => `[${items.join(',')}]`)
const bool = fc.constantFrom('true', 'false')
const entriesOf = (entries: ([string, string] | undefined)[]) => entries.filter((entry) => entry !== undefined) as [string, string][]

// The patterns the heuristic refuses, the ones it lets through, and ones that do not compile
const PATTERNS = ['^a', '@edgeflags\\.dev$', '(a+)+$', '(a|aa)+$', '(\\w|\\d)+$', '\\w*\\w*x', '(', '[z-a]', '(?<n>a)\\k<m>', 'a{2,1}', 'x'.repeat(600)]
const SAFE_PATTERNS = ['^a', '@edgeflags\\.dev$', '[0-9]{3}']

/**
 * Flags and segments in LaunchDarkly's JSON. Careful ones are mostly valid (so changes are
 * accepted and the Hub moves on); hostile ones replace fields with anything at all.
 */
const itemGenerators = (hostile: boolean) => {
  const pick = <T>(careful: fc.Arbitrary<T>, wild: fc.Arbitrary<T>, odds = 6) =>
    hostile ? fc.oneof({ weight: odds, arbitrary: careful }, { weight: 1, arbitrary: wild }) : careful
  /** A valid field, now and then replaced by anything at all or left out when hostile. */
  const field = (name: string, valid: fc.Arbitrary<string>): fc.Arbitrary<[string, string] | undefined> =>
    pick(
      valid.map((value): [string, string] => [name, value]),
      fc.oneof(jsonText(2).map((value): [string, string] => [name, value]), fc.constant(undefined)),
      7,
    )
  const index = pick(fc.integer({ min: 0, max: 1 }).map(String), fc.oneof(fc.integer({ min: -1, max: 4 }).map(String), numberText))
  const weight = pick(fc.constant('50000'), fc.oneof(fc.constantFrom('100000', '0', '50001'), numberText), 3)
  const clause = fc
    .tuple(
      field('attribute', stringText(pick(fc.constantFrom('email', 'key', 'country', '/address/city'), fc.constantFrom('/a~2', '', '/', '_meta', 'kind')))),
      field('op', stringText(pick(fc.constantFrom(...OPERATORS.filter((op) => op !== 'segmentMatch')), fc.constantFrom('segmentMatch', 'nope', '__proto__', 'IN')))),
      field(
        'values',
        array(pick(stringText(fc.constantFrom(...SAFE_PATTERNS, 'no', 'beta')), fc.oneof(stringText(fc.constantFrom(...PATTERNS, 'seg-a', 'missing')), jsonText(1)))),
      ),
      field('negate', bool),
      fc.option(field('contextKind', stringText(pick(fc.constant('user'), fc.constantFrom('org', 'multi', 'kind', '')))), { nil: undefined }),
    )
    .map((entries) => objectText(entriesOf(entries)))
  const rollout = fc
    .tuple(
      pick(
        fc.tuple(weight, weight).map(([a, b]) => `[{"variation":0,"weight":${a}},{"variation":1,"weight":${b}}]`),
        array(fc.tuple(index, weight).map(([variation, w]) => `{"variation":${variation},"weight":${w}}`), 3),
      ),
      fc.option(stringText(pick(fc.constantFrom('key', 'email'), fc.constantFrom('/a/b', ''))), { nil: undefined }),
      fc.option(pick(fc.integer().map(String), numberText), { nil: undefined }),
    )
    .map(([variations, bucketBy, seed]) =>
      objectText(entriesOf([['variations', variations], bucketBy === undefined ? undefined : ['bucketBy', bucketBy], seed === undefined ? undefined : ['seed', seed]])),
    )
  const serve = fc.oneof(
    { weight: 3, arbitrary: index.map((variation) => `{"variation":${variation}}`) },
    { weight: 1, arbitrary: rollout.map((r) => `{"rollout":${r}}`) },
    ...(hostile ? [{ weight: 1, arbitrary: fc.constant('{}') }] : []),
  )
  const rule = fc
    .tuple(stringText(fc.constantFrom('r1', 'payments-debugging', '', '__proto__')), array(clause, 2), serve)
    .map(([id, clauses, served]) => `{"id":${id},"clauses":${clauses},${served.slice(1, -1) || '"x":1'}}`)
  const extra = hostile
    ? fc.oneof(
        { weight: 6, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 2, arbitrary: fc.tuple(hostileKey, jsonText(2)).map((entry) => [entry]) },
        { weight: 1, arbitrary: fc.tuple(hostileKey, longString.map((text) => JSON.stringify(text))).map((entry) => [entry]) },
        // nesting deeper than the stack, where LaunchDarkly's JSON would never have it
        { weight: 1, arbitrary: deepText.map((deep): [string, string][] => [['_nested', deep]]) },
      )
    : fc.constant([] as [string, string][])
  const withExtra = (entries: ([string, string] | undefined)[]) => extra.map((more) => objectText([...entriesOf(entries), ...more]))

  /** A flag: valid fields, now and then replaced by hostile ones. */
  const flag = (key: string) =>
    fc
      .tuple(
        field('key', fc.constant(JSON.stringify(key))),
        field('on', bool),
        field('variations', pick(fc.constantFrom('[false,true]', '["a","b","c"]', '[{"x":1},null]'), fc.constantFrom('[1e999,0]', '[{"__proto__":{"x":1}},null]', '[]'))),
        field('offVariation', index),
        field('fallthrough', serve),
        field('targets', array(fc.tuple(array(stringText(), 4), index).map(([values, variation]) => `{"values":${values},"variation":${variation}}`), 2)),
        field('rules', array(rule, 3)),
        field(
          'prerequisites',
          array(fc.tuple(stringText(pick(fc.constantFrom('dark-theme', 'a'), fc.constantFrom('b', key, 'missing'))), index).map(([k, variation]) => `{"key":${k},"variation":${variation}}`), 2),
        ),
        field('clientSideAvailability', fc.tuple(bool, bool).map(([web, mobile]) => `{"usingEnvironmentId":${web},"usingMobileKey":${mobile}}`)),
        field('salt', stringText()),
        field('deleted', pick(fc.constant('false'), fc.constant('true'))),
      )
      .chain(withExtra)

  /** A segment: members and rules (segmentMatch too, when hostile). */
  const segment = (key: string) =>
    fc
      .tuple(
        field('key', fc.constant(JSON.stringify(key))),
        field('included', array(stringText(), 4)),
        field('excluded', array(stringText(), 2)),
        field(
          'rules',
          array(fc.tuple(array(clause, 2), fc.option(weight, { nil: undefined })).map(([clauses, w]) => `{"clauses":${clauses}${w === undefined ? '' : `,"weight":${w}`}}`), 2),
        ),
        field('salt', stringText()),
      )
      .chain(withExtra)

  const itemKey = pick(fc.constantFrom('a', 'b', 'dark-theme', 'new-checkout', 'beta-testers', 'seg-a'), hostileKey)
  const items = (item: (key: string) => fc.Arbitrary<string>, nullable: boolean) =>
    fc
      .array(itemKey, { maxLength: 3 })
      .chain((keys) => {
        const itemOrNull = (key: string) => (nullable ? fc.oneof({ weight: 5, arbitrary: item(key) }, { weight: 1, arbitrary: fc.constant('null') }) : item(key))
        return fc.tuple(...keys.map((key) => itemOrNull(key).map((text): [string, string] => [key, text])))
      })
      .map((entries) => objectText(entries))
  return { flags: items(flag, true), segments: items(segment, true) }
}

const CAREFUL = itemGenerators(false)
const HOSTILE = itemGenerators(true)

/** A change: the documented shape with each part now and then broken. */
export const changeText = (environments: string[]): fc.Arbitrary<{ text: string; environment: string | undefined }> =>
  fc
    .record({
      environment: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...environments) },
        { weight: 1, arbitrary: fc.constantFrom('UPPER', '', '-x', 'a'.repeat(65), 'a/b', '__proto__', 'constructor') },
        { weight: 1, arbitrary: hostileString },
      ),
      op: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('patch', 'patch', 'replace') }, { weight: 1, arbitrary: hostileString }),
      version: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 6 }).map(String) },
        { weight: 1, arbitrary: numberText },
      ),
      flags: fc.oneof({ weight: 7, arbitrary: CAREFUL.flags }, { weight: 3, arbitrary: HOSTILE.flags }, { weight: 1, arbitrary: jsonText(2) }),
      segments: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: CAREFUL.segments },
        { weight: 2, arbitrary: HOSTILE.segments },
        { weight: 1, arbitrary: jsonText(2) },
      ),
      settings: fc.oneof(
        { weight: 10, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: stringText(fc.oneof(fc.constantFrom('ld-client-id', ''), hostileString)).map((id) => `{"launchDarklyClientSideId":${id}}`) },
      ),
      more: fc.oneof(
        { weight: 12, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 1, arbitrary: fc.tuple(hostileKey, jsonText(1)).map((entry) => [entry]) },
      ),
    })
    .map(({ environment, op, version, flags, segments, settings, more }) => {
      const entries: [string, string][] = [['environment', JSON.stringify(environment)], ['op', JSON.stringify(op)]]
      if (version !== undefined) entries.push(['version', version])
      entries.push(['flags', flags])
      if (segments !== undefined) entries.push(['segments', segments])
      if (settings !== undefined) entries.push(['settings', settings])
      return { text: objectText([...entries, ...more]), environment: ENVIRONMENT_NAME.test(environment) ? environment : undefined }
    })

const WEBHOOK_CODES = /^(parse_error|invalid_change|invalid_ruleset|stale_version|version_conflict)$/

/**
 * After a change is accepted the environment must still evaluate: a ruleset the Hub stores
 * but the Worker cannot load would answer 5xx from then on.
 */
const expectStillServes = async (seeded: Seeded) => {
  const answer = await send({
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags',
    headers: { Authorization: `Bearer ${seeded.keys.server}`, 'Content-Type': 'application/json' },
    body: '{"context":{"targetingKey":"u-1","email":"a@edgeflags.dev","country":"no"}}',
  })
  expect(answer.status, `OFREP after an accepted change: ${answer.text.slice(0, 300)}`).toBe(200)
}

/** Signs a webhook body with the time now, just before it is sent. */
const signNow = async (sent: Sent) => ({ ...(await webhookRequest(sent.body as string)), method: sent.method })

/** Validly signed webhooks with random, often broken, content. */
export const signedChangeCase = (pool: Seeded[]): fc.Arbitrary<FuzzCase> =>
  fc
    .oneof(
      { weight: 12, arbitrary: changeText(pool.map((seeded) => seeded.environment)) },
      { weight: 2, arbitrary: changeText([pool[0].environment]).chain(({ text }) => malformed(text)).map((text) => ({ text, environment: undefined })) },
      { weight: 1, arbitrary: jsonText(3).map((text) => ({ text, environment: undefined })) },
      { weight: 1, arbitrary: deepText.map((text) => ({ text, environment: undefined })) },
    )
    .map(({ text, environment }) => {
      const target = pool.find((seeded) => seeded.environment === environment)
      // a fresh environment named by a refused change must stay without changes too
      const fresh = environment !== undefined && target === undefined ? [environment] : []
      return {
        sent: { method: 'POST', path: '/admin/v1/webhook', body: text },
        prepare: signNow,
        watch: [target?.environment ?? pool[0].environment, ...fresh],
        check: async (answer: Answer) => {
          if (answer.status === 200) {
            // a malformed change can still be valid JSON, so the environment is read from the answer
            expect(JSON.parse(answer.text)).toMatchObject({ environment: environment ?? expect.any(String), version: expect.any(Number) })
            if (target !== undefined) await expectStillServes(target)
            return
          }
          const error = expectApiError(answer, { code: WEBHOOK_CODES })
          expect(answer.status).toBe(/^(stale_version|version_conflict)$/.test(error.code) ? 409 : 400)
          if (error.code === 'parse_error') expect(error.message).toMatch(/JSON/)
          if (error.code.startsWith('invalid_')) expect(error.details.length).toBeGreaterThan(0)
        },
      }
    })

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('')

const macFor = async (t: string, body: string, secret = WEBHOOK_SECRET) => {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${body}`)))
}

type Outcome = 'ok' | 'missing' | 'malformed' | 'expired' | 'invalid' | 'any'

/** A signature header built at send time (its timestamp is now), with the outcome it must get. */
type HeaderMaker = { outcome: Outcome; make: (body: string, now: number) => Promise<string | null> }

const t = (now: number, offset = 0) => String(Math.floor(now) + offset)

const HEADERS: HeaderMaker[] = [
  { outcome: 'ok', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body)}` },
  { outcome: 'ok', make: async (body, now) => `v1=${await macFor(t(now), body)},t=${t(now)}` },
  { outcome: 'ok', make: async (body, now) => ` t = ${t(now)} ,  v1 = ${await macFor(t(now), body)} ` },
  { outcome: 'ok', make: async (body, now) => `t=${t(now)},v1=${(await macFor(t(now), body)).toUpperCase()}` },
  { outcome: 'ok', make: async (body, now) => `t=${t(now)},v1=${'0'.repeat(64)},v1=${await macFor(t(now), body)}` },
  { outcome: 'ok', make: async (body, now) => `t=${t(now)},v2=abc,v1=${await macFor(t(now), body)},x=` },
  { outcome: 'ok', make: async (body, now) => `t=${t(now, -290)},v1=${await macFor(t(now, -290), body)}` },
  { outcome: 'ok', make: async (body, now) => `t=${t(now, 290)},v1=${await macFor(t(now, 290), body)}` },
  { outcome: 'missing', make: async () => null },
  { outcome: 'missing', make: async () => '' },
  { outcome: 'missing', make: async () => '   ' },
  { outcome: 'malformed', make: async (body, now) => `v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (_, now) => `t=${t(now)}` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},t=${t(now)},v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},,v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body)},` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},v1=${(await macFor(t(now), body)).slice(1)}` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body)}0` },
  { outcome: 'malformed', make: async (_, now) => `t=${t(now)},v1=${'g'.repeat(64)}` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body)},v1=xyz` },
  { outcome: 'malformed', make: async (body, now) => `t=${t(now)}.5,v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body, now) => `t=-${t(now)},v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body) => `t=1e9,v1=${await macFor('1e9', body)}` },
  { outcome: 'malformed', make: async (body) => `t=1234567890123456,v1=${await macFor('1234567890123456', body)}` },
  { outcome: 'malformed', make: async (body, now) => `t${t(now)},v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body, now) => `=${t(now)},v1=${await macFor(t(now), body)}` },
  { outcome: 'malformed', make: async (body, now) => `t=,v1=${await macFor(t(now), body)}` },
  { outcome: 'expired', make: async (body, now) => `t=${t(now, -301)},v1=${await macFor(t(now, -301), body)}` },
  { outcome: 'expired', make: async (body, now) => `t=${t(now, 400)},v1=${await macFor(t(now, 400), body)}` },
  { outcome: 'expired', make: async (body) => `t=0,v1=${await macFor('0', body)}` },
  { outcome: 'expired', make: async (body) => `t=999999999999999,v1=${await macFor('999999999999999', body)}` },
  { outcome: 'invalid', make: async (_, now) => `t=${t(now)},v1=${'0'.repeat(64)}` },
  { outcome: 'invalid', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), `${body} `)}` },
  { outcome: 'invalid', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body, 'another-secret')}` },
  { outcome: 'invalid', make: async (body, now) => `t=${t(now, 1)},v1=${await macFor(t(now), body)}` },
  { outcome: 'invalid', make: async (body, now) => `t=${t(now)},v1=${await macFor(t(now), body, `${WEBHOOK_SECRET},x`)}` },
  { outcome: 'invalid', make: async (body, now) => `t=${t(now)}${',v1='.concat('0'.repeat(64)).repeat(500)}` },
]

const withHeader = (outcome: Outcome, make: HeaderMaker['make']): HeaderMaker => ({ outcome, make })

const patchBody = (environment: string, key: string, on: boolean, variation: number) =>
  JSON.stringify({
    environment,
    op: 'patch',
    flags: {
      [key]: { key, on, variations: [false, true], offVariation: 0, fallthrough: { variation }, clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: true } },
    },
  })

/** Signature headers: valid variants, and every documented way to be missing, malformed, expired or wrong. */
export const signatureCase = (seeded: Seeded): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      header: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...HEADERS) }, { weight: 1, arbitrary: headerText.map((text) => withHeader('any', async () => text)) }),
      on: fc.boolean(),
      variation: fc.integer({ min: 0, max: 1 }),
    })
    .map(({ header, on, variation }) => ({
      sent: {
        method: 'POST',
        path: '/admin/v1/webhook',
        headers: { 'Content-Type': 'application/json' },
        body: patchBody(seeded.environment, 'dark-theme', on, variation),
      },
      prepare: async (sent: Sent) => {
        const signature = await header.make(sent.body as string, Date.now() / 1000)
        return { ...sent, headers: { ...sent.headers, ...(signature === null ? {} : { 'X-Edgeflags-Signature': signature }) } }
      },
      watch: [seeded.environment],
      check: (answer: Answer) => {
        if (header.outcome === 'ok') return void expect(answer.status, answer.text).toBe(200)
        const code = header.outcome === 'any' ? /^signature_(missing|malformed|expired|invalid)$/ : `signature_${header.outcome}`
        expectApiError(answer, { status: 401, code, mentions: /\S{3}/ })
      },
    }))

/** The webhook with other methods and content types, signed or not. */
export const webhookTransportCase = (seeded: Seeded): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      method: fc.oneof({ weight: 3, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') }),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      signed: fc.boolean(),
      on: fc.boolean(),
    })
    .map(({ method, contentType: [type, isJson], signed, on }): FuzzCase => ({
      sent: {
        method,
        path: '/admin/v1/webhook',
        headers: type === undefined ? {} : ({ 'Content-Type': type } as Record<string, string>),
        body: method === 'GET' ? undefined : patchBody(seeded.environment, 'disable-registration', on, 1),
      },
      prepare: async (sent: Sent) => {
        if (!signed || sent.body === undefined) return sent
        const signature = await signBody({ body: sent.body, secret: WEBHOOK_SECRET, timestamp: Date.now() / 1000 })
        return { ...sent, headers: { ...sent.headers, 'X-Edgeflags-Signature': signature } }
      },
      watch: [seeded.environment],
      check: (answer: Answer) => {
        if (method !== 'POST') return void expectApiError(answer, { status: 404, code: 'not_found' })
        if (!signed) return void expectApiError(answer, { status: 401, code: 'signature_missing' })
        if (!isJson) return void expectApiError(answer, { status: 415, code: 'unsupported_media_type', mentions: /Content-Type: application\/json/ })
        expect(answer.status, answer.text).toBe(200)
      },
    }))
