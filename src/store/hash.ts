import { createHash } from 'node:crypto'
import { sha1Prefix60 } from '../evaluation/sha1'

/** Lower-case hex SHA-256: how API keys are named in KV. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

const NOTHING = new Uint8Array(0)

/**
 * A short, stable fingerprint for ETags (not a security boundary): 60 bits of SHA-1, computed
 * in-isolate by the evaluator's own SHA-1, which costs less than a trip into node:crypto.
 */
export const fingerprint = (text: string) => sha1Prefix60(NOTHING, text).toString(16).padStart(15, '0')
