import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import type { ApiKeyRecord } from '../model/api-key'
import { decodeBase64Url } from '../model/base64url'
import { readOfrepContext } from '../ofrep/context'
import { readApiKey } from '../store/api-keys'
import { storeSources } from '../store/from-context'
import { shardCount, shardName, shardOf } from '../hub/shards'
import type { HubOpening } from '../hub/sockets'

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
const hubFor = (c: Context<AppEnv>, record: ApiKeyRecord, shards: number) =>
  c.env.HUB.getByName(shards === 1 ? record.environment : shardName(record.environment, shardOf(crypto.randomUUID(), shards)))

// A context is user data, of any size and script, which headers are not made for: it reaches
// the Hub over RPC, and the upgrade that follows names only the socket the Hub admitted.
const openSocket = async (c: Context<AppEnv>, record: ApiKeyRecord, context: string) => {
  const shards = shardCount(c.env.HUB_SHARDS)
  const hub = hubFor(c, record, shards)
  const opening: HubOpening = { environment: record.environment, kind: record.kind, context }
  const socket = await hub.admitSocket(shards === 1 ? opening : { ...opening, shardOf: record.environment })
  return hub.fetch(`https://hub/stream?socket=${socket}`, { headers: { Upgrade: 'websocket' } })
}

const openEvents = (c: Context<AppEnv>, record: ApiKeyRecord) =>
  hubFor(c, record, 1).fetch('https://hub/sse', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ environment: record.environment }),
  })

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
  return openSocket(c, record, context)
})

stream.get('/sse', async (c) => {
  const record = await keyRecord(c)
  if (record === null) throw new ApiError(401, 'unknown_key', 'Pass a valid key as ?key=')
  return openEvents(c, record)
})
