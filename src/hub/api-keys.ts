import type { Env } from '../env'
import { isApiKeyRecord, type ApiKeyRecord, type KeyKind } from '../model/api-key'
import { sha256Hex } from '../store/hash'
import { apiKeyRecordKey } from '../store/kv-keys'

/** A key as the admin API lists it: never the key itself. */
export type ApiKeySummary = { id: string; kind: KeyKind; name: string; createdAt: string }

/**
 * A key in the Hub's storage, the source of truth (DESIGN.md section 11). Its KV record is derived
 * from it: written after it, and `published` once that write landed (absent on keys stored
 * before this field existed, which were published first).
 */
type StoredKey = ApiKeySummary & { hash: string; environment?: string; published?: boolean }

const PREFIX = 'apikey:'

// 32 random bytes: a key cannot be guessed, and its SHA-256 can be shown as its id
const randomKey = (kind: KeyKind) => {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const text = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `ef_${kind}_${text}`
}

const summary = ({ id, kind, name, createdAt }: StoredKey): ApiKeySummary => ({ id, kind, name, createdAt })

/** Where a key's KV record lives, and what other environments' Hubs know. */
export type KeyOutlets = {
  kv: KVNamespace
  /** Whether the Hub of `environment` holds the key with this id. */
  knownIn: (environment: string, id: string) => Promise<boolean>
}

/** The outlets of a Hub: its KV namespace, and the other environments' Hubs through `env.HUB`. */
export const keyOutlets = (env: Env, kv: KVNamespace): KeyOutlets => ({
  kv,
  knownIn: async (other, id) => await (env.HUB.getByName(other) as unknown as { hasKey(id: string): Promise<boolean> }).hasKey(id),
})

export type CreatedKey = ApiKeySummary & {
  key: string
  created: boolean
  conflict: boolean
  /** False while the KV record is not yet written: the key works once the Hub's retry lands. */
  published: boolean
}

const publish = async (storage: SyncKvStorage, kv: KVNamespace, environment: string, stored: StoredKey) => {
  const record: ApiKeyRecord = { environment: stored.environment ?? environment, kind: stored.kind, name: stored.name, createdAt: stored.createdAt }
  await kv.put(apiKeyRecordKey(stored.hash), JSON.stringify(record))
  stored.published = true
  storage.put(PREFIX + stored.id, stored)
}

/** Publishes, reporting a failure instead of throwing: the key is stored, the alarm retries. */
const tryPublish = async (storage: SyncKvStorage, kv: KVNamespace, environment: string, stored: StoredKey) => {
  try {
    await publish(storage, kv, environment, stored)
    return true
  } catch (error) {
    console.error(JSON.stringify({ event: 'key_publish_failed', environment, id: stored.id, error: String(error) }))
    return false
  }
}

/**
 * Creates a key for `environment` (or registers `key` when given, as the dev seed does) and
 * returns it: the only time it is shown. The Hub's record is written first and KV's (only the
 * hash) after it, so a crash between them leaves a key that is listed and revocable, which a
 * retry or the alarm publishes. Registering a key again answers the existing entry, publishing
 * it if it was not; a KV record no Hub knows (left by an older crash) is taken over.
 */
export const createKey = async (
  storage: SyncKvStorage,
  outlets: KeyOutlets,
  environment: string,
  request: { kind: KeyKind; name: string; key?: string },
  now: Date,
): Promise<CreatedKey> => {
  const key = request.key ?? randomKey(request.kind)
  const hash = sha256Hex(key)
  const id = hash.slice(0, 24)
  const existing = storage.get<StoredKey>(PREFIX + id)
  if (existing !== undefined) {
    // a registration again is also a repair: KV may have lost the record (or never got it)
    const record = await outlets.kv.get(apiKeyRecordKey(hash), 'json')
    const intact = existing.published !== false && isApiKeyRecord(record) && record.environment === (existing.environment ?? environment)
    const published = intact || (await tryPublish(storage, outlets.kv, environment, existing))
    return { ...summary(existing), key, created: false, conflict: false, published }
  }
  const found = await outlets.kv.get(apiKeyRecordKey(hash), 'json')
  if (isApiKeyRecord(found) && found.environment !== environment) {
    // a key another environment holds must not move here; one its Hub never recorded may
    if (await outlets.knownIn(found.environment, id)) {
      return { id, kind: request.kind, name: request.name, createdAt: '', key: '', created: false, conflict: true, published: false }
    }
    console.warn(JSON.stringify({ event: 'orphan_key_record_replaced', id, was: found.environment, now: environment }))
  } else if (found !== null) {
    console.warn(JSON.stringify({ event: 'orphan_key_record_adopted', id, environment }))
  }
  const createdAt = now.toISOString()
  const stored: StoredKey = { id, kind: request.kind, name: request.name, createdAt, hash, environment, published: false }
  storage.put(PREFIX + id, stored)
  const published = await tryPublish(storage, outlets.kv, environment, stored)
  return { ...summary(stored), key, created: true, conflict: false, published }
}

export const listKeys = (storage: SyncKvStorage): ApiKeySummary[] =>
  [...storage.list<StoredKey>({ prefix: PREFIX })].map(([, stored]) => summary(stored))

export const hasKey = (storage: SyncKvStorage, id: string) => storage.get<StoredKey>(PREFIX + id) !== undefined

/**
 * Revokes a key by id. KV's record goes first, so a key that still authenticates is always still
 * listed: when KV refuses, nothing changes and the revocation can be retried. Isolates stop
 * accepting a revoked key within REFRESH_MS.
 */
export const revokeKey = async (storage: SyncKvStorage, kv: KVNamespace, id: string): Promise<'revoked' | 'not_found' | 'unavailable'> => {
  const stored = storage.get<StoredKey>(PREFIX + id)
  if (stored === undefined) return 'not_found'
  try {
    await kv.delete(apiKeyRecordKey(stored.hash))
  } catch (error) {
    console.error(JSON.stringify({ event: 'key_revoke_failed', id, error: String(error) }))
    return 'unavailable'
  }
  storage.delete(PREFIX + id)
  return 'revoked'
}

/** Keys stored but not yet in KV (a failed or interrupted write). */
export const unpublishedKeys = (storage: SyncKvStorage) =>
  [...storage.list<StoredKey>({ prefix: PREFIX })].filter(([, stored]) => stored.published === false).map(([, stored]) => stored)

/** Publishes every key KV lacks; true when none is left behind. */
export const publishPendingKeys = async (storage: SyncKvStorage, kv: KVNamespace, environment: string) => {
  let done = true
  for (const stored of unpublishedKeys(storage)) done = (await tryPublish(storage, kv, environment, stored)) && done
  return done
}
