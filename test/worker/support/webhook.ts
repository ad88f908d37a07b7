import { exports } from 'cloudflare:workers'
import { signBody } from '../../../src/webhook/signature'

export const WEBHOOK_SECRET = 'test-webhook-secret'
export const ADMIN_TOKEN = 'test-admin-token'
const BASE = 'http://edgeflags.test'

/** Sends a signed webhook; `sign` overrides the header (null leaves it out). */
export const sendWebhook = async (body: unknown, { sign, secret = WEBHOOK_SECRET, now = Date.now() / 1000 }: { sign?: string | null; secret?: string; now?: number } = {}) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const signature = sign === undefined ? await signBody({ body: text, secret, timestamp: now }) : sign
  return exports.default.fetch(`${BASE}/admin/v1/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(signature === null ? {} : { 'X-Edgeflags-Signature': signature }) },
    body: text,
  })
}

export const adminRequest = (path: string, init: RequestInit = {}, token = ADMIN_TOKEN) =>
  exports.default.fetch(`${BASE}/admin/v1/environments${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  })

/** A unique environment name for one test. */
export const environmentName = () => `t-${crypto.randomUUID().slice(0, 18)}`

export { boolFlag } from '../../support/flags'
