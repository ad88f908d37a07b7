import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { putKey } from './support/environments'
import { readEvents } from './support/sse'
import { boolFlag, environmentName, sendWebhook } from './support/webhook'

// LaunchDarkly's client-side protocol (src/routes/launchdarkly/client.ts and mobile.ts), as its
// browser and mobile SDKs call it. The SDKs themselves run against it in test/browser and test/e2e.

const BASE = 'http://edgeflags.test'
const ld = (path: string, init: RequestInit = {}) => exports.default.fetch(`${BASE}${path}`, init)

const base64url = (json: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(json))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')

const norway = (extra: Record<string, unknown> = {}) =>
  boolFlag('promo', {
    version: 3,
    rules: [{ id: 'norway', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['no'] }] }],
    ...extra,
  })

const setUp = async () => {
  const environment = environmentName()
  const keys = { client: `c-${crypto.randomUUID()}`, mobile: `m-${crypto.randomUUID()}`, server: `s-${crypto.randomUUID()}` }
  for (const kind of ['client', 'mobile', 'server'] as const) await putKey(keys[kind], environment, kind)
  const flags = {
    promo: norway(),
    web: boolFlag('web', { clientSideAvailability: { usingEnvironmentId: true, usingMobileKey: false } }),
    app: boolFlag('app', { clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: true } }),
    hidden: boolFlag('hidden', { clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false } }),
  }
  await sendWebhook({ environment, op: 'replace', flags })
  return { environment, keys }
}

const user = { kind: 'user', key: 'u1', country: 'no' }

describe('GET /sdk/evalx/{clientSideId}/contexts/{context}', () => {
  it("answers LaunchDarkly's evalx shape for the flags a client key may see", async () => {
    const { keys } = await setUp()
    const res = await ld(`/sdk/evalx/${keys.client}/contexts/${base64url(user)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({
      promo: { value: false, variation: 0, version: 1, flagVersion: 3 },
      web: { value: true, variation: 1, version: 1, flagVersion: 0 },
    })
  })

  it('takes the context from a REPORT body, and the older user JSON and paths alike', async () => {
    const { keys } = await setUp()
    const report = await ld(`/sdk/evalx/${keys.client}/context`, {
      method: 'REPORT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(user),
    })
    expect(await report.json()).toMatchObject({ promo: { value: false } })
    const legacy = await ld(`/sdk/evalx/${keys.client}/users/${base64url({ key: 'u2', country: 'se' })}`)
    expect(await legacy.json()).toMatchObject({ promo: { value: true, variation: 1 } })
  })

  it('adds reasons with withReasons=true, without rule ids or positions', async () => {
    const { keys } = await setUp()
    const res = await ld(`/sdk/evalx/${keys.client}/contexts/${base64url(user)}?withReasons=true`)
    const flags = await res.json<Record<string, { reason: unknown }>>()
    expect(flags.promo.reason).toEqual({ kind: 'RULE_MATCH' })
    expect(flags.web.reason).toEqual({ kind: 'FALLTHROUGH' })
  })

  it('marks experiments: trackEvents, trackReason and the reason', async () => {
    const environment = environmentName()
    const key = `c-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    await sendWebhook({ environment, op: 'replace', flags: { exp: boolFlag('exp', { trackEventsFallthrough: true, debugEventsUntilDate: 4102444800000 }) } })
    const res = await ld(`/sdk/evalx/${key}/contexts/${base64url(user)}`)
    expect(await res.json()).toEqual({
      exp: {
        value: true,
        variation: 1,
        version: 1,
        flagVersion: 0,
        trackEvents: true,
        trackReason: true,
        reason: { kind: 'FALLTHROUGH' },
        debugEventsUntilDate: 4102444800000,
      },
    })
  })

  it('refuses contexts it cannot read with 400 and a message', async () => {
    const { keys } = await setUp()
    for (const context of ['%%%', base64url('not an object'), base64url({ kind: 'user', name: 'no key' }), 'eyJrZXki']) {
      const res = await ld(`/sdk/evalx/${keys.client}/contexts/${context}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_context', message: expect.any(String) } })
    }
  })

  it('refuses a context in the path larger than a REPORT body may be', async () => {
    const { keys } = await setUp()
    const res = await ld(`/sdk/evalx/${keys.client}/contexts/${base64url({ key: 'u', note: 'x'.repeat(70_000) })}`)
    expect(res.status).toBe(414)
    expect(await res.json()).toMatchObject({ error: { code: 'uri_too_long' } })
  })

  it('takes only client keys as the client-side id, answering 404 for anything else', async () => {
    const { keys } = await setUp()
    for (const id of ['unknown', keys.server, keys.mobile]) {
      const res = await ld(`/sdk/evalx/${id}/contexts/${base64url(user)}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ error: { code: 'unknown_environment' } })
    }
  })
})

describe('client-side CORS', () => {
  it('allows REPORT and the SDK headers in a preflight', async () => {
    const { keys } = await setUp()
    const res = await ld(`/sdk/evalx/${keys.client}/context`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'REPORT' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Access-Control-Allow-Methods')).toContain('REPORT')
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('X-LaunchDarkly-User-Agent')
  })

  it('sets CORS headers on answers, errors and streams', async () => {
    const { keys } = await setUp()
    const headers = { Origin: 'https://app.example' }
    const answer = await ld(`/sdk/evalx/${keys.client}/contexts/${base64url(user)}`, { headers })
    const error = await ld(`/sdk/evalx/nope/contexts/${base64url(user)}`, { headers })
    const stream = await ld(`/eval/${keys.client}/${base64url(user)}`, { headers })
    for (const res of [answer, error, stream]) expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    await stream.body?.cancel()
  })
})

describe('GET /sdk/goals/{clientSideId}', () => {
  it('answers an empty list: edgeflags has no click or page-view goals', async () => {
    const { keys } = await setUp()
    const res = await ld(`/sdk/goals/${keys.client}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([])
  })
})

describe('GET /eval/{clientSideId}/{context}', () => {
  it("puts the context's flags, then patches exactly what changed for it", async () => {
    const { environment, keys } = await setUp()
    const res = await ld(`/eval/${keys.client}/${base64url(user)}`)
    expect(res.headers.get('Content-Type')).toBe('text/event-stream')
    const events = readEvents(res)
    expect(await events.next()).toEqual({
      event: 'put',
      data: { promo: { value: false, variation: 0, version: 1, flagVersion: 3 }, web: { value: true, variation: 1, version: 1, flagVersion: 0 } },
    })
    // the rule now names Sweden: this Norwegian context falls through to true
    const sweden = norway({ rules: [{ id: 'sweden', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['se'] }] }] })
    await sendWebhook({ environment, op: 'patch', flags: { promo: sweden } })
    expect(await events.next()).toEqual({ event: 'patch', data: { key: 'promo', value: true, variation: 1, version: 2, flagVersion: 4 } })
    // a change that does not alter its values sends nothing
    const hidden = { on: false, clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false } }
    await sendWebhook({ environment, op: 'patch', flags: { hidden: boolFlag('hidden', hidden) } })
    expect(await events.quiet(300)).toBe(true)
    await sendWebhook({ environment, op: 'patch', flags: { web: null } })
    expect(await events.next()).toEqual({ event: 'delete', data: { key: 'web', version: 4 } })
    await events.close()
  })

  it('takes the context from a REPORT body, with reasons when asked', async () => {
    const { keys } = await setUp()
    const res = await ld(`/eval/${keys.client}?withReasons=true`, {
      method: 'REPORT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: 'u3' }),
    })
    const events = readEvents(res)
    expect(await events.next()).toMatchObject({ event: 'put', data: { promo: { value: true, reason: { kind: 'FALLTHROUGH' } } } })
    await events.close()
  })

  it('refuses a bad context before opening a stream', async () => {
    const { keys } = await setUp()
    const res = await ld(`/eval/${keys.client}/not-base64-json`)
    expect(res.status).toBe(400)
  })
})

describe('GET /ping/{clientSideId}', () => {
  it('sends a ping on each change', async () => {
    const { environment, keys } = await setUp()
    const events = readEvents(await ld(`/ping/${keys.client}`))
    await sendWebhook({ environment, op: 'patch', flags: { web: boolFlag('web', { on: false }) } })
    expect(await events.next()).toMatchObject({ event: 'ping' })
    await events.close()
  })
})

describe('mobile', () => {
  const mobile = (key: string) => ({ Authorization: `api_key ${key}` })

  it('answers a mobile key the flags made available to mobile keys', async () => {
    const { keys } = await setUp()
    const res = await ld(`/msdk/evalx/contexts/${base64url(user)}`, { headers: mobile(keys.mobile) })
    expect(Object.keys(await res.json<object>()).sort()).toEqual(['app', 'promo'])
    const report = await ld('/msdk/evalx/context', {
      method: 'REPORT',
      headers: { ...mobile(keys.mobile), 'Content-Type': 'application/json' },
      body: JSON.stringify(user),
    })
    expect(await report.json()).toMatchObject({ app: { value: true }, promo: { value: false } })
  })

  it('refuses other kinds of keys and a missing one', async () => {
    const { keys } = await setUp()
    const path = `/msdk/evalx/contexts/${base64url(user)}`
    expect((await ld(path, { headers: mobile(keys.client) })).status).toBe(403)
    expect((await ld(path, { headers: { Authorization: keys.server } })).status).toBe(403)
    expect((await ld(path)).status).toBe(401)
  })

  it('streams a mobile context from /meval', async () => {
    const { environment, keys } = await setUp()
    const events = readEvents(await ld(`/meval/${base64url(user)}`, { headers: mobile(keys.mobile) }))
    expect(await events.next()).toMatchObject({ event: 'put', data: { app: { value: true } } })
    await sendWebhook({ environment, op: 'patch', flags: { app: boolFlag('app', { on: false, clientSideAvailability: { usingMobileKey: true } }) } })
    expect(await events.next()).toMatchObject({ event: 'patch', data: { key: 'app', value: false, version: 2 } })
    await events.close()
  })
})
