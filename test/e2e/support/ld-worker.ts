import { startLocalWorker, type LocalWorker } from '../../../scripts/local-worker'
import { push } from '../../../scripts/push'
import { eventually } from './seeded-worker'

/**
 * The Worker on 127.0.0.1 loaded the way an admin loads it: a ruleset through the signed webhook
 * (so the Hub, which feeds the SDK streams, holds it) and a server key through the admin API.
 */

export const ENVIRONMENT = 'ld-server'
export const SERVER_KEY = 'ld-server-key-e2e'
const SECRET = 'ld-webhook-secret'
const ADMIN = 'ld-admin-token'

export type Ruleset = { flags: Record<string, unknown>; segments: Record<string, unknown> }

/** What the webhook answered for an accepted change. */
export type Pushed = { version: number; flags: string[]; segments: string[] }

export type LdWorker = LocalWorker & {
  /** Signs a ruleset or webhook body and sends it; throws unless the Worker accepts it. */
  push: (body: unknown) => Promise<Pushed>
  /** Waits until OFREP (which reads KV, trailing the Hub by up to a second) serves `version`. */
  servesVersion: (version: number) => Promise<void>
}

const ofrepVersion = async (url: URL) => {
  const res = await fetch(new URL('/ofrep/v1/evaluate/flags', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify({ context: { targetingKey: 'version-probe' } }),
  })
  if (!res.ok) return undefined
  return ((await res.json()) as { metadata?: { version?: number } }).metadata?.version
}

const registerServerKey = async (url: URL) => {
  const res = await fetch(new URL(`/admin/v1/environments/${ENVIRONMENT}/keys`, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ kind: 'server', name: 'ld server sdk', key: SERVER_KEY }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new Error(`key not registered: HTTP ${res.status} ${await res.text()}`)
}

/** Starts the Worker with `ruleset` pushed and the server key registered. */
export const startLdWorker = async (ruleset: Ruleset): Promise<LdWorker> => {
  // REFRESH_MS: how long an isolate trusts its copy of KV; short, so OFREP catches up quickly
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN, REFRESH_MS: '50' } })
  const pushBody = async (body: unknown): Promise<Pushed> => {
    const result = await push({ body, env: ENVIRONMENT, url: String(worker.url), secret: SECRET })
    if (!result.ok) throw new Error(`push refused: HTTP ${result.status} ${result.text}`)
    return result.body as Pushed
  }
  const servesVersion = (version: number) =>
    eventually(async () => ((await ofrepVersion(worker.url)) ?? 0) >= version, `OFREP serving version ${version}`)
  try {
    const { version } = await pushBody(ruleset)
    await registerServerKey(worker.url)
    await servesVersion(version)
  } catch (error) {
    await worker.dispose()
    throw error
  }
  return { ...worker, push: pushBody, servesVersion }
}
