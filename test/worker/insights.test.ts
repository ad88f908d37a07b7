import { env, exports } from 'cloudflare:workers'
import { abortAllDurableObjects, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { FLUSH_MS } from '../../src/insights/accumulator'
import { flushInsights, isolateInsights } from '../../src/insights/worker'
import type { InsightsReport } from '../../src/insights/report'
import { ofrepBulk, renderedAnswers } from '../../src/routes/ofrep-bulk'
import { putKey } from './support/environments'
import { until } from './support/faults'
import { ofrepPost } from './support/requests'
import { openSocket } from './support/sockets'
import { readEvents } from './support/sse'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'

// Flag insights end to end in the Workers runtime: what each protocol serves is counted, reaches
// the environment's Hub, and shows in GET /admin/v1/environments/{env}/insights.

const BASE = 'http://edgeflags.test'

const norway = { contextKind: 'user', attribute: 'country', op: 'in', values: ['no'] }
const FLAGS = {
  // variation 0 for contexts in Norway, 1 for the rest
  promo: boolFlag('promo', { rules: [{ id: 'norway', variation: 0, clauses: [norway] }] }),
  other: boolFlag('other'),
  // off without an off variation: no variation is served, which counts as "default"
  dormant: boolFlag('dormant', { on: false, offVariation: null }),
}

const setUp = async () => {
  const environment = environmentName()
  const keys = { client: `c-${crypto.randomUUID()}`, server: `s-${crypto.randomUUID()}` }
  await putKey(keys.client, environment, 'client')
  await putKey(keys.server, environment, 'server')
  await sendWebhook({ environment, op: 'replace', flags: FLAGS })
  return { environment, keys }
}

const inNorway = { targetingKey: 'u1', country: 'no' }

/** Sends what this isolate counted to the Hubs now, as a request's waitUntil would. */
const flush = async () => {
  const ctx = createExecutionContext()
  flushInsights(env, ctx)
  await waitOnExecutionContext(ctx)
}

const insights = async (environment: string, query = '') => {
  const res = await adminRequest(`/${environment}/insights${query}`)
  expect(res.status).toBe(200)
  return res.json<InsightsReport>()
}

const variationsOf = async (environment: string) =>
  Object.fromEntries((await insights(environment)).flags.map((flag) => [flag.key, flag.variations]))

const base64url = (json: unknown) =>
  btoa(JSON.stringify(json)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')

afterEach(() => {
  isolateInsights.now = Date.now
  isolateInsights.deadlineMs = FLUSH_MS
})

describe('evaluation counts', () => {
  it("reach the Hub by the window's deadline when the isolate gets no further request", async () => {
    const { environment, keys } = await setUp()
    isolateInsights.deadlineMs = 200
    // one request, and nothing after it: its waitUntil sends the window when the deadline passes
    expect((await ofrepPost('', keys.client, { context: inNorway })).status).toBe(200)
    await until(async () => (await variationsOf(environment)).promo?.[0] === 1, 'the deadline send to reach the Hub')
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 1 }, other: { 1: 1 }, dormant: { default: 1 } })
  })

  it('counts OFREP bulk answers by variation, cached answers too', async () => {
    const { environment, keys } = await setUp()
    const cached = renderedAnswers.size
    // the second request of a context keeps its rendering; the third is served from it
    for (let i = 0; i < 3; i++) expect((await ofrepPost('', keys.client, { context: inNorway })).status).toBe(200)
    expect(renderedAnswers.size).toBe(cached + 1)
    await ofrepPost('', keys.client, { context: { targetingKey: 'u2' } })
    await flush()
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 3, 1: 1 }, other: { 1: 4 }, dormant: { default: 4 } })
  })

  it('counts single OFREP evaluations, and not flags that are not found', async () => {
    const { environment, keys } = await setUp()
    await ofrepPost('/promo', keys.client, { context: inNorway })
    await ofrepPost('/dormant', keys.client, { context: inNorway })
    expect((await ofrepPost('/nope', keys.client, { context: inNorway })).status).toBe(404)
    await flush()
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 1 }, other: {}, dormant: { default: 1 } })
  })

  it("counts LaunchDarkly's evalx answers", async () => {
    const { environment, keys } = await setUp()
    const res = await exports.default.fetch(`${BASE}/sdk/evalx/${keys.client}/contexts/${base64url({ kind: 'user', key: 'u1', country: 'no' })}`)
    expect(res.status).toBe(200)
    await flush()
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 1 }, other: { 1: 1 }, dormant: { default: 1 } })
  })

  it("counts the summaries in SDKs' events, only for flags and variations that exist", async () => {
    const { environment, keys } = await setUp()
    const features = {
      promo: { counters: [{ variation: 1, count: 5 }, { count: 2 }, { variation: 7, count: 9 }] },
      nope: { counters: [{ variation: 0, count: 4 }] },
    }
    const res = await exports.default.fetch(`${BASE}/bulk`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: keys.server },
      body: JSON.stringify([{ kind: 'summary', startDate: 1, endDate: 2, features }]),
    })
    expect(res.status).toBe(202)
    await flush()
    const report = await insights(environment)
    expect(report.flags.map((flag) => flag.key)).not.toContain('nope')
    expect(report.flags.find((flag) => flag.key === 'promo')).toMatchObject({ evaluations: 7, variations: { 1: 5, default: 2 } })
  })

  it('counts WebSocket puts and patches', async () => {
    const { environment, keys } = await setUp()
    const socket = await openSocket(keys.client, inNorway)
    expect((await socket.next()).type).toBe('put')
    // the rule now names Sweden: this context falls through to variation 1
    const sweden = { ...norway, values: ['se'] }
    await sendWebhook({ environment, op: 'patch', flags: { promo: boolFlag('promo', { rules: [{ id: 'sweden', variation: 0, clauses: [sweden] }] }) } })
    expect(await socket.next()).toMatchObject({ type: 'patch', flags: { promo: { variant: '1' } } })
    socket.socket.close()
    // the Hub's own counts need no isolate flush
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 1, 1: 1 }, other: { 1: 1 }, dormant: { default: 1 } })
  })

  it("counts LaunchDarkly's /eval stream puts and patches", async () => {
    const { environment, keys } = await setUp()
    const events = readEvents(await exports.default.fetch(`${BASE}/eval/${keys.client}/${base64url({ kind: 'user', key: 'u1', country: 'no' })}`))
    expect((await events.next()).event).toBe('put')
    await sendWebhook({ environment, op: 'patch', flags: { other: boolFlag('other', { fallthrough: { variation: 0 } }) } })
    expect(await events.next()).toMatchObject({ event: 'patch', data: { key: 'other', variation: 0 } })
    await events.close()
    expect(await variationsOf(environment)).toEqual({ promo: { 0: 1 }, other: { 0: 1, 1: 1 }, dormant: { default: 1 } })
  })

  it('counts nothing with INSIGHTS=off', async () => {
    const { environment, keys } = await setUp()
    const ctx = createExecutionContext()
    const request = new Request(`${BASE}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keys.client}` },
      body: JSON.stringify({ context: inNorway }),
    })
    expect((await ofrepBulk(request, { ...env, INSIGHTS: 'off' }, ctx)).status).toBe(200)
    await waitOnExecutionContext(ctx)
    await flush()
    expect((await insights(environment)).flags.every((flag) => flag.evaluations === 0)).toBe(true)
  })
})

describe('flushing', () => {
  it('sends counts from a request once its window is 10 s old, not before', async () => {
    const { environment, keys } = await setUp()
    let now = Date.now()
    isolateInsights.now = () => now
    await ofrepPost('/promo', keys.client, { context: inNorway })
    now += 9_999
    await ofrepPost('/promo', keys.client, { context: inNorway })
    expect((await insights(environment)).flags.find((flag) => flag.key === 'promo')?.evaluations).toBe(0)
    now += 1
    // this request finds the window 10 s old: the two before it leave, after its answer
    await ofrepPost('/other', keys.client, { context: inNorway })
    await until(async () => (await variationsOf(environment)).promo[0] === 2, 'the flush that request started')
    expect((await variationsOf(environment)).other).toEqual({})
  })

  it('keeps every flushed batch across a Hub restart', async () => {
    const { environment, keys } = await setUp()
    await ofrepPost('/promo', keys.client, { context: inNorway })
    await flush()
    await abortAllDurableObjects()
    await ofrepPost('/promo', keys.client, { context: { targetingKey: 'u2' } })
    await flush()
    expect((await variationsOf(environment)).promo).toEqual({ 0: 1, 1: 1 })
  })
})

describe('GET /admin/v1/environments/{env}/insights', () => {
  it('reports each flag with its status, last evaluation and window', async () => {
    const { environment, keys } = await setUp()
    await ofrepPost('/promo', keys.client, { context: inNorway })
    await flush()
    const report = await insights(environment, '?days=30')
    expect(report).toMatchObject({ environment, days: 30, staleDays: 7 })
    expect(Date.parse(report.to) - Date.parse(report.from)).toBe(30 * 86_400_000)
    const promo = report.flags.find((flag) => flag.key === 'promo')!
    expect(promo).toMatchObject({ status: 'active', evaluations: 1 })
    expect(Date.parse(promo.lastEvaluated!)).toBeGreaterThan(Date.now() - 60_000)
    // created just now and never evaluated
    expect(report.flags.find((flag) => flag.key === 'other')).toMatchObject({ status: 'inactive-new', evaluations: 0, lastEvaluated: null })
  })

  it('refuses days outside 1 to 90, and environments without changes', async () => {
    const { environment } = await setUp()
    for (const days of ['0', '91', 'x', '1.5', '']) {
      const res = await adminRequest(`/${environment}/insights?days=${days}`)
      expect(res.status, days).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_days' } })
    }
    expect((await adminRequest(`/${environment}/insights?days=90`)).status).toBe(200)
    expect((await adminRequest(`/${environmentName()}/insights`)).status).toBe(404)
    expect((await adminRequest(`/${environment}/insights`, {}, 'wrong')).status).toBe(401)
  })
})
