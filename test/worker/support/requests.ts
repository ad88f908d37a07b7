import { exports } from 'cloudflare:workers'

const BASE = 'http://edgeflags.test'

/** POSTs an OFREP request through the real Worker entry. */
export const ofrepPost = (path: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}/ofrep/v1/evaluate/flags${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(key === undefined ? {} : { Authorization: `Bearer ${key}` }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

export const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}${path}`, { headers })

export type OfrepBulk = { flags: { key: string; value?: unknown; reason?: string; variant?: string; errorCode?: string }[] }

/** The bulk answer as a map from flag key to its entry. */
export const byKey = (body: OfrepBulk) => Object.fromEntries(body.flags.map((flag) => [flag.key, flag]))
