import { env, exports } from 'cloudflare:workers'
import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { KEEP_CHANGES, KEEP_MS, listChanges, pruneHistory, recordChange, type ListedChange } from '../../src/hub/history'
import type { Hub } from '../../src/hub/hub'
import { putKey } from './support/environments'
import { ofrepPost } from './support/requests'
import { openSocket } from './support/sockets'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'

// Change history and rollback (src/hub/history.ts, src/routes/history.ts).


const changes = async (environment: string, query = '') =>
  (await (await adminRequest(`/${environment}/changes${query}`)).json<{ changes: ListedChange[] }>()).changes

const rollback = (environment: string, body: unknown) => adminRequest(`/${environment}/rollback`, { method: 'POST', body: JSON.stringify(body) })

/** Three versions: a and b on; a off (by "ops"); b deleted and segment s added. */
const threeVersions = async () => {
  const environment = environmentName()
  await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a'), b: boolFlag('b') } })
  await sendWebhook({ environment, op: 'patch', actor: 'ops', flags: { a: boolFlag('a', { on: false }) } })
  await sendWebhook({ environment, op: 'patch', flags: { b: null }, segments: { s: { key: 's', included: ['u'] } } })
  return environment
}

describe('GET /admin/v1/environments/{env}/changes', () => {
  it('lists every accepted change, newest first, with who sent it', async () => {
    const environment = await threeVersions()
    expect(await changes(environment)).toEqual([
      { version: 3, at: expect.any(String), op: 'patch', actor: 'webhook secret 1', flags: ['b'], segments: ['s'] },
      { version: 2, at: expect.any(String), op: 'patch', actor: 'ops', flags: ['a'], segments: [] },
      { version: 1, at: expect.any(String), op: 'replace', actor: 'webhook secret 1', flags: ['a', 'b'], segments: [] },
    ])
  })

  it('pages with limit and before', async () => {
    const environment = await threeVersions()
    expect((await changes(environment, '?limit=1')).map((change) => change.version)).toEqual([3])
    expect((await changes(environment, '?limit=5&before=3')).map((change) => change.version)).toEqual([2, 1])
    expect((await adminRequest(`/${environment}/changes?limit=0`)).status).toBe(400)
    expect((await adminRequest(`/${environment}/changes?before=x`)).status).toBe(400)
  })

  it('lists at most 100 keys of each kind a change, with how many it named', async () => {
    const environment = environmentName()
    const keys = Array.from({ length: 150 }, (_, i) => `f${String(i).padStart(3, '0')}`)
    await sendWebhook({ environment, op: 'replace', flags: Object.fromEntries(keys.map((key) => [key, boolFlag(key)])) })
    expect(await changes(environment)).toEqual([
      { version: 1, at: expect.any(String), op: 'replace', actor: 'webhook secret 1', flags: keys.slice(0, 100), segments: [], totals: { flags: 150, segments: 0 } },
    ])
    const whole = await (await adminRequest(`/${environment}/changes/1`)).json<{ flags: { key: string }[] }>()
    expect(whole.flags.map(({ key }) => key)).toEqual(keys)
  })

  it('keeps nothing for a change that changed nothing', async () => {
    const environment = await threeVersions()
    await sendWebhook({ environment, op: 'patch', flags: { a: boolFlag('a', { on: false }) } })
    expect((await changes(environment)).length).toBe(3)
  })

  it('answers one change with each item before and after', async () => {
    const environment = await threeVersions()
    const res = await adminRequest(`/${environment}/changes/3`)
    expect(await res.json()).toMatchObject({
      version: 3,
      flags: [{ key: 'b', before: { key: 'b', on: true }, after: null }],
      segments: [{ key: 's', before: null, after: { key: 's', included: ['u'] } }],
    })
    expect((await adminRequest(`/${environment}/changes/9`)).status).toBe(404)
  })

  it('outlives a restart of the Hub', async () => {
    const environment = await threeVersions()
    await abortAllDurableObjects()
    expect((await changes(environment)).map((change) => change.version)).toEqual([3, 2, 1])
  })
})

describe('a change at the limits of an environment', () => {
  // A replace that deletes 5,000 flags and 5,000 segments with 256-character keys names 2.5 MB of
  // keys, over SQLite's 2 MB a value: its summary failed with SQLITE_TOOBIG and the webhook was a 500.
  it('is accepted, listed with every key, and rolled back', { timeout: 120_000 }, async () => {
    const environment = environmentName()
    const keys = Array.from({ length: 5_000 }, (_, i) => `${String(i).padStart(4, '0')}-${'k'.repeat(251)}`)
    const segment = (key: string) => ({ key, included: [], excluded: [], rules: [], salt: 's' })
    expect((await sendWebhook({ environment, op: 'replace', flags: Object.fromEntries(keys.map((key) => [key, boolFlag(key)])) })).status).toBe(200)
    expect((await sendWebhook({ environment, op: 'patch', segments: Object.fromEntries(keys.map((key) => [key, segment(key)])) })).status).toBe(200)
    const emptied = await sendWebhook({ environment, op: 'replace', flags: {}, segments: {} })
    expect(emptied.status).toBe(200)
    // listed with the first 100 keys of each kind and how many there are; all of them on their own
    const [latest] = await changes(environment, '?limit=1')
    expect(latest).toMatchObject({ version: 3, op: 'replace', totals: { flags: 5_000, segments: 5_000 } })
    expect([latest.flags, latest.segments]).toEqual([keys.slice(0, 100), keys.slice(0, 100)])
    const whole = await (await adminRequest(`/${environment}/changes/3`)).json<{ flags: { key: string }[]; segments: { key: string }[] }>()
    expect([whole.flags.map(({ key }) => key), whole.segments.map(({ key }) => key)]).toEqual([keys, keys])
    expect((await rollback(environment, { toVersion: 2, expectedVersion: 3 })).status).toBe(200)
    const [restored] = await changes(environment, '?limit=1')
    expect(restored).toMatchObject({ version: 4, op: 'rollback', toVersion: 2, totals: { flags: 5_000, segments: 5_000 } })
  })
})

describe('POST /admin/v1/environments/{env}/rollback', () => {
  it("makes a new version whose flags and segments equal the old one's, recorded as a rollback", async () => {
    const environment = await threeVersions()
    const res = await rollback(environment, { toVersion: 1, expectedVersion: 3, actor: 'alice' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ version: 4, flags: ['a', 'b'], segments: ['s'], rolledBackTo: 1 })
    const key = `server-${crypto.randomUUID()}`
    await putKey(key, environment, 'server')
    const served = await exports.default.fetch('http://edgeflags.test/v1/ruleset', { headers: { Authorization: `Bearer ${key}` } })
    const ruleset = await served.json<{ version: number; flags: Record<string, { on: boolean }>; segments: object }>()
    expect(ruleset.version).toBe(4)
    expect(Object.keys(ruleset.flags).sort()).toEqual(['a', 'b'])
    expect(ruleset.flags.a.on).toBe(true)
    expect(ruleset.segments).toEqual({})
    expect((await changes(environment, '?limit=1'))[0]).toMatchObject({ version: 4, op: 'rollback', actor: 'alice', toVersion: 1 })
  })

  it('refuses with 409 unless the current version is the expected one, and 404 for a version history lacks', async () => {
    const environment = await threeVersions()
    const conflict = await rollback(environment, { toVersion: 1, expectedVersion: 2 })
    expect(conflict.status).toBe(409)
    expect(await conflict.json()).toMatchObject({ error: { code: 'version_conflict' } })
    const unknown = await rollback(environment, { toVersion: 7, expectedVersion: 3 })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: { code: 'version_not_found' } })
    expect((await rollback(environment, { toVersion: 0, expectedVersion: 3 })).status).toBe(400)
    expect((await rollback(environment, { toVersion: 1 })).status).toBe(400)
    expect((await changes(environment)).length).toBe(3)
  })

  it('reaches a connected socket and the next OFREP answer like any change', async () => {
    const environment = await threeVersions()
    const key = `client-${crypto.randomUUID()}`
    await putKey(key, environment, 'client')
    const socket = await openSocket(key, { targetingKey: 'u' })
    expect((await socket.next()).flags).toMatchObject({ a: { value: false } })
    expect((await rollback(environment, { toVersion: 1, expectedVersion: 3 })).status).toBe(200)
    const patch = await socket.next()
    expect(patch).toMatchObject({ type: 'patch', version: 4, flags: { a: { value: true }, b: { value: true } } })
    const bulk = await (await ofrepPost('/a', key, { context: { targetingKey: 'u' } })).json()
    expect(bulk).toMatchObject({ value: true })
    socket.socket.close()
  })
})

describe('retention', () => {
  it('keeps the last 1,000 changes or 90 days, whichever keeps more, over a year of changes', async () => {
    const stub = env.HUB.getByName(environmentName())
    await runInDurableObject(stub, (_hub: Hub, state) => {
      const storage = state.storage.kv
      const start = Date.parse('2026-01-01T00:00:00Z')
      // a change every two hours for a year: 4,380 changes
      for (let version = 1; version <= 4380; version += 1) {
        const at = start + version * 2 * 60 * 60 * 1000
        const summary = { version, at: new Date(at).toISOString(), op: 'patch' as const, actor: 't', flags: ['a'], segments: [] }
        recordChange(storage, summary, { flags: [{ key: 'a', before: { v: version - 1 }, after: { v: version } }], segments: [] })
        pruneHistory(storage, at)
      }
      const kept = listChanges(storage, { limit: 10_000 })
      // 90 days of two-hourly changes are 1,080, more than 1,000
      expect(kept.length).toBe(KEEP_MS / (2 * 60 * 60 * 1000) + 1)
      expect(kept.length).toBeGreaterThan(KEEP_CHANGES)
      expect([...storage.list({ prefix: 'history-item:' })].length).toBe(kept.length * 2)
    })
  })
})
