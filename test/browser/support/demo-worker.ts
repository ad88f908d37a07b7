import { createServer, type AddressInfo } from 'node:net'
import examples from '../../../examples/flags.json'
import { startLocalWorker, type LocalWorker } from '../../../scripts/local-worker'
import { push, type PushResult } from '../../../scripts/push'

/** The key the demo page uses when the URL has no `?key=`. */
export const CLIENT_KEY = 'dev-client-key'
const ENVIRONMENT = 'development'
const SECRET = 's'
const ADMIN = 'a'

export type DemoWorker = LocalWorker & {
  /** Signs `body` and sends it to the webhook; throws unless the Worker accepts it. */
  push: (body: unknown) => Promise<PushResult>
}

/** A port nothing listens on right now, so a stopped Worker can be started again on it. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

/**
 * The Worker with the demo on, seeded the way `npm run dev` seeds it: the example flags, then
 * each of `changes`, then the dev client key. `vars` adds to its vars (ORIGIN and the like). A
 * fresh Miniflare starts empty, so a restarted Worker is seeded again.
 */
export const startDemoWorker = async (
  port: number,
  changes: unknown[] = [],
  vars: Record<string, string> = {},
): Promise<DemoWorker> => {
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN, DEMO: 'on', ...vars }, port })
  const pushFlags = async (body: unknown) => {
    const result = await push({ body, env: ENVIRONMENT, url: String(worker.url), secret: SECRET })
    if (!result.ok) throw new Error(`push refused: HTTP ${result.status} ${result.text}`)
    return result
  }
  try {
    for (const body of [examples, ...changes]) await pushFlags(body)
    const res = await fetch(new URL(`/admin/v1/environments/${ENVIRONMENT}/keys`, worker.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ kind: 'client', name: 'dev', key: CLIENT_KEY }),
      signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new Error(`key not registered: HTTP ${res.status} ${await res.text()}`)
  } catch (error) {
    await worker.dispose()
    throw error
  }
  return { ...worker, push: pushFlags }
}
