import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import type { ApiKeyRecord, KeyKind } from '../model/api-key'
import { readApiKey } from '../store/api-keys'
import { storeSources } from '../store/from-context'
import type { StoreSources } from '../store/sources'

export type ApiKeyOptions = {
  /** The key kinds this route serves; any other known key gets 403. */
  kinds: readonly KeyKind[]
  /** Also read the key from this query parameter (browsers cannot set WebSocket headers). */
  queryParameter?: string
}

const BEARER = /^Bearer\s+(.+)$/i

/** The key a request sends as `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any. */
export const keyInHeaders = (headers: Headers): string | undefined =>
  BEARER.exec(headers.get('Authorization') ?? '')?.[1].trim() ?? headers.get('X-API-Key') ?? undefined

/** The record of `key`, when it is known and of one of the `allowed` kinds (else 401 or 403). */
export const authenticate = async (
  key: string | undefined,
  allowed: ReadonlySet<KeyKind>,
  sources: StoreSources,
): Promise<ApiKeyRecord> => {
  if (!key) throw new ApiError(401, 'missing_key', 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"')
  const record = await readApiKey(key, sources)
  if (record === null) throw new ApiError(401, 'unknown_key', 'The API key is unknown or revoked')
  if (!allowed.has(record.kind)) throw new ApiError(403, 'forbidden', `A ${record.kind} key may not use this endpoint`)
  return record
}

/**
 * Authenticates a client, mobile or server key sent as `Authorization: Bearer <key>` or
 * `X-API-Key: <key>`, and leaves its record in `c.get('apiKey')`.
 *
 * @example app.use('/ofrep/*', apiKey({ kinds: ['client', 'mobile', 'server'] }))
 */
export const apiKey = ({ kinds, queryParameter }: ApiKeyOptions) => {
  const allowed = new Set<KeyKind>(kinds)
  return createMiddleware<AppEnv>(async function apiKey(c, next) {
    const key = keyInHeaders(c.req.raw.headers) ?? (queryParameter ? c.req.query(queryParameter) : undefined)
    c.set('apiKey', await authenticate(key, allowed, storeSources(c)))
    await next()
  })
}
