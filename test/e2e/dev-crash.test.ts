import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEV_ENVIRONMENT, DEV_KEYS } from '../../scripts/dev-credentials'
import { freePort } from '../../scripts/dev-proxy'
import { sleep, startDev, stopDev, waitFor, type DevProcess } from './support/dev-process'

// `npm run dev` killed (workerd and all, SIGKILL) while it loads the development environment,
// at several points of the loading, then started again on the same state: it must become ready,
// and every key that authenticates must be listed by the admin API and revocable. Before the Hub
// wrote keys first, a kill between KV's write and the Hub's left a key that worked but could
// never be listed, revoked or registered again (409 on every later start).

const ADMIN_TOKEN = 'dev-admin-token'
// into the loading: at once, during the push, during the key registrations
const KILL_AFTER_MS = [0, 300, 700, 1100]

const persist = mkdtempSync(join(tmpdir(), 'edgeflags-crash-'))
let dev: DevProcess | undefined

afterAll(async () => {
  await stopDev(dev)
  rmSync(persist, { recursive: true, force: true })
})

const idOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 24)

describe('npm run dev, killed while it loads', () => {
  it('starts again, and every key that authenticates is listed and revocable', { timeout: 240_000 }, async () => {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    for (const ms of KILL_AFTER_MS) {
      dev = startDev(port, persist)
      await waitFor(dev, () => dev!.output().includes('loading "development"'), 'wrangler dev to start')
      await sleep(ms)
      await stopDev(dev, 'SIGKILL')
    }

    dev = startDev(port, persist)
    await waitFor(dev, () => dev!.output().includes(`[edgeflags] ready: ${base}`), 'the ready line', 60_000)
    // a 409 as wrangler logs a status (" 409 Conflict"), not any "409" (the port may hold one)
    expect(dev.output()).not.toMatch(/starting failed|\s409\s/)

    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${base}/admin/v1/environments/${DEV_ENVIRONMENT}${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    const listed = async () => ((await (await admin('/keys')).json()) as { keys: { id: string }[] }).keys.map(({ id }) => id)
    const authenticates = async (key: string) =>
      (
        await fetch(`${base}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: '{}',
        })
      ).status === 200

    const before = await listed()
    for (const key of Object.values(DEV_KEYS)) {
      expect(await authenticates(key), key).toBe(true)
      expect(before, key).toContain(idOf(key))
      expect((await admin(`/keys/${idOf(key)}`, { method: 'DELETE' })).status, key).toBe(204)
    }
    expect(await listed()).toEqual([])
  })
})
