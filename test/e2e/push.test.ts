import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import examples from '../../examples/flags.json'
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker'

// An admin's round trip over real HTTP: `npm run push` signs and sends a file; the next OFREP
// request sees the change.

const SECRET = 'e2e-webhook-secret'
const ADMIN_TOKEN = 'e2e-admin-token'
const KEY = 'e2e-push-client-key'
let worker: LocalWorker
const folder = mkdtempSync(join(tmpdir(), 'edgeflags-push-'))

const runPush = (file: string, ...extra: string[]) =>
  spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/push.ts', file, '--env', 'shop', '--url', String(worker.url), '--secret', SECRET, ...extra], {
    encoding: 'utf8',
  })

const darkTheme = async () => {
  const res = await fetch(new URL('/ofrep/v1/evaluate/flags/dark-theme', worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: '{}',
  })
  return (await res.json()) as { value: boolean }
}

beforeAll(async () => {
  worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN } })
  const res = await fetch(new URL('/admin/v1/environments/shop/keys', worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ kind: 'client', name: 'e2e', key: KEY }),
  })
  expect(res.status).toBe(201)
})

afterAll(async () => {
  await worker?.dispose()
})

describe('npm run push', () => {
  it('loads a ruleset file and reports the new version', () => {
    const file = join(folder, 'flags.json')
    writeFileSync(file, JSON.stringify(examples))
    const result = runPush(file)
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('shop: version 1')
  })

  it('applies a patch that the next OFREP request sees', async () => {
    expect(await darkTheme()).toMatchObject({ value: false })
    const result = runPush('examples/dark-theme-on.json')
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('dark-theme')
    expect(await darkTheme()).toMatchObject({ value: true })
  })

  it('prints every validation problem with its path and exits 1, changing nothing', async () => {
    const file = join(folder, 'bad.json')
    writeFileSync(file, JSON.stringify({ op: 'patch', flags: { 'dark-theme': { ...examples.flags['dark-theme'], offVariation: 9 } } }))
    const result = runPush(file)
    expect(result.status).toBe(1)
    expect(result.stdout + result.stderr).toContain('flags["dark-theme"].offVariation')
    expect(await darkTheme()).toMatchObject({ value: true })
  })

  it('exits 1 with a clear message when the signature is wrong', () => {
    const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/push.ts', 'examples/dark-theme-off.json', '--env', 'shop', '--url', String(worker.url), '--secret', 'wrong'], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stdout + result.stderr).toContain('signature')
  })
})
