import { env, exports } from 'cloudflare:workers'
import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import type { Hub } from '../../src/hub/hub'
import { describe, expect, it } from 'vitest'
import { putKey } from './support/environments'
import { boolFlag, environmentName, sendWebhook } from './support/webhook'
import { openSocket, quietFor } from './support/sockets'

// A targeted rule: contexts in Norway get variation 0 of "promo".
const promo = (extra: Record<string, unknown> = {}) =>
  boolFlag('promo', {
    rules: [{ id: 'norway', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['no'] }] }],
    ...extra,
  })

const setUp = async () => {
  const environment = environmentName()
  const keys = { client: `c-${crypto.randomUUID()}`, server: `s-${crypto.randomUUID()}` }
  await putKey(keys.client, environment, 'client')
  await putKey(keys.server, environment, 'server')
  await sendWebhook({ environment, op: 'replace', flags: { promo: promo(), other: boolFlag('other') } })
  return { environment, keys }
}

describe('GET /v1/stream', () => {
  it('sends a put with the flags this key may see on connect', async () => {
    const { keys } = await setUp()
    const socket = await openSocket(keys.client, { targetingKey: 'u1', country: 'no' })
    expect(await socket.next()).toEqual({
      type: 'put',
      version: 1,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      flags: {
        promo: { value: false, variant: '0', reason: 'TARGETING_MATCH' },
        other: { value: true, variant: '1', reason: 'DEFAULT' },
      },
    })
    socket.socket.close()
  })

  it('carries a context in any script to the Hub intact (emoji, CJK), and keeps it across changes', async () => {
    const environment = environmentName()
    const key = `c-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    const city = (values: string[]) =>
      boolFlag('local', { rules: [{ id: 'tokyo', variation: 0, clauses: [{ attribute: 'city', op: 'in', values }] }] })
    await sendWebhook({ environment, op: 'replace', flags: { local: city(['東京 🗼']) } })
    const socket = await openSocket(key, { targetingKey: 'ユーザー-🦊', city: '東京 🗼', nickname: '狐🦊'.repeat(200) })
    expect((await socket.next()).flags).toEqual({ local: { value: false, variant: '0', reason: 'TARGETING_MATCH' } })
    // the Hub re-evaluates the context it stored on each change: it must have kept every character
    await sendWebhook({ environment, op: 'patch', flags: { local: city(['大阪']) } })
    expect(await socket.next()).toMatchObject({ type: 'patch', flags: { local: { value: true, reason: 'DEFAULT' } } })
    await sendWebhook({ environment, op: 'patch', flags: { local: city(['東京 🗼']) } })
    expect(await socket.next()).toMatchObject({ type: 'patch', flags: { local: { value: false, reason: 'TARGETING_MATCH' } } })
    socket.socket.close()
  })

  it('patches only the sockets whose values changed', async () => {
    const { environment, keys } = await setUp()
    const norway = await openSocket(keys.client, { targetingKey: 'n', country: 'no' })
    const sweden = await openSocket(keys.client, { targetingKey: 's', country: 'se' })
    const denmark = await openSocket(keys.client, { targetingKey: 'd', country: 'dk' })
    for (const socket of [norway, sweden, denmark]) await socket.next()
    // the rule now also covers Sweden: only the Swedish socket's value changes
    const rules = [{ id: 'norway', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['no', 'se'] }] }]
    await sendWebhook({ environment, op: 'patch', flags: { promo: promo({ rules }) } })
    expect(await sweden.next()).toEqual({
      type: 'patch',
      version: 2,
      updatedAt: expect.any(String),
      flags: { promo: { value: false, variant: '0', reason: 'TARGETING_MATCH' } },
      removed: [],
    })
    await quietFor(200)
    expect(norway.messages).toHaveLength(1)
    expect(denmark.messages).toHaveLength(1)
  })

  it('removes a flag that a client key may no longer see', async () => {
    const { environment, keys } = await setUp()
    const client = await openSocket(keys.client, { targetingKey: 'u' })
    const server = await openSocket(keys.server, { targetingKey: 'u' })
    await client.next()
    await server.next()
    const hidden = boolFlag('other', { clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false } })
    await sendWebhook({ environment, op: 'patch', flags: { other: hidden } })
    expect(await client.next()).toMatchObject({ type: 'patch', version: 2, flags: {}, removed: ['other'] })
    await quietFor(200)
    expect(server.messages).toHaveLength(1)
  })

  it('removes a deleted flag', async () => {
    const { environment, keys } = await setUp()
    const socket = await openSocket(keys.client, { targetingKey: 'u' })
    await socket.next()
    await sendWebhook({ environment, op: 'patch', flags: { other: null } })
    expect(await socket.next()).toMatchObject({ type: 'patch', removed: ['other'] })
  })

  it('answers identify with a put for the new context', async () => {
    const { keys } = await setUp()
    const socket = await openSocket(keys.client, { targetingKey: 'u', country: 'se' })
    expect((await socket.next()).flags?.promo).toMatchObject({ value: true })
    socket.send({ type: 'identify', context: { targetingKey: 'u', country: 'no' } })
    expect(await socket.next()).toMatchObject({ type: 'put', flags: { promo: { value: false } } })
  })

  it('answers an identify with a bad context with an error, keeping the socket', async () => {
    const { keys } = await setUp()
    const socket = await openSocket(keys.client, { targetingKey: 'u' })
    await socket.next()
    socket.send({ type: 'identify', context: { targetingKey: 5 } })
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'invalid_context' })
    socket.send('not json')
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'bad_message' })
  })

  it('closes with 4401 and a reason for an unknown key', async () => {
    const socket = await openSocket('nobody', { targetingKey: 'u' })
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'unauthorized' })
    expect(await socket.closed).toMatchObject({ code: 4401, reason: expect.stringContaining('key') })
  })

  it('closes with 4400 and a reason for a context that is not base64url JSON', async () => {
    const { keys } = await setUp()
    const socket = await openSocket(keys.client, undefined, '!!!not-base64')
    expect(await socket.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('base64url') })
  })

  it('answers 426 without an Upgrade header', async () => {
    const res = await exports.default.fetch('http://edgeflags.test/v1/stream?key=x')
    expect(res.status).toBe(426)
  })

  it('counts connected sockets in the environment status', async () => {
    const { environment, keys } = await setUp()
    const a = await openSocket(keys.client, { targetingKey: 'a' })
    const b = await openSocket(keys.client, { targetingKey: 'b' })
    await a.next()
    await b.next()
    expect(await env.HUB.getByName(environment).status(environment)).toMatchObject({ sockets: 2 })
  })

  it('patches a socket whose context the object had to reload from storage (after hibernation)', async () => {
    const { environment, keys } = await setUp()
    const sweden = await openSocket(keys.client, { targetingKey: 's', country: 'se' })
    await sweden.next()
    await runInDurableObject(env.HUB.getByName(environment), (hub: Hub) => hub.sockets.clear())
    const rules = [{ id: 'norway', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['se'] }] }]
    await sendWebhook({ environment, op: 'patch', flags: { promo: promo({ rules }) } })
    expect(await sweden.next()).toMatchObject({ type: 'patch', flags: { promo: { value: false } } })
  })

  it('still knows every socket context after the object restarts', async () => {
    const { environment, keys } = await setUp()
    const sweden = await openSocket(keys.client, { targetingKey: 's', country: 'se' })
    await sweden.next()
    await abortAllDurableObjects()
    const rules = [{ id: 'norway', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['se'] }] }]
    await sendWebhook({ environment, op: 'patch', flags: { promo: promo({ rules }) } })
    expect(await env.HUB.getByName(environment).status(environment)).toMatchObject({ version: 2 })
    // aborting the object closes its sockets in this runtime; what survives is the stored context
    const again = await openSocket(keys.client, { targetingKey: 's', country: 'se' })
    expect(await again.next()).toMatchObject({ type: 'put', version: 2, flags: { promo: { value: false } } })
  })
})
