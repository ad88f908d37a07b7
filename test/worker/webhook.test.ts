import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { signBody } from '../../src/webhook/signature'
import { boolFlag, environmentName, sendWebhook, WEBHOOK_SECRET } from './support/webhook'
import { ofrepPost } from './support/requests'
import { putKey } from './support/environments'

const change = (environment: string, extra: Record<string, unknown> = {}) => ({
  environment,
  op: 'replace',
  flags: { a: boolFlag('a') },
  segments: {},
  ...extra,
})

const statusOf = async (environment: string) => env.HUB.getByName(environment).status(environment)

describe('webhook signatures', () => {
  it.each([
    ['no signature', null, 'signature_missing'],
    ['a malformed signature', 'v1=abc', 'signature_malformed'],
    ['a wrong signature', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'signature_invalid'],
  ])('refuses %s with 401 and writes nothing', async (_, sign, code) => {
    const environment = environmentName()
    const res = await sendWebhook(change(environment), { sign })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code } })
    expect(await statusOf(environment)).toBeUndefined()
  })

  it.each([
    ['the past', -301],
    ['the future', 301],
  ])('refuses a signature more than 300 s in %s (replay)', async (_, offset) => {
    const environment = environmentName()
    const res = await sendWebhook(change(environment), { now: Date.now() / 1000 + offset })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'signature_expired', message: expect.stringContaining('300') } })
  })

  it('refuses a body changed after signing', async () => {
    const environment = environmentName()
    const signed = JSON.stringify(change(environment))
    const sign = await signBody({ body: signed, secret: WEBHOOK_SECRET, timestamp: Date.now() / 1000 })
    const res = await sendWebhook(signed.replace('"on":true', '"on":false'), { sign })
    expect(res.status).toBe(401)
    expect(await statusOf(environment)).toBeUndefined()
  })

  it('accepts any of several v1 signatures (secret rotation)', async () => {
    const environment = environmentName()
    const body = JSON.stringify(change(environment))
    const now = Date.now() / 1000
    const old = await signBody({ body, secret: 'retired-secret', timestamp: now })
    const current = await signBody({ body, secret: WEBHOOK_SECRET, timestamp: now })
    const res = await sendWebhook(body, { sign: `${old},${current.split(',')[1]}` })
    expect(res.status).toBe(200)
  })
})

describe('webhook validation', () => {
  it('names every problem with its JSON path and writes nothing', async () => {
    const environment = environmentName()
    const res = await sendWebhook({
      environment,
      op: 'replace',
      flags: { a: { ...boolFlag('a'), on: 'yes' }, b: boolFlag('b', { offVariation: 7 }) },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } }
    expect(body.error.code).toBe('invalid_change')
    expect(body.error.details.map((detail) => detail.path)).toContain('flags.a.on')
    expect(await statusOf(environment)).toBeUndefined()
  })

  it('refuses a ruleset that is invalid as a whole', async () => {
    const environment = environmentName()
    const res = await sendWebhook(change(environment, { flags: { a: boolFlag('a', { prerequisites: [{ key: 'missing', variation: 0 }] }) } }))
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: { path: string; message: string }[] } }
    expect(body.error.code).toBe('invalid_ruleset')
    expect(body.error.details[0].path).toContain('prerequisites')
  })

  it('refuses with 413 a change that would make the ruleset larger than KV holds, and keeps the last one', { timeout: 120_000 }, async () => {
    const environment = environmentName()
    // 1.4 MB a flag (the Hub stores items up to 1.5 MB), three a webhook (bodies up to 5 MB)
    const big = (key: string) => boolFlag(key, { variations: ['x'.repeat(700_000), 'y'.repeat(700_000)] })
    const push = (batch: number) =>
      sendWebhook({ environment, op: 'patch', flags: Object.fromEntries([0, 1, 2].map((i) => [`f${batch}-${i}`, big(`f${batch}-${i}`)])) })
    // 18 flags: 25.2 MB, under KV's 25 MiB; three more are over it
    for (let batch = 0; batch < 6; batch++) expect((await push(batch)).status).toBe(200)
    const res = await push(6)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'ruleset_too_large', message: expect.stringContaining('Workers KV') } })
    expect(await statusOf(environment)).toMatchObject({ version: 6, flags: 18 })
  })

  it('refuses with 413 an item under 1.5 MB as JSON but over 2 MB as the Hub stores it, and writes nothing', { timeout: 60_000 }, async () => {
    const environment = environmentName()
    expect((await sendWebhook(change(environment))).status).toBe(200)
    // 1.48 MB of "0.5," in JSON; 9 bytes a number in the Hub's storage, 3.3 MB
    const halves = boolFlag('halves', { variations: [new Array(370_000).fill(0.5), false] })
    const res = await sendWebhook({ environment, op: 'patch', flags: { halves } })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'item_too_large' } })
    expect(await statusOf(environment)).toMatchObject({ version: 1, flags: 1, lastChange: { version: 1, flags: ['a'] } })
    // the Hub goes on: the next change is version 2
    expect(await (await sendWebhook({ environment, op: 'patch', flags: { b: boolFlag('b') } })).json()).toMatchObject({ version: 2 })
  })

  it('refuses a body that is not JSON', async () => {
    const res = await sendWebhook('{"environment":')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'parse_error' } })
  })

  it('refuses an environment name that cannot be a KV key', async () => {
    const res = await sendWebhook(change('Bad Name'))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { details: [{ path: 'environment' }] } })
  })
})

describe('webhook versions', () => {
  it('assigns current + 1 when the change names no version', async () => {
    const environment = environmentName()
    expect(await (await sendWebhook(change(environment))).json()).toMatchObject({ version: 1, flags: ['a'] })
    const patch = { environment, op: 'patch', flags: { b: boolFlag('b') } }
    expect(await (await sendWebhook(patch)).json()).toMatchObject({ version: 2, flags: ['b'] })
  })

  it('refuses a version older than the current one with 409 stale_version', async () => {
    const environment = environmentName()
    await sendWebhook(change(environment, { version: 5 }))
    const res = await sendWebhook(change(environment, { version: 4, flags: { z: boolFlag('z') } }))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'stale_version' } })
    expect(await statusOf(environment)).toMatchObject({ version: 5, flags: 1 })
  })

  it('answers a redelivered change as unchanged', async () => {
    const environment = environmentName()
    await sendWebhook(change(environment, { version: 3 }))
    const res = await sendWebhook(change(environment, { version: 3 }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ version: 3, unchanged: true, flags: [] })
  })

  it('refuses other content under the current version with 409', async () => {
    const environment = environmentName()
    await sendWebhook(change(environment, { version: 3 }))
    const res = await sendWebhook(change(environment, { version: 3, flags: { other: boolFlag('other') } }))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'version_conflict' } })
  })

  it('deletes with null in a patch and reports it', async () => {
    const environment = environmentName()
    await sendWebhook(change(environment, { flags: { a: boolFlag('a'), b: boolFlag('b') } }))
    const res = await sendWebhook({ environment, op: 'patch', flags: { a: null } })
    expect(await res.json()).toMatchObject({ version: 2, flags: ['a'] })
    expect(await statusOf(environment)).toMatchObject({ flags: 1 })
  })
})

describe('after a webhook', () => {
  it('the next OFREP request in the same isolate sees the new version', async () => {
    const environment = environmentName()
    const key = `client-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    await sendWebhook(change(environment))
    expect(await (await ofrepPost('/a', key, { context: { targetingKey: 'u' } })).json()).toMatchObject({ value: true })
    await sendWebhook({ environment, op: 'patch', flags: { a: boolFlag('a', { on: false }) } })
    const res = await ofrepPost('/a', key, { context: { targetingKey: 'u' } })
    // the flag was sent with version 0 both times: the Hub raised it, as LaunchDarkly would
    expect(await res.json()).toMatchObject({ value: false, metadata: { flagVersion: 1 } })
  })
})
