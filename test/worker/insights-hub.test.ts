import { env } from 'cloudflare:workers'
import { abortAllDurableObjects, createExecutionContext, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import type { Env } from '../../src/env'
import type { InsightsReport } from '../../src/insights/report'
import { putKey } from './support/environments'
import { until } from './support/faults'
import { openSocket } from './support/sockets'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'

// What the Hub serves itself (WebSocket puts and patches) is counted in its memory and stored
// within HUB_WRITE_MS (2 s) without any request asking for it; shards send theirs to the writer.

const promoIn = (environment: string) =>
  env.HUB.getByName(environment)
    .insights(environment, { days: 1, staleDays: 7 })
    .then((report) => (report as InsightsReport).flags.find((flag) => flag.key === 'promo')?.variations ?? {})

const storedHours = (environment: string) =>
  runInDurableObject(env.HUB.getByName(environment), (_, state) => [...state.storage.kv.list({ prefix: 'insights-hour:' })].length)

describe("the Hub's own counts", () => {
  it('are stored within seconds, and kept across a restart', { timeout: 30_000 }, async () => {
    const environment = environmentName()
    const key = `c-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    await sendWebhook({ environment, op: 'replace', flags: { promo: boolFlag('promo') } })
    const socket = await openSocket(key, { targetingKey: 'u1' })
    expect((await socket.next()).type).toBe('put')
    socket.socket.close()
    // nothing asks the Hub for them: its own write stores them
    await until(async () => (await storedHours(environment)) > 0, "the Hub's write of its counts")
    await abortAllDurableObjects()
    expect(await promoIn(environment)).toEqual({ 1: 1 })
  })

  it("reach the writer from shards' sockets with HUB_SHARDS=4", { timeout: 30_000 }, async () => {
    const sharded = { ...env, HUB_SHARDS: '4' } as Env
    const environment = environmentName()
    const key = `c-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    await sendWebhook({ environment, op: 'replace', flags: { promo: boolFlag('promo') } })
    const sockets = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const context = btoa(JSON.stringify({ targetingKey: crypto.randomUUID() })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
        const res = await app.fetch(new Request(`http://edgeflags.test/v1/stream?key=${key}&context=${context}`, { headers: { Upgrade: 'websocket' } }), sharded, createExecutionContext())
        res.webSocket!.accept()
        return res.webSocket!
      }),
    )
    await until(async () => (await promoIn(environment))[1] === 8, 'every shard to send its counts to the writer')
    for (const socket of sockets) socket.close()
    const res = await adminRequest(`/${environment}/insights?days=1`)
    expect((await res.json<InsightsReport>()).flags).toMatchObject([{ key: 'promo', evaluations: 8 }])
  })
})

describe('insights at the limits of an environment', () => {
  // One hour of counts for 5,000 flags with 256-character keys and 40 variations each is over
  // SQLite's 2 MB a value: stored in one row, every flush failed with SQLITE_TOOBIG and was lost.
  it('stores an hour of 5,000 long-keyed flags with 40 variations each, and reports every count', { timeout: 120_000 }, async () => {
    const environment = environmentName()
    const keys = Array.from({ length: 5_000 }, (_, i) => `${String(i).padStart(4, '0')}-${'k'.repeat(251)}`)
    const variations = Array.from({ length: 40 }, (_, v) => v)
    const flags = Object.fromEntries(keys.map((key) => [key, { ...boolFlag(key), variations }]))
    expect((await sendWebhook({ environment, op: 'replace', flags })).status).toBe(200)
    const counts = new Map(keys.map((key) => [key, new Map(variations.map((v) => [String(v), 1_000_000 + v]))]))
    const hub = env.HUB.getByName(environment)
    await hub.recordEvaluations(environment, [{ at: Date.now(), counts }])
    await hub.recordEvaluations(environment, [{ at: Date.now(), counts }])
    const report = (await hub.insights(environment, { days: 1, staleDays: 7 })) as InsightsReport
    const perFlag = 2 * variations.reduce((sum, v) => sum + 1_000_000 + v, 0)
    expect(report.flags).toHaveLength(5_000)
    expect(report.flags.filter((flag) => flag.evaluations !== perFlag)).toEqual([])
    expect(report.flags.filter((flag) => flag.lastEvaluated === null)).toEqual([])
  })
})
