import type { ApiKeyRecord, KeyKind } from '../model/api-key'
import { sha256Hex } from '../store/hash'
import { apiKeyRecordKey } from '../store/kv-keys'

/** A key as the admin API lists it: never the key itself. */
export type ApiKeySummary = { id: string; kind: KeyKind; name: string; createdAt: string }

type StoredKey = ApiKeySummary & { hash: string }

const PREFIX = 'apikey:'

// 32 random bytes: a key cannot be guessed, and its SHA-256 can be shown as its id
const randomKey = (kind: KeyKind) => {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const text = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `ef_${kind}_${text}`
}

const summary = ({ id, kind, name, createdAt }: StoredKey): ApiKeySummary => ({ id, kind, name, createdAt })

/**
 * Creates a key for `environment` (or registers `key` when given, as the dev seed does) and
 * returns it: the only time it is shown. KV holds only its hash. Registering the same key again
 * answers the existing entry.
 */
export const createKey = async (
  storage: SyncKvStorage,
  kv: KVNamespace,
  environment: string,
  request: { kind: KeyKind; name: string; key?: string },
  now: Date,
) => {
  const key = request.key ?? randomKey(request.kind)
  const hash = sha256Hex(key)
  const id = hash.slice(0, 24)
  const existing = storage.get<StoredKey>(PREFIX + id)
  if (existing !== undefined) return { ...summary(existing), key, created: false, conflict: false }
  // a key another environment holds must not move here
  const elsewhere = await kv.get(apiKeyRecordKey(hash), 'json')
  if (elsewhere !== null) return { ...summary({ id, kind: request.kind, name: request.name, createdAt: '', hash }), key: '', created: false, conflict: true }
  const stored: StoredKey = { id, kind: request.kind, name: request.name, createdAt: now.toISOString(), hash }
  const record: ApiKeyRecord = { environment, kind: stored.kind, name: stored.name, createdAt: stored.createdAt }
  await kv.put(apiKeyRecordKey(hash), JSON.stringify(record))
  storage.put(PREFIX + id, stored)
  return { ...summary(stored), key, created: true, conflict: false }
}

export const listKeys = (storage: SyncKvStorage): ApiKeySummary[] =>
  [...storage.list<StoredKey>({ prefix: PREFIX })].map(([, stored]) => summary(stored))

/** Revokes a key by id; false when there is none. Isolates stop accepting it within REFRESH_MS. */
export const revokeKey = async (storage: SyncKvStorage, kv: KVNamespace, id: string) => {
  const stored = storage.get<StoredKey>(PREFIX + id)
  if (stored === undefined) return false
  await kv.delete(apiKeyRecordKey(stored.hash))
  storage.delete(PREFIX + id)
  return true
}
