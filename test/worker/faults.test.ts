import { env } from 'cloudflare:workers'
import { abortAllDurableObjects, createExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import type { Env } from '../../src/env'
import { newEnvironment } from './support/environments'
import { boolFlag, environmentName, sendWebhook } from './support/webhook'

// Faults the service must ride out (issue 7): slow KV, restarts during a burst, redelivered
// and reordered webhooks.

const evaluate = (bindings: Env, key: string) =>
  app.fetch(
    new Request('http://edgeflags.test/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: '{"context":{"targetingKey":"u"}}',
    }),
    bindings,
    createExecutionContext(),
  )

describe('a warm isolate with slow KV', () => {
  it('answers from memory without waiting for KV', async () => {
    const { keys } = await newEnvironment()
    const gate = { slow: false }
    const never = new Promise<never>(() => undefined)
    const kv = new Proxy(env.FLAGS, {
      get(target, property) {
        const value = Reflect.get(target, property)
        if (property !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value
        return (...args: unknown[]) => (gate.slow && String(args[0]).startsWith('env/') ? never : value.apply(target, args))
      },
    })
    const bindings = { ...env, FLAGS: kv, REFRESH_MS: '0' } as Env
    expect((await evaluate(bindings, keys.client)).status).toBe(200)
    gate.slow = true
    // every request now starts a refresh that never finishes; answers must not wait for it
    for (let i = 0; i < 3; i += 1) expect((await evaluate(bindings, keys.client)).status).toBe(200)
  })
})

describe('webhooks redelivered and out of order', () => {
  it('end at the newest change, with older and repeated ones as no-ops', async () => {
    const environment = environmentName()
    const change = (version: number) => ({ environment, version, op: 'patch', flags: { [`v${version}`]: boolFlag(`v${version}`) } })
    for (const version of [1, 2, 3]) expect((await sendWebhook(change(version))).status).toBe(200)
    const redelivered = await sendWebhook(change(3))
    expect(await redelivered.json()).toMatchObject({ version: 3, unchanged: true })
    const older = await sendWebhook(change(2))
    expect(older.status).toBe(409)
    expect(await env.HUB.getByName(environment).status(environment)).toMatchObject({ version: 3, flags: 3 })
  })
})

describe('a Hub restarted during a burst of webhooks', () => {
  it('keeps every change it acknowledged', async () => {
    const environment = environmentName()
    const acknowledged: number[] = []
    const send = async (i: number) => {
      const res = await sendWebhook({ environment, op: 'patch', flags: { [`f${i}`]: boolFlag(`f${i}`) } })
      if (res.status === 200) acknowledged.push(i)
    }
    const first = Array.from({ length: 10 }, (_, i) => send(i))
    await abortAllDurableObjects()
    const second = Array.from({ length: 10 }, (_, i) => send(10 + i))
    await Promise.allSettled([...first, ...second])
    expect(acknowledged.length).toBeGreaterThan(0)
    // read back from the Hub's storage: every acknowledged flag is there
    const hub = env.HUB.getByName(environment) as unknown as { snapshot(name: string): Promise<{ flags: Record<string, unknown> }> }
    const { flags } = await hub.snapshot(environment)
    for (const i of acknowledged) expect(flags, `f${i}`).toHaveProperty(`f${i}`)
  })
})
