import { startLocalWorker } from '../../scripts/local-worker'
import { signedHeaders } from '../../scripts/sign'
import { ADMIN_TOKEN, CLIENT_KEY, ENVIRONMENT, WEBHOOK_SECRET, initialRuleset, promoChange } from '../fanout/flags'

/**
 * `src/` served by Miniflare on 127.0.0.1 with the fanout bench's flags pushed through the webhook
 * and two keys: a server key for LaunchDarkly's SDK and the client key for edgeflags' WebSocket.
 */

export const SERVER_KEY = 'bench-server-key'

export type BenchWorker = {
  url: URL
  /** The signed request for change `round` (1, 2, …), ready to send: signing is not timed. */
  change: (round: number) => Promise<() => Promise<Response>>
  dispose: () => Promise<void>
}

const post = async (url: URL, body: string, headers: Record<string, string>) => {
  const response = await fetch(url, { method: 'POST', headers, body })
  if (!response.ok) throw new Error(`POST ${url.pathname}: ${response.status} ${await response.text()}`)
}

const registerKey = (url: URL, kind: 'client' | 'server', key: string) =>
  post(new URL(`/admin/v1/environments/${ENVIRONMENT}/keys`, url), JSON.stringify({ kind, name: `bench ${kind}`, key }), {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${ADMIN_TOKEN}`,
  })

export async function startBenchWorker(): Promise<BenchWorker> {
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET, ADMIN_TOKEN } })
  const webhook = new URL('/admin/v1/webhook', worker.url)
  try {
    const body = JSON.stringify(initialRuleset())
    await post(webhook, body, await signedHeaders(body, WEBHOOK_SECRET))
    await registerKey(worker.url, 'client', CLIENT_KEY)
    await registerKey(worker.url, 'server', SERVER_KEY)
  } catch (error) {
    await worker.dispose()
    throw error
  }
  return {
    url: worker.url,
    change: async (round) => {
      const body = JSON.stringify(promoChange(round))
      const headers = await signedHeaders(body, WEBHOOK_SECRET)
      return () => fetch(webhook, { method: 'POST', headers, body })
    },
    dispose: () => worker.dispose(),
  }
}
