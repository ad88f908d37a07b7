import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import examples from '../../examples/flags.json'
import registrationClosed from '../../examples/registration-closed.json'
import { registerKey } from './support/register-key'
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker'
import { push } from '../../scripts/push'
import { eventually } from './support/seeded-worker'

// Schedules and rollouts from the command line against a real local Worker, whose alarm fires by
// itself: the README's case of registration closed now and open again a moment later.

const SECRET = 'e2e-timetable-secret'
const ADMIN_TOKEN = 'e2e-timetable-admin'
const KEY = 'e2e-timetable-client'
const ENV = 'timetable'
let worker: LocalWorker

const flags = (...args: string[]) => {
  const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/flags.ts', ...args, '--env', ENV, '--url', String(worker.url), '--token', ADMIN_TOKEN], {
    encoding: 'utf8',
  })
  return { status: result.status, out: result.stdout, err: result.stderr }
}

const registrationDisabled = async () => {
  const res = await fetch(new URL('/ofrep/v1/evaluate/flags/disable-registration', worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: '{"context":{"targetingKey":"visitor"}}',
  })
  return ((await res.json()) as { value: boolean }).value
}

beforeAll(async () => {
  worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN } })
  for (const body of [examples, registrationClosed]) {
    const pushed = await push({ body, env: ENV, url: String(worker.url), secret: SECRET })
    expect(pushed.ok, pushed.text).toBe(true)
  }
  await registerKey(worker.url, { environment: ENV, kind: 'client', key: KEY, adminToken: ADMIN_TOKEN })
})

afterAll(async () => {
  await worker?.dispose()
})

describe('npm run flags: schedules and rollouts', () => {
  it('opens registration again by itself at the scheduled time', async () => {
    expect(await registrationDisabled()).toBe(true)
    const scheduled = flags('schedule', 'examples/registration-open.json', '--at', '+2s', '--note', 'back on')
    expect(scheduled.status, scheduled.err).toBe(0)
    expect(scheduled.out).toMatch(/^scheduled: \S+ {2}.* {2}pending {2}\(disable-registration\) {2}back on/)
    expect(flags('schedules').out).toContain('pending')
    await eventually(async () => !(await registrationDisabled()), 'the scheduled change to apply', 20_000)
    expect(flags('schedules').out).toMatch(/applied as version 3/)
  })

  it('starts, lists, pauses and cancels a rollout', () => {
    const started = flags('rollout', 'new-checkout', '--variation', '1', '--baseline', '0', '--steps', '50,100', '--every', '1h')
    expect(started.status, started.err).toBe(0)
    const id = /^started: (\S+)/.exec(started.out)![1]
    expect(started.out).toContain('new-checkout: 0 → 1  50% → 100%  running, next at')
    expect(flags('rollouts').out).toContain(`${id}  new-checkout`)
    expect(flags('pause', id).out).toMatch(/^pause: .* paused: paused by an admin/)
    expect(flags('cancel', id).out).toMatch(/^cancel: .* cancelled/)
    const again = flags('resume', id)
    expect(again.status).toBe(1)
    expect(again.err).toContain('invalid_state')
  })

  it('says what is wrong with a command line, exiting 2', () => {
    const bad = flags('rollout', 'new-checkout', '--steps', '50')
    expect(bad.status).toBe(2)
    expect(bad.err).toContain('--variation')
  })
})
