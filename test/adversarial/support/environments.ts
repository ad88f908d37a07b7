import examples from '../../../examples/flags.json'
import type { KeyKind } from '../../../src/model/api-key'
import { signBody } from '../../../src/webhook/signature'
import { putKey } from '../../worker/support/environments'
import { ADMIN_TOKEN, environmentName, WEBHOOK_SECRET } from '../../worker/support/webhook'
import { BASE, send, type Sent } from './worker'

export { examples }

/** The example flags each key kind may see (`clientSideAvailability`). */
export const VISIBLE: Record<KeyKind, string[]> = {
  client: ['dark-theme', 'new-checkout', 'disable-registration', 'api-count-field'],
  mobile: ['dark-theme', 'tasks-batch-size', 'new-checkout', 'disable-registration', 'api-count-field'],
  server: ['dark-theme', 'backend-log-level', 'ip-blocklist', 'tasks-batch-size', 'new-checkout', 'disable-registration', 'api-count-field'],
}

export type Seeded = { environment: string; keys: Record<KeyKind, string> }

// The bytes a Request sends for a string. workerd writes a lone surrogate as WTF-8 (ED A0 BD)
// where TextEncoder writes U+FFFD, so signing the string would not sign what is sent.
const bytesOf = async (body: string | Uint8Array) =>
  typeof body === 'string' ? new Uint8Array(await new Request(BASE, { method: 'POST', body }).arrayBuffer()) : body

/** A webhook request for `body`, sent byte for byte and signed now unless `signature` is given. */
export const webhookRequest = async (text: string | Uint8Array, signature?: string | null, headers: Record<string, string> = {}): Promise<Sent> => {
  const body = await bytesOf(text)
  const header = signature === undefined ? await signBody({ body, secret: WEBHOOK_SECRET, timestamp: Date.now() / 1000 }) : signature
  return {
    method: 'POST',
    path: '/admin/v1/webhook',
    headers: { 'Content-Type': 'application/json', ...(header === null ? {} : { 'X-Edgeflags-Signature': header }), ...headers },
    body,
  }
}

/** An admin API request with the admin token. */
export const adminSent = (path: string, method = 'GET', body?: string): Sent => ({
  method,
  path: `/admin/v1/environments${path}`,
  headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
  body,
})

/**
 * A fresh environment loaded the way an admin would: `ruleset` (the examples) through the
 * signed webhook, so the Hub holds it for sockets, and one key of each kind.
 */
export const seededEnvironment = async (ruleset: object = examples): Promise<Seeded> => {
  const environment = environmentName()
  const answer = await send(await webhookRequest(JSON.stringify({ environment, op: 'replace', ...ruleset })))
  if (answer.status !== 200) throw new Error(`seeding ${environment} failed: ${answer.status} ${answer.text}`)
  const keys = {} as Record<KeyKind, string>
  for (const kind of ['client', 'mobile', 'server'] as const) {
    keys[kind] = `${kind}-${crypto.randomUUID()}`
    await putKey(keys[kind], environment, kind)
  }
  return { environment, keys }
}

/**
 * A key created through the admin API and revoked at once, before any request used it, so
 * no isolate holds it in its key cache (where revocation takes up to REFRESH_MS).
 */
export const revokedKey = async (environment: string, kind: KeyKind = 'client') => {
  const created = await send(adminSent(`/${environment}/keys`, 'POST', JSON.stringify({ kind, name: 'revoked at once' })))
  if (created.status !== 201) throw new Error(`creating a key failed: ${created.status} ${created.text}`)
  const { id, key } = JSON.parse(created.text) as { id: string; key: string }
  const revoked = await send(adminSent(`/${environment}/keys/${id}`, 'DELETE'))
  if (revoked.status !== 204) throw new Error(`revoking a key failed: ${revoked.status} ${revoked.text}`)
  return key
}

export { ADMIN_TOKEN, WEBHOOK_SECRET }
