import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import type { ApiKeyRecord } from '../model/api-key'
import { readOfrepContext } from '../ofrep/context'
import { readApiKey } from '../store/api-keys'
import { storeSources } from '../store/from-context'
import { shardCount, shardName, shardOf } from '../hub/shards'

/** Live updates: `/v1/stream` (WebSocket, DESIGN.md section 6) and `/v1/sse` (OFREP events). */
export const stream = new Hono<AppEnv>()

// Browsers cannot set headers on a WebSocket or EventSource, so the key travels in the query
const keyRecord = async (c: Context<AppEnv>): Promise<ApiKeyRecord | null> => {
  const key = c.req.query('key')
  return key ? readApiKey(key, storeSources(c)) : null
}

/**
 * Accepts the socket here only to close it with `code` and say why, so the Hub never sees a
 * socket it would refuse.
 */
const refuseSocket = (code: number, reason: string) => {
  const [client, server] = Object.values(new WebSocketPair())
  server.accept()
  server.send(JSON.stringify({ type: 'error', code: code === 4401 ? 'unauthorized' : 'invalid_context', message: reason }))
  server.close(code, reason)
  return new Response(null, { status: 101, webSocket: client })
}

const decodeBase64Url = (text: string) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
}

const readContextParameter = (text: string | undefined): string => {
  if (text === undefined || text === '') return '{}'
  try {
    const context = JSON.parse(decodeBase64Url(text))
    return readOfrepContext({ context }).canonical
  } catch (error) {
    throw error instanceof ApiError ? error : new ApiError(400, 'invalid_context', 'context must be base64url-encoded JSON')
  }
}

// With HUB_SHARDS above 1, each socket goes to one of the environment's shard objects (by a
// hash of a fresh connection id); event streams always go to the writer.
const forward = (c: Context<AppEnv>, record: ApiKeyRecord, path: string, context = '{}') => {
  const shards = path === '/stream' ? shardCount(c.env.HUB_SHARDS) : 1
  const name = shards === 1 ? record.environment : shardName(record.environment, shardOf(crypto.randomUUID(), shards))
  return c.env.HUB.getByName(name).fetch(`https://hub${path}`, {
    headers: {
      Upgrade: c.req.header('Upgrade') ?? '',
      'x-edgeflags-environment': record.environment,
      'x-edgeflags-kind': record.kind,
      'x-edgeflags-context': context,
      ...(shards === 1 ? {} : { 'x-edgeflags-shard-of': record.environment }),
    },
  })
}

stream.get('/stream', async (c) => {
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError(426, 'upgrade_required', 'Open this URL as a WebSocket')
  }
  const record = await keyRecord(c)
  if (record === null) return refuseSocket(4401, 'the key is missing, unknown or revoked')
  let context: string
  try {
    context = readContextParameter(c.req.query('context'))
  } catch (error) {
    return refuseSocket(4400, (error as Error).message)
  }
  return forward(c, record, '/stream', context)
})

stream.get('/sse', async (c) => {
  const record = await keyRecord(c)
  if (record === null) throw new ApiError(401, 'unknown_key', 'Pass a valid key as ?key=')
  return forward(c, record, '/sse')
})
