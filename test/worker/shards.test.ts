import { env } from 'cloudflare:workers'
import { createExecutionContext, listDurableObjectIds } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import type { Env } from '../../src/env'
import { signBody } from '../../src/webhook/signature'
import { putKey } from './support/environments'
import { ADMIN_TOKEN, boolFlag, environmentName, WEBHOOK_SECRET } from './support/webhook'
import { quietFor } from './support/sockets'

// HUB_SHARDS=4: sockets spread over four shard objects; the writer publishes each change to all.
const sharded = { ...env, HUB_SHARDS: '4' } as Env
const call = (url: string, init?: RequestInit) => app.fetch(new Request(`http://edgeflags.test${url}`, init), sharded, createExecutionContext())

const push = async (body: object) => {
  const text = JSON.stringify(body)
  const signature = await signBody({ body: text, secret: WEBHOOK_SECRET, timestamp: Date.now() / 1000 })
  return call('/admin/v1/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Edgeflags-Signature': signature }, body: text })
}

const connect = async (key: string, country: string) => {
  const context = btoa(JSON.stringify({ targetingKey: crypto.randomUUID(), country })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const res = await call(`/v1/stream?key=${key}&context=${context}`, { headers: { Upgrade: 'websocket' } })
  const socket = res.webSocket!
  socket.accept()
  const messages: { type: string; flags?: Record<string, { value?: unknown }> }[] = []
  socket.addEventListener('message', (event) => messages.push(JSON.parse(event.data as string)))
  return { socket, messages }
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after 10 s waiting for ${what}`)
    await quietFor(20)
  }
}

const promo = (countries: string[]) =>
  boolFlag('promo', { rules: [{ id: 'r', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: countries }] }] })

describe('with HUB_SHARDS=4', () => {
  it('spreads sockets over shards and patches each affected socket once, whatever its shard', { timeout: 30_000 }, async () => {
    const environment = environmentName()
    const key = `c-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    expect((await push({ environment, op: 'replace', flags: { promo: promo(['no']) } })).status).toBe(200)
    const sockets = await Promise.all(Array.from({ length: 24 }, (_, i) => connect(key, i % 2 === 0 ? 'se' : 'dk')))
    await until(() => sockets.every(({ messages }) => messages.length === 1), 'every put')

    const shardObjects = (await listDurableObjectIds(env.HUB)).length
    expect(shardObjects).toBeGreaterThanOrEqual(3) // the writer and at least two of the four shards

    expect((await push({ environment, op: 'patch', flags: { promo: promo(['no', 'se']) } })).status).toBe(200)
    const swedes = sockets.filter((_, i) => i % 2 === 0)
    await until(() => swedes.every(({ messages }) => messages.length === 2), 'a patch on every Swedish socket')
    await quietFor(200)
    for (const { messages } of swedes) expect(messages[1]).toMatchObject({ type: 'patch', version: 2, flags: { promo: { value: false } } })
    for (const { messages } of sockets.filter((_, i) => i % 2 === 1)) expect(messages).toHaveLength(1)

    const status = await call(`/admin/v1/environments/${environment}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    expect(await status.json()).toMatchObject({ version: 2, sockets: 24 })
  })
})
