import { startLocalWorker } from '../../scripts/local-worker'
import { push } from '../../scripts/push'
import { ADMIN_TOKEN, WEBHOOK_SECRET } from '../fanout/flags'
import { TARGETS, type Target } from './miniflare'

/**
 * The Worker under load: `src/` served by Miniflare, loaded the way an admin would, through the
 * signed webhook and the admin API, never by writing its KV records (their format is the Hub's).
 */

export const FLAG_COUNT = 200
// The Hub writes KV by alarm, at once for a first change; this only stops a wedged run.
const KV_DEADLINE_MS = 15_000

export type Seeded = { environment: string; version: number; serverKey: string }

export type Edgeflags = Target & {
  /** Replaces `environment`'s flags, creates a server key and waits until the Hub wrote KV. */
  seed(environment: string, flags: { key: string }[], settings?: { launchDarklyClientSideId: string }): Promise<Seeded>
  /** A KV value as the Hub wrote it (to hand `LD-Env-{id}` to LaunchDarkly's Worker). */
  readKv(key: string): Promise<string | null>
}

type Status = { kv?: { version: number; pending: boolean } }

/** `counting: false` serves with INSIGHTS=off, so a run can measure what counting evaluations costs. */
export async function startEdgeflags({ counting = true } = {}): Promise<Edgeflags> {
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET, ADMIN_TOKEN, INSIGHTS: counting ? 'on' : 'off' } })
  const admin = async (path: string, body?: object) => {
    const response = await fetch(new URL(`/admin/v1/environments/${path}`, worker.url), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }

  const waitForKv = async (environment: string, version: number) => {
    const deadline = Date.now() + KV_DEADLINE_MS
    for (;;) {
      const { kv } = (await admin(environment)) as Status
      if (kv !== undefined && kv.version >= version && !kv.pending) return
      if (Date.now() > deadline) {
        throw new Error(`${environment}: KV not at version ${version} within ${KV_DEADLINE_MS} ms: ${JSON.stringify(kv)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const seed: Edgeflags['seed'] = async (environment, flags, settings) => {
    const keyed = Object.fromEntries(flags.map((flag) => [flag.key, flag]))
    const body = { environment, op: 'replace', flags: keyed, segments: {}, settings }
    const pushed = await push({ body, url: worker.url.origin, secret: WEBHOOK_SECRET })
    const { version } = pushed.body as { version?: number }
    if (!pushed.ok || typeof version !== 'number') {
      throw new Error(`webhook for ${environment}: ${pushed.status} ${pushed.text.slice(0, 300)}`)
    }
    // A server key sees every flag, so each request evaluates all of them (client keys are filtered)
    const { key } = (await admin(`${environment}/keys`, { kind: 'server', name: 'bench:http' })) as { key: string }
    await waitForKv(environment, version)
    return { environment, version, serverKey: key }
  }

  const readKv = (key: string) => worker.kv.get(key)
  const name = counting ? TARGETS.edgeflags : TARGETS.edgeflagsUncounted
  return { name, url: worker.url, dispose: worker.dispose, seed, readKv }
}
