import { env } from 'cloudflare:workers'
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Hub } from '../../src/hub/hub'
import { rulesetKey } from '../../src/store/kv-keys'
import { failingKv, until } from './support/faults'
import { boolFlag, environmentName, sendWebhook } from './support/webhook'

const storedVersion = async (environment: string) =>
  ((await env.FLAGS.get(rulesetKey(environment), 'json')) as { version: number } | null)?.version ?? 0

describe('the Hub', () => {
  it('serialises 100 concurrent patches: all present, each its own version', async () => {
    const environment = environmentName()
    await sendWebhook({ environment, op: 'replace', flags: {} , segments: {}, settings: { launchDarklyClientSideId: null } })
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => sendWebhook({ environment, op: 'patch', flags: { [`f${i}`]: boolFlag(`f${i}`) } })),
    )
    const bodies = (await Promise.all(responses.map((res) => res.json()))) as { version: number }[]
    expect(responses.every((res) => res.status === 200)).toBe(true)
    expect(new Set(bodies.map((body) => body.version)).size).toBe(100)
    const status = await env.HUB.getByName(environment).status(environment)
    expect(status).toMatchObject({ flags: 100 })
    expect(Math.max(...bodies.map((body) => body.version))).toBe(status!.version)
  })

  it('keeps every acknowledged change across a restart', async () => {
    const environment = environmentName()
    await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a') } })
    await sendWebhook({ environment, op: 'patch', flags: { b: boolFlag('b') } })
    await abortAllDurableObjects()
    expect(await env.HUB.getByName(environment).status(environment)).toMatchObject({ version: 2, flags: 2 })
  })

  it('writes KV at most once a second: a burst lands as its last version', async () => {
    const environment = environmentName()
    const started = Date.now()
    for (let i = 0; i < 5; i += 1) {
      await sendWebhook({ environment, op: 'patch', flags: { [`f${i}`]: boolFlag(`f${i}`) } })
    }
    const stub = env.HUB.getByName(environment)
    // the alarms fire on their own: the first change at once, the rest a second after it
    await until(async () => (await stub.status(environment))!.kv.version === 5, 'KV to reach version 5')
    expect(await storedVersion(environment)).toBe(5)
    expect((await stub.status(environment))!.kv).toMatchObject({ version: 5, pending: false })
    // at most one write per started second (the first goes out at once)
    const seconds = (Date.now() - started) / 1000
    expect((await stub.status(environment))!.kv.writes).toBeLessThanOrEqual(1 + Math.floor(seconds))
    expect((await stub.status(environment))!.kv.writes).toBeLessThan(5)
  })

  it('retries a failed KV write by alarm until it lands, losing nothing', async () => {
    const environment = environmentName()
    const stub = env.HUB.getByName(environment)
    const kv = { failing: true }
    await runInDurableObject(stub, (hub: Hub) => {
      hub.kv = failingKv(kv)
    })
    await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a') } })
    await until(async () => (await stub.status(environment))!.kv.failures >= 1, 'a failed KV write')
    await sendWebhook({ environment, op: 'patch', flags: { b: boolFlag('b') } })
    expect(await stub.status(environment)).toMatchObject({ version: 2, kv: { version: 0, pending: true } })
    expect(await storedVersion(environment)).toBe(0)
    kv.failing = false
    // the retry alarm (backing off from one second) writes the newest version, nothing older
    await until(async () => (await stub.status(environment))!.kv.version === 2, 'the retried write')
    expect(await stub.status(environment)).toMatchObject({ kv: { version: 2, pending: false, failures: 0 } })
    expect(await storedVersion(environment)).toBe(2)
  })

  it('purges the cache tag through Cloudflare\'s API when credentials are set', async () => {
    const environment = environmentName()
    const stub = env.HUB.getByName(environment)
    const calls: { url: string; body: string; auth: string | null }[] = []
    await runInDurableObject(stub, (hub: Hub) => {
      hub.purgeCredentials = () => ({ apiToken: 'token-1', zoneId: 'zone-1' })
      // Cloudflare's API is not called from tests: this answers for it and records the request
      hub.send = async (input, init) => {
        const request = new Request(input, init)
        calls.push({ url: request.url, body: await request.text(), auth: request.headers.get('Authorization') })
        return Response.json({ success: true })
      }
    })
    await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a') } })
    await runDurableObjectAlarm(stub)
    // the alarm may have fired on its own and still be writing: give it a deadline
    await until(async () => calls.length > 0, 'the purge request')
    expect(calls).toContainEqual({
      url: 'https://api.cloudflare.com/client/v4/zones/zone-1/purge_cache',
      body: JSON.stringify({ tags: [`edgeflags-${environment}`] }),
      auth: 'Bearer token-1',
    })
  })
})
