import { startLocalWorker } from '../../scripts/local-worker'
import { push } from '../../scripts/push'
import { eventually } from '../../test/e2e/support/seeded-worker'
import { makeFlags } from '../fixtures'
import { withDeadline } from './deadline'

/**
 * Loads an environment into persisted state by the paths an admin uses: the flags through the
 * signed webhook and a server key through the admin API. The Hub writes KV (and the colo cache)
 * in the record format of the Worker under test, so the benchmark never depends on that format.
 */

export const ENVIRONMENT = 'bench-cold'
// A server key sees every flag, so the first answer evaluates all of them
export const SERVER_KEY = 'bench-cold-server-key'
export const VARS = { WEBHOOK_SECRET: 'bench-cold-webhook-secret', ADMIN_TOKEN: 'bench-cold-admin-token' }

const KV_WRITE_MS = 30_000
const DISPOSE_MS = 10_000

type Status = { version?: number; kv?: { version?: number } }

const admin = (url: URL, path: string, init: RequestInit = {}) =>
  fetch(new URL(`/admin/v1/environments/${ENVIRONMENT}${path}`, url), {
    ...init,
    headers: { Authorization: `Bearer ${VARS.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    signal: AbortSignal.timeout(KV_WRITE_MS),
  })

async function registerKey(url: URL) {
  const body = JSON.stringify({ kind: 'server', name: 'bench cold server', key: SERVER_KEY })
  const response = await admin(url, '/keys', { method: 'POST', body })
  if (response.status !== 201) throw new Error(`creating the server key: ${response.status} ${await response.text()}`)
}

/** Polls the admin API until the Hub reports `version` written to KV. */
async function kvWritten(url: URL, version: number) {
  const written = async () => {
    const status = (await (await admin(url, '')).json()) as Status
    return (status.kv?.version ?? 0) >= version
  }
  await eventually(written, `the Hub writing version ${version} to KV`, KV_WRITE_MS)
}

/**
 * Seeds `flagCount` bench flags and the server key into the state kept in `persist`, waits for the
 * Hub's KV write, asks `sample` (a check of the seeded Worker, whose result is returned), and
 * stops the Worker.
 */
export async function seedPersisted<T>(persist: string, flagCount: number, sample: (url: URL) => Promise<T>): Promise<T> {
  const worker = await startLocalWorker({ vars: VARS, persist })
  try {
    const flags = Object.fromEntries(makeFlags(flagCount).map((flag) => [flag.key, flag]))
    const url = String(worker.url)
    const pushed = await push({ body: { flags, segments: {} }, env: ENVIRONMENT, url, secret: VARS.WEBHOOK_SECRET })
    if (!pushed.ok) throw new Error(`the webhook refused the bench flags: ${pushed.status} ${pushed.text.slice(0, 500)}`)
    await registerKey(worker.url)
    await kvWritten(worker.url, (pushed.body as Status).version ?? 1)
    return await sample(worker.url)
  } finally {
    await withDeadline(worker.dispose(), DISPOSE_MS, 'the seeding Worker')
  }
}
