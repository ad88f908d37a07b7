import { env } from 'cloudflare:workers'
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Hub } from '../../src/hub/hub'
import { sha256Hex } from '../../src/store/hash'
import { forgetApiKeys } from '../../src/store/api-keys'
import { apiKeyRecordKey } from '../../src/store/kv-keys'
import { failingKv, until } from './support/faults'
import { ofrepPost } from './support/requests'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'

// The Hub's storage is the truth about keys; KV's records are derived from it. Whatever fails
// between the two writes, every key that authenticates is listed and revocable, and registering
// it again never answers 409 to the environment that owns it.

const register = (environment: string, key: string, kind = 'client') =>
  adminRequest(`/${environment}/keys`, { method: 'POST', body: JSON.stringify({ kind, name: 'app', key }) })

const listed = async (environment: string) =>
  ((await (await adminRequest(`/${environment}/keys`)).json()) as { keys: { id: string }[] }).keys.map(({ id }) => id)

/** Whether the key authenticates now (the isolate forgets what it remembered of keys first). */
const authenticates = async (key: string, flag = 'a') => {
  forgetApiKeys()
  return (await ofrepPost(`/${flag}`, key, { context: { targetingKey: 'u' } })).status === 200
}

const newEnvironment = async () => {
  const environment = environmentName()
  await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a') } })
  return environment
}

const idOf = (key: string) => sha256Hex(key).slice(0, 24)

/** Puts a KV binding into the environment's Hub whose `methods` fail while the switch is set. */
const breakKv = async (environment: string, methods: string[] = ['put']) => {
  const kv = { failing: true }
  await runInDurableObject(env.HUB.getByName(environment), (hub: Hub) => {
    hub.kv = failingKv(kv, methods)
  })
  return kv
}

describe('API keys when KV fails between the two writes', () => {
  it('keeps a key whose KV write failed listed and revocable, and publishes it by alarm', async () => {
    const environment = await newEnvironment()
    const kv = await breakKv(environment)
    const key = `key-${crypto.randomUUID()}`
    const res = await register(environment, key)
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ id: idOf(key), key, published: false })
    expect(await listed(environment)).toContain(idOf(key))
    expect(await authenticates(key)).toBe(false)

    kv.failing = false
    await runDurableObjectAlarm(env.HUB.getByName(environment))
    await until(() => authenticates(key), 'the alarm to publish the key')
  })

  it('publishes a stored key when its registration is retried, without a 409', async () => {
    const environment = await newEnvironment()
    const kv = await breakKv(environment)
    const key = `key-${crypto.randomUUID()}`
    expect((await register(environment, key)).status).toBe(201)
    kv.failing = false
    const again = await register(environment, key)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ id: idOf(key), published: true })
    expect(await authenticates(key)).toBe(true)
  })

  it('writes a lost KV record again when the key is registered again', async () => {
    const environment = await newEnvironment()
    const key = `key-${crypto.randomUUID()}`
    expect((await register(environment, key)).status).toBe(201)
    await env.FLAGS.delete(apiKeyRecordKey(sha256Hex(key)))
    expect(await authenticates(key)).toBe(false)
    const again = await register(environment, key)
    expect(again.status).toBe(200)
    expect(await authenticates(key)).toBe(true)
  })

  it('keeps a key listed when deleting its KV record fails, so the revocation can be retried', async () => {
    const environment = await newEnvironment()
    const key = `key-${crypto.randomUUID()}`
    expect((await register(environment, key)).status).toBe(201)
    const kv = await breakKv(environment, ['delete'])
    const refused = await adminRequest(`/${environment}/keys/${idOf(key)}`, { method: 'DELETE' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('Retry-After')).toBe('5')
    expect(await listed(environment)).toContain(idOf(key))
    expect(await authenticates(key)).toBe(true)
    kv.failing = false
    expect((await adminRequest(`/${environment}/keys/${idOf(key)}`, { method: 'DELETE' })).status).toBe(204)
    expect(await listed(environment)).not.toContain(idOf(key))
    expect(await authenticates(key)).toBe(false)
  })
})

describe('KV key records no Hub knows (left by a crash before the Hub wrote first)', () => {
  const orphan = async (key: string, environment: string) =>
    env.FLAGS.put(
      apiKeyRecordKey(sha256Hex(key)),
      JSON.stringify({ environment, kind: 'client', name: 'orphan', createdAt: new Date(0).toISOString() }),
    )

  it('adopts a record naming this environment: registered, listed and revocable', async () => {
    const environment = await newEnvironment()
    const key = `key-${crypto.randomUUID()}`
    await orphan(key, environment)
    expect(await authenticates(key)).toBe(true)
    expect(await listed(environment)).not.toContain(idOf(key))
    expect((await register(environment, key)).status).toBe(201)
    expect(await listed(environment)).toContain(idOf(key))
    expect((await adminRequest(`/${environment}/keys/${idOf(key)}`, { method: 'DELETE' })).status).toBe(204)
    expect(await authenticates(key)).toBe(false)
  })

  it("replaces a record naming another environment whose Hub never recorded it", async () => {
    const [environment, other] = [await newEnvironment(), await newEnvironment()]
    const key = `key-${crypto.randomUUID()}`
    await orphan(key, other)
    expect((await register(environment, key)).status).toBe(201)
    expect(await listed(environment)).toContain(idOf(key))
    expect(await authenticates(key)).toBe(true)
  })

  it('refuses with 409 a key that another environment holds', async () => {
    const [environment, other] = [await newEnvironment(), await newEnvironment()]
    const key = `key-${crypto.randomUUID()}`
    expect((await register(other, key)).status).toBe(201)
    const res = await register(environment, key)
    expect(res.status).toBe(409)
    expect(await listed(environment)).not.toContain(idOf(key))
  })
})
