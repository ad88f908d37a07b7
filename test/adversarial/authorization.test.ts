import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { signBody } from '../../src/webhook/signature'
import { ADMIN_TOKEN, adminSent, examples, revokedKey, seededEnvironment, VISIBLE, WEBHOOK_SECRET, webhookRequest, type Seeded } from './support/environments'
import { expectApiError, expectOfrepError } from './support/shapes'
import { expectUnchanged, writtenState } from './support/state'
import { base64url } from './support/hostile'
import {
  changeEverything,
  eventsAfter,
  expectPublicState,
  flagsIn,
  GATED,
  LD_CONTEXTS,
  openSdkStreams,
  openTheGate,
  patchFlags,
  PRIVATE_FIELDS,
  RENAMED_RULES,
  sdkAnswers,
} from './support/launchdarkly-leaks'
import { CLIENT_ROUTES, SDK_ROUTES, sdkSent, type KeyForm, type SdkParts, type SdkRoute } from './support/launchdarkly-routes'
import { send, sendThroughExports, type Answer, type Sent } from './support/worker'

// Issue 7: who may call what. Every endpoint × every credential, through the real entry
// (exports.default.fetch), with the status the README documents; then what client and mobile
// keys can learn from any answer or socket message.

const CREDENTIALS = ['none', 'unknown key', 'revoked key', 'client key', 'mobile key', 'server key', 'admin token', 'webhook signature'] as const
type Credential = (typeof CREDENTIALS)[number]

let seeded: Seeded
let revoked: string

// LaunchDarkly's events paths log a line per payload they take (src/routes/launchdarkly/handlers.ts)
const logs = vi.spyOn(console, 'log').mockImplementation(() => undefined)
afterAll(() => logs.mockRestore())

beforeAll(async () => {
  seeded = await seededEnvironment()
  // revoked before any request used it, so no isolate holds it (revocation of a cached key takes up to REFRESH_MS)
  revoked = await revokedKey(seeded.environment, 'server')
})

const keyFor = (credential: Credential): string | undefined =>
  ({
    none: undefined,
    'unknown key': `unknown-${crypto.randomUUID()}`,
    'revoked key': revoked,
    'client key': seeded.keys.client,
    'mobile key': seeded.keys.mobile,
    'server key': seeded.keys.server,
    'admin token': ADMIN_TOKEN,
    'webhook signature': undefined,
  })[credential]

/** Where a LaunchDarkly SDK sends its key: the route says (the path or `Authorization`), and `form` how. */
type SdkPlace = { route: SdkRoute; form: KeyForm }

/** The request with the credential where the endpoint would look for one. */
const withCredential = async (original: Sent, credential: Credential, where: 'header' | 'query' | SdkPlace): Promise<Sent> => {
  const sent = typeof where === 'object' ? sdkSent(where.route, { key: keyFor(credential), form: where.form }) : original
  const headers = { ...sent.headers }
  let { path } = sent
  if (credential === 'webhook signature') {
    headers['X-Edgeflags-Signature'] = await signBody({ body: typeof sent.body === 'string' ? sent.body : '', secret: WEBHOOK_SECRET, timestamp: Date.now() / 1000 })
  } else if (typeof where === 'object') {
    // sdkSent placed the key
  } else if (keyFor(credential) !== undefined && where === 'header') {
    headers.Authorization = `Bearer ${keyFor(credential)}`
  } else if (keyFor(credential) !== undefined) {
    path += `${path.includes('?') ? '&' : '?'}key=${encodeURIComponent(keyFor(credential)!)}`
  }
  return { ...sent, path, headers }
}

const json = { 'Content-Type': 'application/json' }
const evaluation = (path: string): Sent => ({ method: 'POST', path: `/ofrep/v1/evaluate/flags${path}`, headers: json, body: '{"context":{"targetingKey":"u-1"}}' })
const darkTheme = (on: boolean) => ({ ...examples.flags['dark-theme'], on })

type Endpoint = {
  name: string
  where: 'header' | 'query' | SdkPlace
  /** The request, built per row: some rows need their own key to revoke or change to send. */
  request: () => Promise<Sent>
  /** The status each credential must get; 4401 is a socket closed as unauthorized, 101 a socket that got its put. */
  expected: Partial<Record<Credential, number>>
  /** What a refused row must have left alone, checked after the answer. */
  unchanged?: () => Promise<() => Promise<void>>
  /** Send the row in this isolate (`send`) rather than through exports.default.fetch. */
  direct?: boolean
}

const refusedAll = (status: number) => Object.fromEntries(CREDENTIALS.map((credential) => [credential, status])) as Record<Credential, number>

const keysListed = async () => (await send(adminSent(`/${seeded.environment}/keys`))).text

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /ofrep/v1/evaluate/flags',
    where: 'header',
    request: async () => evaluation(''),
    expected: { ...refusedAll(401), 'client key': 200, 'mobile key': 200, 'server key': 200 },
  },
  {
    name: 'POST /ofrep/v1/evaluate/flags/dark-theme',
    where: 'header',
    request: async () => evaluation('/dark-theme'),
    expected: { ...refusedAll(401), 'client key': 200, 'mobile key': 200, 'server key': 200 },
  },
  {
    name: 'GET /v1/ruleset',
    where: 'header',
    request: async () => ({ method: 'GET', path: '/v1/ruleset' }),
    expected: { ...refusedAll(401), 'client key': 403, 'mobile key': 403, 'server key': 200 },
  },
  {
    name: 'GET /v1/stream',
    where: 'query',
    request: async () => ({ method: 'GET', path: '/v1/stream', headers: { Upgrade: 'websocket' } }),
    expected: { ...refusedAll(4401), 'client key': 101, 'mobile key': 101, 'server key': 101 },
  },
  {
    name: 'GET /v1/sse',
    where: 'query',
    request: async () => ({ method: 'GET', path: '/v1/sse' }),
    expected: { ...refusedAll(401), 'client key': 200, 'mobile key': 200, 'server key': 200 },
  },
  {
    name: 'POST /admin/v1/webhook',
    where: 'header',
    request: async () => {
      const change = { environment: seeded.environment, op: 'patch', flags: { 'dark-theme': darkTheme(Math.random() < 0.5) } }
      return { method: 'POST', path: '/admin/v1/webhook', headers: json, body: JSON.stringify(change) }
    },
    expected: { ...refusedAll(401), 'webhook signature': 200 },
    unchanged: async () => {
      const before = await writtenState(seeded.environment)
      return async () => expectUnchanged(seeded.environment, before, await writtenState(seeded.environment))
    },
  },
  {
    name: 'GET /admin/v1/environments/{env}',
    where: 'header',
    request: async () => ({ method: 'GET', path: `/admin/v1/environments/${seeded.environment}` }),
    expected: { ...refusedAll(401), 'admin token': 200 },
  },
  {
    name: 'POST /admin/v1/environments/{env}/keys',
    where: 'header',
    request: async () => ({
      method: 'POST',
      path: `/admin/v1/environments/${seeded.environment}/keys`,
      headers: json,
      body: '{"kind":"server","name":"from the matrix"}',
    }),
    expected: { ...refusedAll(401), 'admin token': 201 },
    unchanged: async () => {
      const before = await keysListed()
      return async () => expect(await keysListed()).toBe(before)
    },
  },
  {
    name: 'GET /admin/v1/environments/{env}/keys',
    where: 'header',
    request: async () => ({ method: 'GET', path: `/admin/v1/environments/${seeded.environment}/keys` }),
    expected: { ...refusedAll(401), 'admin token': 200 },
  },
  {
    name: 'DELETE /admin/v1/environments/{env}/keys/{id}',
    where: 'header',
    request: async () => {
      const created = JSON.parse((await send(adminSent(`/${seeded.environment}/keys`, 'POST', '{"kind":"client","name":"to revoke"}'))).text) as { id: string }
      return { method: 'DELETE', path: `/admin/v1/environments/${seeded.environment}/keys/${created.id}` }
    },
    expected: { ...refusedAll(401), 'admin token': 204 },
    unchanged: async () => {
      const before = await keysListed()
      return async () => expect(await keysListed()).toBe(before)
    },
  },
  {
    name: 'GET /healthz',
    where: 'header',
    request: async () => ({ method: 'GET', path: '/healthz' }),
    expected: refusedAll(200),
  },
]

/**
 * LaunchDarkly's SDK paths, each with the key where its SDK sends it: in the path as the
 * client-side id, or in `Authorization` (mobile SDKs as `api_key <key>`, rows for the bare key
 * too). On mobile and server paths the path's own kind gets its answer, another known kind 403,
 * any other credential 401. A client-side id that is not a client key is an unknown environment
 * (404, as LaunchDarkly answers, src/middleware/sdk-key.ts), and a path without one no route.
 */
const sdkEndpoint = (route: SdkRoute, form: KeyForm): Endpoint => {
  const kinds = Object.fromEntries((['client', 'mobile', 'server'] as const).map((kind) => [`${kind} key`, kind === route.owner ? route.status : 403]))
  const expected = route.owner === 'client' ? { ...refusedAll(404), 'client key': route.status } : { ...refusedAll(401), ...kinds }
  return {
    name: `${route.name}${route.owner === 'client' ? '' : form === 'api_key' ? ' (api_key <key>)' : ' (bare key)'}`,
    where: { route, form },
    request: async () => sdkSent(route),
    expected,
    // 300 more rows through exports.default.fetch would slow every call after them severalfold
    // (support/worker.ts); a test below sends each route through it once
    direct: true,
  }
}

ENDPOINTS.push(
  ...SDK_ROUTES.flatMap((route) => (route.owner === 'mobile' ? (['api_key', 'raw'] as const) : (['raw'] as const)).map((form) => sdkEndpoint(route, form))),
)

const ROWS = ENDPOINTS.flatMap((endpoint) => CREDENTIALS.map((credential) => ({ endpoint: endpoint.name, credential, status: endpoint.expected[credential]! })))

/** Collects a socket's messages; `next` and `closed` wait with a deadline. */
const collect = (socket: WebSocket) => {
  const messages: { type?: string; code?: string; [key: string]: unknown }[] = []
  const texts: string[] = []
  const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not closed within 5000 ms')), 5_000)
    socket.addEventListener('close', (event) => {
      clearTimeout(timer)
      resolve({ code: event.code, reason: event.reason })
    })
  })
  // only the refused sockets are awaited; the others are closed by the test
  closed.catch(() => undefined)
  socket.addEventListener('message', (event) => {
    texts.push(String(event.data))
    messages.push(JSON.parse(String(event.data)))
  })
  socket.accept()
  const next = async (count: number, ms = 5_000) => {
    const deadline = Date.now() + ms
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`socket: ${messages.length} of ${count} messages within ${ms} ms: ${texts.join(' | ')}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return messages[count - 1]
  }
  return { messages, texts, closed, next }
}

const expectError = (answer: Answer, path: string, status: number) =>
  path.startsWith('/ofrep/') ? expectOfrepError(answer, { status }) : expectApiError(answer, { status })

describe('the authorization matrix', () => {
  it.each(ROWS)('$endpoint with $credential answers $status', async ({ endpoint: name, credential, status }) => {
    const endpoint = ENDPOINTS.find((candidate) => candidate.name === name)!
    const sent = await withCredential(await endpoint.request(), credential, endpoint.where)
    const check = status >= 400 && status < 500 ? await endpoint.unchanged?.() : undefined
    const answer = await (endpoint.direct ? send : sendThroughExports)(sent)
    if (status === 4401 || status === 101) {
      expect(answer.status).toBe(101)
      const socket = collect(answer.webSocket!)
      const first = await socket.next(1)
      if (status === 101) {
        expect(first).toMatchObject({ type: 'put', version: expect.any(Number) })
        return answer.webSocket!.close(1000)
      }
      expect(first).toEqual({ type: 'error', code: 'unauthorized', message: expect.stringMatching(/\S/) })
      return void expect(await socket.closed).toEqual({ code: 4401, reason: expect.stringMatching(/\S/) })
    }
    if (status >= 400) expectError(answer, sent.path, status)
    else expect(answer.status, answer.text.slice(0, 300)).toBe(status)
    await check?.()
  })

  it('accepts a key from X-API-Key as from Authorization, and the revoked key nowhere', async () => {
    for (const [path, key, status] of [
      ['/ofrep/v1/evaluate/flags', seeded.keys.client, 200],
      ['/ofrep/v1/evaluate/flags', revoked, 401],
    ] as const) {
      const answer = await sendThroughExports({ ...evaluation(''), path, headers: { ...json, 'X-API-Key': key } })
      expect(answer.status).toBe(status)
    }
    const ruleset = await sendThroughExports({ method: 'GET', path: '/v1/ruleset', headers: { 'X-API-Key': seeded.keys.server } })
    expect(ruleset.status).toBe(200)
  })

  // createKey looks the key up in the target environment's Hub only: a key another environment
  // holds is re-pointed in KV, while the first environment still lists it and can revoke it
  it('refuses to register a key that another environment holds', async () => {
    const other = await seededEnvironment()
    const key = `shared-${crypto.randomUUID()}`
    const first = await sendThroughExports(adminSent(`/${other.environment}/keys`, 'POST', JSON.stringify({ kind: 'server', name: 'theirs', key })))
    expect(first.status).toBe(201)
    const second = await sendThroughExports(adminSent(`/${seeded.environment}/keys`, 'POST', JSON.stringify({ kind: 'client', name: 'ours', key })))
    expect(second.status, second.text).toBe(409)
    // the other environment's server key still reads the other environment's ruleset
    const ruleset = await sendThroughExports({ method: 'GET', path: '/v1/ruleset', headers: { Authorization: `Bearer ${key}` } })
    expect(ruleset.status).toBe(200)
  })
})

// What client and mobile keys may never see: server-only flags and their values, rule ids,
// segment keys, members and rules, target lists
const FORBIDDEN = [
  ...['backend-log-level', 'ip-blocklist', '203.0.113.7', 'debug'],
  ...['payments-debugging', 'enterprise-batches', 'beta-testers-first'],
  ...['beta-testers', 'staff', 'alice', 'bob', '@edgeflags.dev', 'legacy-client'],
]

const CONTEXTS = [
  { targetingKey: 'alice' },
  { targetingKey: 'bob' },
  { targetingKey: 'u-7', email: 'carol@edgeflags.dev' },
  { targetingKey: 'legacy-client-1' },
  { targetingKey: 'u-8', plan: 'enterprise' },
  { kind: 'service', targetingKey: 'payments', name: 'payments' },
  { kind: 'multi', user: { targetingKey: 'alice', plan: 'enterprise' }, service: { targetingKey: 'payments', name: 'payments' } },
  {},
]

const expectNoLeak = (kind: string, what: string, text: string) => {
  for (const secret of FORBIDDEN) expect(text, `${kind} key, ${what}: "${secret}" in ${text.slice(0, 400)}`).not.toContain(secret)
}

const ofrepAs = (key: string, path: string, context: object, headers: Record<string, string> = {}) =>
  sendThroughExports({
    method: 'POST',
    path: `/ofrep/v1/evaluate/flags${path}`,
    headers: { ...json, Authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ context }),
  })

/** Every answer a key of `kind` gets from OFREP for every context, with what was asked. */
const ofrepAnswers = async (kind: 'client' | 'mobile') => {
  const key = seeded.keys[kind]
  const answers: [string, string][] = []
  for (const context of CONTEXTS) {
    const bulk = await ofrepAs(key, '', context)
    answers.push([`bulk ${JSON.stringify(context)}`, bulk.text])
    const again = await ofrepAs(key, '', context, { 'If-None-Match': bulk.headers.get('ETag') ?? '' })
    answers.push([`bulk again ${JSON.stringify(context)}`, `${again.status} ${again.text}`])
    for (const flag of ['dark-theme', 'new-checkout', 'disable-registration', 'api-count-field', 'tasks-batch-size']) {
      answers.push([`${flag} ${JSON.stringify(context)}`, (await ofrepAs(key, `/${flag}`, context)).text])
    }
  }
  return answers
}

describe('what client and mobile keys can learn', () => {
  it.each(['client', 'mobile'] as const)('a %s key gets no server-only flag, rule or segment from OFREP', async (kind) => {
    for (const [what, text] of await ofrepAnswers(kind)) expectNoLeak(kind, what, text)
  })

  it.each(['client', 'mobile'] as const)('a %s key hears about a server-only flag exactly as about one that does not exist', async (kind) => {
    const missing = await ofrepAs(seeded.keys[kind], '/no-such-flag', { targetingKey: 'u' })
    for (const flag of ['backend-log-level', 'ip-blocklist']) {
      const answer = await ofrepAs(seeded.keys[kind], `/${flag}`, { kind: 'service', targetingKey: 'payments', name: 'payments' })
      expect(answer.status).toBe(missing.status)
      expect(answer.text).toBe(missing.text.replaceAll('no-such-flag', flag))
    }
  })

  it.each(['client', 'mobile'] as const)('a %s key gets no server-only flag, rule or segment from the ruleset, event and socket endpoints', async (kind) => {
    const key = seeded.keys[kind]
    // the matrix's webhook rows leave dark-theme on or off at random; the change below must toggle it
    await patchFlags(seeded.environment, { 'dark-theme': darkTheme(false) })
    const ruleset = await sendThroughExports({ method: 'GET', path: '/v1/ruleset', headers: { Authorization: `Bearer ${key}` } })
    expectNoLeak(kind, 'GET /v1/ruleset', ruleset.text)
    const events = await sendThroughExports({ method: 'GET', path: `/v1/sse?key=${key}` })
    expectNoLeak(kind, 'GET /v1/sse', events.text)
    const context = base64url(new TextEncoder().encode(JSON.stringify(CONTEXTS[0])))
    const opened = await sendThroughExports({ method: 'GET', path: `/v1/stream?key=${key}&context=${context}`, headers: { Upgrade: 'websocket' } })
    const socket = collect(opened.webSocket!)
    await socket.next(1)
    // identify as every other context, then let the admin change a server-only flag, delete
    // another and change a visible one: each answer and patch is searched
    for (const [i, other] of CONTEXTS.slice(1).entries()) {
      opened.webSocket!.send(JSON.stringify({ type: 'identify', context: other }))
      await socket.next(i + 2)
    }
    const seen = socket.messages.length
    const logLevel = { ...examples.flags['backend-log-level'], fallthrough: { variation: 3 } }
    const change = { environment: seeded.environment, op: 'patch', flags: { 'backend-log-level': logLevel, 'ip-blocklist': null, 'dark-theme': darkTheme(true) } }
    expect((await send(await webhookRequest(JSON.stringify(change)))).status).toBe(200)
    await socket.next(seen + 1)
    opened.webSocket!.close(1000)
    for (const text of socket.texts) expectNoLeak(kind, 'a socket message', text)
    // restore what this test changed for the tests after it
    const { 'backend-log-level': original, 'ip-blocklist': blocklist } = examples.flags
    const restore = { environment: seeded.environment, op: 'patch', flags: { 'backend-log-level': original, 'ip-blocklist': blocklist, 'dark-theme': darkTheme(false) } }
    expect((await send(await webhookRequest(JSON.stringify(restore)))).status).toBe(200)
  })

  // README: metadata has ruleId, ruleIndex and prerequisiteKey for server keys only (9386e30)
  it.each(['client', 'mobile'] as const)('a %s key receives no rule ids, rule positions or prerequisite keys', async (kind) => {
    for (const [what, text] of await ofrepAnswers(kind)) {
      for (const field of ['"ruleId"', '"ruleIndex"', '"prerequisiteKey"']) expect(text, `${kind} key, ${what}`).not.toContain(field)
    }
  })

  it('a server key receives the rule that matched', async () => {
    const answer = await ofrepAs(seeded.keys.server, '/new-checkout', { targetingKey: 'alice' })
    expect(JSON.parse(answer.text)).toMatchObject({ value: true, metadata: { ldReason: 'RULE_MATCH', ruleIndex: 0, ruleId: 'beta-testers-first' } })
  })

  it('a client key never learns the key of a server-only prerequisite', async () => {
    const gated = await seededEnvironment({
      flags: {
        'secret-gate': { ...examples.flags['ip-blocklist'], key: 'secret-gate', on: false, variations: [false, true], offVariation: 0 },
        gate: { ...examples.flags['dark-theme'], key: 'gate', on: true, prerequisites: [{ key: 'secret-gate', variation: 1 }] },
      },
      segments: {},
    })
    const texts = [(await ofrepAs(gated.keys.client, '', { targetingKey: 'u' })).text, (await ofrepAs(gated.keys.client, '/gate', { targetingKey: 'u' })).text]
    for (const text of texts) expect(text).not.toContain('secret-gate')
  })
})

const expectNothingPrivate = (kind: string, what: string, text: string, more: string[] = []) => {
  expectNoLeak(kind, what, text)
  for (const secret of [...PRIVATE_FIELDS, ...more]) expect(text, `${kind} key, ${what}: ${secret} in ${text.slice(0, 400)}`).not.toContain(secret)
}

describe("what client and mobile keys can learn from LaunchDarkly's paths", () => {
  it.each(['client', 'mobile'] as const)('a %s key gets exactly its flags, and no rule, segment or rule id, from every evalx answer and stream put', async (kind) => {
    for (const answer of await sdkAnswers(seeded.keys[kind], kind)) {
      expect(answer.status, `${answer.what}: ${answer.text.slice(0, 300)}`).toBe(200)
      expectNothingPrivate(kind, answer.what, answer.text)
      const flags = flagsIn(answer)
      expect(Object.keys(flags).sort(), answer.what).toEqual([...VISIBLE[kind]].sort())
      for (const [key, state] of Object.entries(flags)) expectPublicState(`${answer.what} ${key}`, state)
    }
  }, 30_000)

  it.each(['client', 'mobile'] as const)('a %s key gets nothing private from any LaunchDarkly path, refused or not, in the path or in Authorization', async (kind) => {
    for (const route of SDK_ROUTES) {
      for (const form of ['api_key', 'raw'] as const) {
        // a client key where mobile and server SDKs send theirs, a mobile key as a client-side id
        const answer = await send(sdkSent(route, { key: seeded.keys[kind], form, query: '?withReasons=true' }))
        expectNothingPrivate(kind, `${route.name} (${form})`, answer.text)
        if (answer.status < 300 && route.events === undefined && route.context === undefined && route.owner !== 'server') {
          expect(answer.text, route.name).toMatch(/^(\[\]|: connected)/)
        }
      }
    }
  })

  it.each(['client', 'mobile'] as const)('a %s key hears of a change to rules, segments and server-only flags only what its own flags now answer', async (kind) => {
    // as above: dark-theme starts off, so the change toggles it
    await patchFlags(seeded.environment, { 'dark-theme': darkTheme(false) })
    const { streams, puts } = await openSdkStreams(seeded.keys[kind], kind, [LD_CONTEXTS[0], LD_CONTEXTS[4], LD_CONTEXTS[6]])
    const undo = await changeEverything(seeded.environment, darkTheme)
    try {
      for (const put of puts) expectNothingPrivate(kind, 'a put', JSON.stringify(put))
      for (const { what, events } of await eventsAfter(streams)) {
        for (const event of events) expectNothingPrivate(kind, what, JSON.stringify(event), RENAMED_RULES)
        if (!what.includes('{context}') && !what.startsWith('REPORT')) {
          expect(events, what).toEqual([{ event: 'ping', data: {} }])
          continue
        }
        // dark-theme was toggled: every context's stream hears of it
        expect(events, what).toContainEqual({ event: 'patch', data: expect.objectContaining({ key: 'dark-theme', value: true }) })
        for (const { event, data } of events) {
          expect(['patch', 'delete'], what).toContain(event)
          const { key, ...state } = data as { key: string }
          expect(VISIBLE[kind], `${what}: ${JSON.stringify(data)}`).toContain(key)
          if (event === 'patch') expectPublicState(`${what} ${key}`, state)
        }
      }
    } finally {
      await undo()
    }
  }, 30_000)

  it.each(['client', 'mobile'] as const)('a %s key never learns a prerequisite key or an experiment rule id, in answers or patches', async (kind) => {
    const gated = await seededEnvironment(GATED)
    const secrets = ['secret-gate', 'hidden-experiment-rule']
    const user = { kind: 'user', key: 'u-1' }
    for (const answer of await sdkAnswers(gated.keys[kind], kind, [user])) {
      expect(answer.status, `${answer.what}: ${answer.text.slice(0, 300)}`).toBe(200)
      expectNothingPrivate(kind, answer.what, answer.text, secrets)
      const { gate, experiment } = flagsIn(answer)
      // an experiment's reason is sent even without withReasons, as LaunchDarkly does
      expect(experiment, answer.what).toMatchObject({ value: true, trackEvents: true, trackReason: true })
      expect(experiment.reason, answer.what).toEqual({ kind: 'RULE_MATCH' })
      if (answer.what.includes('withReasons')) expect(gate.reason, answer.what).toEqual({ kind: 'PREREQUISITE_FAILED' })
      else expect(gate, answer.what).not.toHaveProperty('reason')
    }
    const { streams } = await openSdkStreams(gated.keys[kind], kind, [user])
    await openTheGate(gated.environment)
    for (const { what, events } of await eventsAfter(streams)) {
      for (const event of events) expectNothingPrivate(kind, what, JSON.stringify(event), [...secrets, 'hidden-experiment-rule-2'])
      if (events[0].event !== 'ping') expect(events, what).toContainEqual({ event: 'patch', data: expect.objectContaining({ key: 'gate', value: true }) })
    }
  }, 30_000)

  it('takes the client-side id from the path alone, and mobile and server keys from Authorization alone', async () => {
    for (const route of CLIENT_ROUTES) {
      const headers = { Authorization: seeded.keys.client, 'X-API-Key': seeded.keys.client }
      expectApiError(await send(sdkSent(route, { key: `unknown-${crypto.randomUUID()}`, headers })), { status: 404, code: 'unknown_environment' })
    }
    for (const route of SDK_ROUTES.filter((candidate) => candidate.owner !== 'client')) {
      const key = seeded.keys[route.owner]
      for (const elsewhere of [{ headers: { 'X-API-Key': key } }, { query: `?key=${key}` }, { headers: { Cookie: `key=${key}` } }] as SdkParts[]) {
        expectApiError(await send(sdkSent(route, elsewhere)), { status: 401, code: 'missing_key' })
      }
    }
  })

  // Last in the file: each call through exports.default.fetch slows the ones after it (support/worker.ts)
  it.each(['client', 'mobile', 'server'] as const)("answers each %s-side LaunchDarkly path through exports.default.fetch as the matrix says", async (owner) => {
    for (const route of SDK_ROUTES.filter((candidate) => candidate.owner === owner)) {
      const answer = await sendThroughExports(sdkSent(route, { key: seeded.keys[owner], form: 'api_key' }))
      expect(answer.status, `${route.name}: ${answer.text.slice(0, 300)}`).toBe(route.status)
      const other = owner === 'server' ? seeded.keys.client : seeded.keys.server
      const refused = owner === 'client' ? { status: 404, code: 'unknown_environment' } : { status: 403, code: 'forbidden' }
      expectApiError(await sendThroughExports(sdkSent(route, { key: other, form: 'api_key' })), refused)
    }
  })
})
