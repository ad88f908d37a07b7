import { createHash } from 'node:crypto'

/** Lower-case hex SHA-256: how API keys are named in KV. */
export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

/** A short, stable fingerprint for ETags (not a security boundary). */
export const fingerprint = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 16)
