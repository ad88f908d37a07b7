import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker'
import { signedHeaders } from '../../scripts/sign'
import type { InsightsReport } from '../../src/insights/report'
import { boolFlag } from '../support/flags'
import { eventually } from './support/seeded-worker'

// `npm run flags -- insights` and `npm run flags -- stale` against a real local Worker: OFREP
// answers counted in the isolate and sent when their window ends, a WebSocket put counted in the
// Hub, and statuses from real times. STALE_DAYS is 0.00015 (12.96 s): a flag pushed that long
// ago and never evaluated is stale, and one serving the same variation to everyone for that long
// is launched; each command then has those 13 s to run while the recent put and push still count
// as recent.

const SECRET = 'flags-secret'
const ADMIN_TOKEN = 'flags-admin'
const KEY = 'flags-client-key'
const ENV = 'insights'
// The request that opens an isolate's window of counts sends it this long after (src/insights)
const FLUSH_MS = 10_000
const STALE_DAYS = '0.00015'
const STALE_MS = Number(STALE_DAYS) * 86_400_000

const hidden = { clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false } }
const FLAGS = {
  launched: boolFlag('launched'),
  targeted: boolFlag('targeted', { rules: [{ id: 'no', variation: 0, clauses: [{ contextKind: 'user', attribute: 'country', op: 'in', values: ['no'] }] }] }),
  // client keys never see it: nothing here evaluates it
  unused: boolFlag('unused', hidden),
}
const CONTEXT = { targetingKey: 'u1', country: 'no' }

let worker: LocalWorker

const pushFlags = async (change: object) => {
  const body = JSON.stringify({ environment: ENV, ...change })
  return fetch(new URL('/admin/v1/webhook', worker.url), { method: 'POST', headers: await signedHeaders(body, SECRET), body })
}

const bulk = () =>
  fetch(new URL('/ofrep/v1/evaluate/flags', worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ context: CONTEXT }),
  })

const report = async () =>
  (await (await fetch(new URL(`/admin/v1/environments/${ENV}/insights`, worker.url), { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as InsightsReport

const evaluations = async (key: string) => (await report()).flags.find((flag) => flag.key === key)?.evaluations

const flags = (...args: string[]) =>
  spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/flags.ts', ...args, '--env', ENV, '--url', String(worker.url), '--token', ADMIN_TOKEN], {
    encoding: 'utf8',
  })

/** The table's row for `flag`, split into its columns. */
const row = (stdout: string, flag: string) =>
  stdout
    .split('\n')
    .find((line) => line.startsWith(`${flag} `))
    ?.split(/ {2,}/)

beforeAll(async () => {
  worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN, STALE_DAYS } })
  expect((await pushFlags({ op: 'replace', flags: FLAGS })).ok).toBe(true)
  const res = await fetch(new URL(`/admin/v1/environments/${ENV}/keys`, worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ kind: 'client', name: 'flags', key: KEY }),
  })
  expect(res.ok).toBe(true)
  const started = Date.now()
  for (let i = 0; i < 2; i++) expect((await bulk()).status).toBe(200)
  // no further request: the first one's waitUntil sends the window when it ends
  await eventually(async () => (await evaluations('targeted')) === 2, 'the isolate to send its counts', FLUSH_MS + 5_000)
  await new Promise((resolve) => setTimeout(resolve, started + STALE_MS + 300 - Date.now()))
  // a WebSocket put is counted in the Hub
  const url = new URL(`/v1/stream?key=${KEY}&context=${Buffer.from(JSON.stringify(CONTEXT)).toString('base64url')}`, worker.url)
  url.protocol = 'ws:'
  const socket = new WebSocket(url)
  await new Promise((resolve, reject) => {
    socket.once('message', resolve)
    socket.once('error', reject)
  })
  socket.close()
  // created just now, never evaluated
  expect((await pushFlags({ op: 'patch', flags: { fresh: boolFlag('fresh', hidden) } })).ok).toBe(true)
}, 60_000)

afterAll(async () => {
  await worker?.dispose()
})

describe('npm run flags', () => {
  it('insights: prints a table of every flag with its evaluations, variations and status', () => {
    const result = flags('insights')
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^insights: 4 flags, last 7 days \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\), STALE_DAYS 0.00015/)
    expect(row(result.stdout, 'flag')).toEqual(['flag', 'status', 'evaluations', 'by variation', 'last evaluated (UTC)'])
    // two bulk answers and the put; the third bulk answer waits in the isolate's next window
    expect(row(result.stdout, 'launched')?.slice(0, 4)).toEqual(['launched', 'launched', '3', '1: 3'])
    expect(row(result.stdout, 'targeted')?.slice(0, 4)).toEqual(['targeted', 'active', '3', '0: 3'])
    expect(row(result.stdout, 'unused')).toEqual(['unused', 'stale', '0', '-', 'never'])
    expect(row(result.stdout, 'fresh')?.slice(0, 3)).toEqual(['fresh', 'inactive-new', '0'])
  })

  it('stale: lists the flags that can be removed from code, and why', () => {
    const result = flags('stale')
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('insights: 2 flags can be removed from code')
    expect(row(result.stdout, 'unused')).toEqual(['unused', 'stale', expect.stringMatching(/^not evaluated since \d{4}-\d\d-\d\d \(0 days\)$/)])
    expect(row(result.stdout, 'launched')).toEqual([
      'launched',
      'launched',
      expect.stringMatching(/^serves variation 1 to every context, unchanged since \d{4}-\d\d-\d\d \(0 days\)$/),
    ])
    expect(row(result.stdout, 'targeted')).toBeUndefined()
  })

  it("runs the schedule and rollout commands (scripts/timetable.ts) too", () => {
    const result = flags('schedules')
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('insights: no schedules')
  })

  it('exits 2 with the usage for an unknown command or bad --days', () => {
    for (const args of [['nope'], ['insights', '--days', '91']]) {
      const result = flags(...args)
      expect(result.status).toBe(2)
      expect(result.stderr).toContain('usage: npm run flags')
    }
  })
})
