import { startLocalWorker } from '../../scripts/local-worker'
import { signedHeaders } from '../../scripts/sign'
import { ADMIN_TOKEN, CLIENT_KEY, ENVIRONMENT, WEBHOOK_SECRET, contextFor, encodeContext, initialRuleset, isAffected, promoChange, promoValueForA } from './flags'
import { expectJson, type Target } from './targets'

/** `src/` served by Miniflare on 127.0.0.1, with one client key and the bench flags at version 1. */

const INITIAL_VERSION = 1

const post = async (url: URL, body: string, headers: Record<string, string>) => {
  const response = await fetch(url, { method: 'POST', headers, body })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST ${url.pathname}: ${response.status} ${text}`)
  return text
}

const webhookHeaders = (body: string) => signedHeaders(body, WEBHOOK_SECRET)

// promo's value for socket `index` after `changes` changes
const promoValue = (index: number, changes: number) => (isAffected(index) ? promoValueForA(changes) : false)

export async function startEdgeflags(): Promise<Target> {
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET, ADMIN_TOKEN } })
  const { url } = worker
  const webhook = new URL('/admin/v1/webhook', url)
  let changes = 0
  try {
    const body = JSON.stringify(initialRuleset())
    await post(webhook, body, await webhookHeaders(body))
    const key = JSON.stringify({ kind: 'client', name: 'bench', key: CLIENT_KEY })
    await post(new URL(`/admin/v1/environments/${ENVIRONMENT}/keys`, url), key, {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${ADMIN_TOKEN}`,
    })
  } catch (error) {
    await worker.dispose()
    throw error
  }
  const socketBase = `ws://${url.host}/v1/stream?key=${CLIENT_KEY}&context=`

  return {
    name: 'edgeflags',
    server: 'edgeflags',
    socketUrl: (index) => socketBase + encodeContext(contextFor(index)),
    checkFirst: (index, text) => {
      const put = JSON.parse(text)
      return expectJson(`socket ${index}'s put`, [put.type, put.flags?.promo?.value], ['put', promoValue(index, changes)])
    },
    prepare: async () => {
      changes += 1
      const round = changes
      const version = INITIAL_VERSION + round
      const body = JSON.stringify(promoChange(round))
      const headers = await webhookHeaders(body)
      const value = promoValueForA(round)
      return {
        send: () => fetch(webhook, { method: 'POST', headers, body }),
        affected: isAffected,
        checkMessage: (index, text) => {
          const { type, version: got, flags, removed } = JSON.parse(text)
          const seen = [type, got, Object.keys(flags ?? {}), flags?.promo?.value, removed]
          return expectJson(`socket ${index}'s patch`, seen, ['patch', version, ['promo'], value, []])
        },
        checkResponse: (status, text) => expectJson('webhook answer', [status, JSON.parse(text).version], [200, version]),
      }
    },
    dispose: worker.dispose,
  }
}
