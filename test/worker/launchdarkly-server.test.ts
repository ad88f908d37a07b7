import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { putKey } from './support/environments'
import { readEvents } from './support/sse'
import { boolFlag, environmentName, sendWebhook } from './support/webhook'

// LaunchDarkly's server-side protocol (src/routes/launchdarkly/server.ts). The unmodified Node
// server SDK runs against it in test/e2e/launchdarkly-server-sdk.test.ts.

const BASE = 'http://edgeflags.test'

const beta = { key: 'beta', included: ['u1'], version: 2 }
const gated = boolFlag('gated', {
  rules: [{ id: 'beta', variation: 0, clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['beta'] }] }],
})

const setUp = async () => {
  const environment = environmentName()
  const keys = { server: `s-${crypto.randomUUID()}`, client: `c-${crypto.randomUUID()}` }
  await putKey(keys.server, environment, 'server')
  await putKey(keys.client, environment, 'client')
  await sendWebhook({ environment, op: 'replace', flags: { gated, plain: boolFlag('plain', { version: 5 }) }, segments: { beta } })
  const get = (path: string, headers: Record<string, string> = {}) =>
    exports.default.fetch(`${BASE}${path}`, { headers: { Authorization: keys.server, ...headers } })
  return { environment, keys, get }
}

describe('GET /sdk/latest-all', () => {
  it("answers every flag and segment in LaunchDarkly's JSON, with an ETag", async () => {
    const { get } = await setUp()
    const res = await get('/sdk/latest-all')
    expect(res.status).toBe(200)
    const body = await res.json<{ flags: Record<string, unknown>; segments: Record<string, unknown> }>()
    expect(Object.keys(body.flags).sort()).toEqual(['gated', 'plain'])
    expect(body.flags.plain).toMatchObject({ key: 'plain', version: 5, on: true, variations: [false, true], salt: '', deleted: false })
    expect(body.segments.beta).toMatchObject({ key: 'beta', version: 2, included: ['u1'] })
    const etag = res.headers.get('ETag')!
    expect((await get('/sdk/latest-all', { 'If-None-Match': etag })).status).toBe(304)
  })

  it('changes its ETag with the version', async () => {
    const { environment, get } = await setUp()
    const before = (await get('/sdk/latest-all')).headers.get('ETag')
    await sendWebhook({ environment, op: 'patch', flags: { plain: boolFlag('plain', { on: false }) } })
    const res = await get('/sdk/latest-all', { 'If-None-Match': before! })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ flags: { plain: { on: false, version: 6 } } })
  })

  it('takes the key raw, as the SDKs send it, or as Bearer; only server keys', async () => {
    const { keys } = await setUp()
    const send = (authorization?: string) =>
      exports.default.fetch(`${BASE}/sdk/latest-all`, { headers: authorization === undefined ? {} : { Authorization: authorization } })
    expect((await send(`Bearer ${keys.server}`)).status).toBe(200)
    expect((await send(keys.client)).status).toBe(403)
    expect((await send('nope')).status).toBe(401)
    expect((await send()).status).toBe(401)
  })
})

describe('single items', () => {
  it('answers one flag or segment, and 404 for a key it does not have', async () => {
    const { get } = await setUp()
    expect(await (await get('/sdk/latest-flags/plain')).json()).toMatchObject({ key: 'plain', version: 5 })
    expect(await (await get('/sdk/latest-segments/beta')).json()).toMatchObject({ key: 'beta' })
    expect(Object.keys(await (await get('/sdk/latest-flags')).json<object>()).sort()).toEqual(['gated', 'plain'])
    expect(await (await get('/sdk/flags/gated')).json()).toMatchObject({ key: 'gated' })
    const missing = await get('/sdk/latest-flags/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
    expect((await get('/sdk/latest-flags/__proto__')).status).toBe(404)
  })
})

describe('GET /all', () => {
  it('puts the ruleset, then patches and deletes each changed item with a newer version', async () => {
    const { environment, get } = await setUp()
    const res = await get('/all')
    expect(res.headers.get('Content-Type')).toBe('text/event-stream')
    const events = readEvents(res)
    const put = await events.next()
    expect(put).toMatchObject({ event: 'put', data: { path: '/', data: { flags: { gated: { key: 'gated' }, plain: { version: 5 } }, segments: { beta: { version: 2 } } } } })

    // sent without a new version: the Hub raises it, or the SDK would keep the old flag
    await sendWebhook({ environment, op: 'patch', flags: { plain: boolFlag('plain', { version: 5, on: false }) } })
    expect(await events.next()).toMatchObject({ event: 'patch', data: { path: '/flags/plain', data: { key: 'plain', on: false, version: 6 } } })

    await sendWebhook({ environment, op: 'patch', flags: { gated: null }, segments: { beta: { ...beta, included: ['u2'] } } })
    expect(await events.next()).toMatchObject({ event: 'patch', data: { path: '/segments/beta', data: { included: ['u2'], version: 3 } } })
    expect(await events.next()).toEqual({ event: 'delete', data: { path: '/flags/gated', version: 1 } })
    await events.close()
  })

  it('gives a reconnecting SDK a fresh put', async () => {
    const { environment, get } = await setUp()
    const first = readEvents(await get('/all'))
    await first.next()
    await first.close()
    await sendWebhook({ environment, op: 'patch', flags: { plain: boolFlag('plain', { on: false }) } })
    const again = readEvents(await get('/all'))
    expect(await again.next()).toMatchObject({ event: 'put', data: { data: { flags: { plain: { on: false } } } } })
    await again.close()
  })

  it('refuses keys other than server keys before opening a stream', async () => {
    const { keys } = await setUp()
    const res = await exports.default.fetch(`${BASE}/all`, { headers: { Authorization: keys.client } })
    expect(res.status).toBe(403)
  })
})
