import type { EvaluationContext } from '../evaluation'
import type { KeyKind } from '../model/api-key'
import { readOfrepContext } from '../ofrep/context'

/**
 * What the Worker tells the Hub, over RPC, before it forwards a WebSocket upgrade: the key's
 * environment and kind (checked by the Worker) and the socket's context as canonical JSON text.
 * `shardOf` names the writer when the receiving object is one of its shards.
 */
export type HubOpening = { environment: string; kind: KeyKind; context: string; shardOf?: string }

/** What the Hub keeps per socket: in the attachment (id, kind) and in storage (the context). */
export type SocketInfo = { id: string; kind: KeyKind; context: EvaluationContext; raw: string }

type StoredSocket = { kind: KeyKind; context: string }

const PREFIX = 'socket:'

/** Stores a socket's context (JSON text of the OFREP context), so it outlives hibernation. */
export const rememberSocket = (storage: SyncKvStorage, id: string, kind: KeyKind, context: string) =>
  storage.put<StoredSocket>(PREFIX + id, { kind, context })

export const forgetSocket = (storage: SyncKvStorage, id: string) => storage.delete(PREFIX + id)

/** The socket's stored state, parsed; undefined for a socket the Hub never recorded. */
export const loadSocket = (storage: SyncKvStorage, id: string): SocketInfo | undefined => {
  const stored = storage.get<StoredSocket>(PREFIX + id)
  if (stored === undefined) return undefined
  return { id, kind: stored.kind, context: readOfrepContext({ context: JSON.parse(stored.context) }).context, raw: stored.context }
}

/** Drops stored sockets that no longer have a connection (closed while the Hub was away). */
export const pruneSockets = (storage: SyncKvStorage, live: Set<string>) => {
  for (const [key] of storage.list({ prefix: PREFIX })) {
    if (!live.has(key.slice(PREFIX.length))) storage.delete(key)
  }
}
