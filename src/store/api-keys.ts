import { ApiError } from '../errors'
import { isApiKeyRecord, type ApiKeyRecord } from '../model/api-key'
import { sha256Hex } from './hash'
import { isolateCache } from './isolate-cache'
import { apiKeyRecordKey } from './kv-keys'
import type { StoreSources } from './sources'

// Unknown keys are remembered too (as null), so a client retrying a bad key costs no KV reads;
// a key created a moment ago may therefore be refused for up to refreshMs by a warm isolate.
const records = isolateCache<ApiKeyRecord | null>(10000)

const readRecord = async (hash: string, sources: StoreSources): Promise<ApiKeyRecord | null> => {
  const json = await sources.kv.get(apiKeyRecordKey(hash), 'json')
  if (json === null) return null
  if (!isApiKeyRecord(json)) {
    console.error(JSON.stringify({ event: 'invalid_key_record', hash }))
    return null
  }
  // only the record's own fields, whatever else the JSON holds
  const { environment, kind, name, createdAt } = json
  return { environment, kind, name, createdAt }
}

/**
 * The record of an API key, or null for an unknown or revoked one. Cached per isolate like
 * rulesets: revocation takes effect within refreshMs.
 */
export const readApiKey = async (key: string, sources: StoreSources): Promise<ApiKeyRecord | null> => {
  try {
    // cached by the key itself, so a warm request does not hash it again
    return await records.get(key, sources, () => readRecord(sha256Hex(key), sources))
  } catch (error) {
    console.error(JSON.stringify({ event: 'kv_read_failed', what: 'api key', error: String(error) }))
    throw new ApiError(503, 'unavailable', 'API keys cannot be checked right now', [], 5)
  }
}

/** Forgets every key this isolate holds (tests share one isolate). */
export const forgetApiKeys = () => records.clear()
