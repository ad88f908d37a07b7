import { isJsonObject } from './json'

/** Who may hold a key: `client` and `mobile` keys ship in apps (public), `server` keys do not. */
export const KEY_KINDS = ['client', 'mobile', 'server'] as const

export type KeyKind = (typeof KEY_KINDS)[number]

/** What KV stores under `key/{sha256 hex of the key}`; the key itself is never stored. */
export type ApiKeyRecord = {
  environment: string
  kind: KeyKind
  name: string
  createdAt: string
}

/**
 * Whether KV's JSON is a key record. The Hub writes them; this guards the read path against
 * foreign data without a schema library on it.
 */
export const isApiKeyRecord = (json: unknown): json is ApiKeyRecord =>
  isJsonObject(json) &&
  typeof json.environment === 'string' &&
  json.environment !== '' &&
  KEY_KINDS.includes(json.kind as KeyKind) &&
  typeof json.name === 'string' &&
  typeof json.createdAt === 'string'
