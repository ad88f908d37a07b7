import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import examples from '../../examples/flags.json'
import { registerKey } from './support/register-key'
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
  await registerKey(worker.url, { environment: 'shop', kind: 'client', key: KEY, adminToken: ADMIN_TOKEN })
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

  it('lists the history and rolls back to a version, which the next OFREP request sees', async () => {
    const runAdmin = (...args: string[]) =>
      spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/push.ts', ...args, '--env', 'shop', '--url', String(worker.url), '--token', ADMIN_TOKEN], {
        encoding: 'utf8',
      })
    const before = runAdmin('--history', '--limit', '2')
    expect(before.status, before.stderr).toBe(0)
    // newest first: the dark-theme patch over the examples; actor is the signing secret
    expect(before.stdout).toMatch(/^v2 .* patch by webhook secret 1 {2}\(flags: dark-theme; segments: none\)\nv1 .* replace by webhook secret 1/)
    const rolled = runAdmin('--rollback', '1')
    expect(rolled.status, rolled.stderr).toBe(0)
    expect(rolled.stdout).toContain('shop: version 3 restores version 1 (flags changed: dark-theme; segments changed: none)')
    expect(await darkTheme()).toMatchObject({ value: false })
    expect(runAdmin('--history', '--limit', '1').stdout).toMatch(/^v3 .* rollback to 1 by npm run push/)
    const unknown = runAdmin('--rollback', '99')
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('version_not_found')
  })

  it('exits 1 with a clear message when the signature is wrong', () => {
    const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/push.ts', 'examples/dark-theme-off.json', '--env', 'shop', '--url', String(worker.url), '--secret', 'wrong'], { encoding: 'utf8' })
    expect(result.status).toBe(1)
    expect(result.stdout + result.stderr).toContain('signature')
  })
})
