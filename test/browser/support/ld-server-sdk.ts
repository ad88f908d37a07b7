import { basicLogger, init, type LDClient, type LDContext } from '@launchdarkly/node-server-sdk'
import { DEV_ENVIRONMENT, DEV_KEYS } from '../../../scripts/dev-credentials'
import type { DemoWorker } from './demo-worker'

/**
 * LaunchDarkly's own Node server SDK pointed at the Worker with the dev server key, as a web
 * server that renders bootstrap data for the browser SDK would use it.
 */
export type LdServer = {
  /** What `allFlagsState(context, { clientSideOnly: true }).toJSON()` gives: the `bootstrap` option. */
  bootstrap: (context: LDContext) => Promise<object>
  /** Whatever the SDK logged at warn or error. */
  problems: string[]
  close: () => void
}

/**
 * Registers `dev-server-key` the way `npm run dev` does (`startDemoWorker` registers only the
 * client key), through the admin API with the token the Worker was started with.
 */
export const registerServerKey = async (worker: DemoWorker) => {
  const { ADMIN_TOKEN } = await worker.miniflare.getBindings<{ ADMIN_TOKEN: string }>()
  const res = await fetch(new URL(`/admin/v1/environments/${DEV_ENVIRONMENT}/keys`, worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ kind: 'server', name: 'dev server key', key: DEV_KEYS.server }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new Error(`server key not registered: HTTP ${res.status} ${await res.text()}`)
}

/** Starts the SDK (streaming from `/all`, the default) and waits up to 10 s for its first data. */
export const startLdServer = async (worker: DemoWorker): Promise<LdServer> => {
  await registerServerKey(worker)
  const uri = String(worker.url).replace(/\/$/, '')
  const problems: string[] = []
  const client: LDClient = init(DEV_KEYS.server, {
    baseUri: uri,
    streamUri: uri,
    eventsUri: uri,
    logger: basicLogger({ level: 'warn', destination: (line) => problems.push(String(line)) }),
  })
  try {
    await client.waitForInitialization({ timeout: 10 })
  } catch (error) {
    client.close()
    throw new Error(`the Node server SDK did not initialize: ${error}; it logged ${JSON.stringify(problems)}`)
  }
  return {
    bootstrap: async (context) => (await client.allFlagsState(context, { clientSideOnly: true })).toJSON(),
    problems,
    close: () => client.close(),
  }
}
