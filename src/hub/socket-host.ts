import type { Env } from '../env'
import { compileRuleset, type CompiledRuleset } from '../evaluation'
import { ApiError } from '../errors'
import { KEY_KINDS } from '../model/api-key'
import { readOfrepContext } from '../ofrep/context'
import type { StoredRuleset } from '../store/stored-ruleset'
import { openEventStream, type EventStreams } from './event-streams'
import { fanout } from './fanout'
import { hubTallyOf } from '../insights/hub-tally'
import { allStates } from './flag-states'
import { forgetSocket, loadSocket, rememberSocket, type HubOpening, type SocketInfo } from './sockets'

/** Storage key marking a shard, holding its writer's name. */
export const SHARD_OF = 'shard-of'
/** Storage key of the last version a shard told its sockets about. */
const SHARD_VERSION = 'shard-version'

/** The ruleset sockets are told about, with when its version was accepted. */
export type SocketView = { version: number; updatedAt: string; compiled: CompiledRuleset }

/** A new version, as the writer sends it to each shard. */
export type ShardUpdate = { environment: string; version: number; ruleset: StoredRuleset; flags: string[]; segments: string[] }

/** What the writer publishes to a shard, and what a shard asks of its writer. */
type WriterStub = { snapshot(environment: string): Promise<StoredRuleset> }

/** What the host needs of the object it lives in, when that object is the writer. */
export type Writer = {
  /** Loads the writer's state for `environment` (a no-op once loaded). */
  load(environment: string): void
  /** The writer's current ruleset, for its own sockets. */
  view(): SocketView
}

const viewOf = (stored: StoredRuleset): SocketView => ({
  version: stored.version,
  updatedAt: stored.updatedAt,
  compiled: compileRuleset(stored),
})

/**
 * The socket side of a Hub (DESIGN.md section 6): WebSockets with the hibernation API, each with
 * its context in storage, and OFREP event streams. The writer holds them itself, or (HUB_SHARDS)
 * shard objects do, each with a copy of the writer's ruleset.
 */
export class SocketHost {
  /**
   * Sockets' parsed contexts: a cache of storage, empty after the object wakes from hibernation
   * (tests clear it to stand for that).
   */
  readonly sockets = new Map<string, SocketInfo>()
  readonly streams: EventStreams = new Set()
  /** As a shard: the writer's ruleset as last published here. */
  #shardView: SocketView | undefined

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly writer: Writer,
  ) {}

  /**
   * Records a socket about to open: its context is stored under a new socket id, which the
   * upgrade that follows names. A record whose upgrade never comes is pruned with the others of
   * closed sockets when the object next loads.
   */
  admit({ environment, kind, context, shardOf }: HubOpening): string {
    if (!KEY_KINDS.includes(kind)) throw new Error(`unknown key kind ${kind}`)
    if (shardOf) this.ctx.storage.kv.put(SHARD_OF, shardOf)
    else this.writer.load(environment)
    const id = crypto.randomUUID()
    rememberSocket(this.ctx.storage.kv, id, kind, context)
    return id
  }

  /**
   * WebSocket upgrades of admitted sockets (`/stream?socket=`), and event streams (`/sse`, the
   * environment in a JSON body), forwarded by the Worker after it checked the key.
   */
  async open(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/sse') {
      const { environment } = (await request.json()) as { environment: string }
      this.writer.load(environment)
      return openEventStream(this.streams, this.ctx)
    }
    const id = url.searchParams.get('socket') ?? ''
    const info = loadSocket(this.ctx.storage.kv, id)
    if (info === undefined) return new Response('no socket was admitted under this id', { status: 400 })
    // the ruleset first: a socket accepted while it loads could get a publish's put and this one
    const view = await this.#view()
    const [client, server] = Object.values(new WebSocketPair())
    this.ctx.acceptWebSocket(server)
    server.serializeAttachment({ id, kind: info.kind })
    this.sockets.set(id, info)
    this.#sendPut(server, info, view)
    return new Response(null, { status: 101, webSocket: client })
  }

  /** `{"type":"identify","context":…}` re-evaluates for the new context and answers with a put. */
  async message(socket: WebSocket, message: string | ArrayBuffer) {
    const info = this.#socketInfo(socket)
    if (info === undefined) return
    let request: { type?: unknown; context?: unknown }
    try {
      request = JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message))
    } catch {
      return socket.send(JSON.stringify({ type: 'error', code: 'bad_message', message: 'Messages are JSON' }))
    }
    if (request.type !== 'identify') {
      return socket.send(JSON.stringify({ type: 'error', code: 'bad_message', message: 'Unknown message type' }))
    }
    try {
      const { context, canonical } = readOfrepContext({ context: request.context })
      rememberSocket(this.ctx.storage.kv, info.id, info.kind, canonical)
      const next = { ...info, context, raw: canonical }
      this.sockets.set(info.id, next)
      this.#sendPut(socket, next, await this.#view())
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'The context is not valid'
      socket.send(JSON.stringify({ type: 'error', code: 'invalid_context', message }))
    }
  }

  drop(socket: WebSocket) {
    const { id } = (socket.deserializeAttachment() ?? {}) as { id?: string }
    if (id === undefined) return
    this.sockets.delete(id)
    forgetSocket(this.ctx.storage.kv, id)
  }

  /** As the writer: tells this object's sockets what a change did for each of them. */
  change(before: CompiledRuleset, after: SocketView, flags: string[], segments: string[]) {
    fanout(this.#live(), { before, after: after.compiled, version: after.version, updatedAt: after.updatedAt, flags, segments }, hubTallyOf(this.ctx))
  }

  /**
   * As a shard: a new version from the writer. Sockets get patches against the version this
   * shard had; a shard that had none (new, or restarted) sends every socket a fresh put.
   */
  publish(update: ShardUpdate) {
    const before = this.#shardView
    if (before !== undefined && before.version >= update.version) return
    const after = viewOf(update.ruleset)
    const told = this.ctx.storage.kv.get<number>(SHARD_VERSION) ?? 0
    this.#setShardView(after)
    if (before === undefined) {
      // woke from hibernation without the previous ruleset: sockets told an older version resync
      if (told < update.version) for (const { socket, info } of this.#live()) this.#sendPut(socket, info, after)
      return
    }
    this.change(before.compiled, after, update.flags, update.segments)
  }

  /** OFREP's change stream: every open event stream is told to refetch. */
  notifyStreams(version: number) {
    const event = new TextEncoder().encode(`data: ${JSON.stringify({ type: 'refetchEvaluation', etag: String(version) })}\n\n`)
    for (const writer of this.streams) writer.write(event).catch(() => this.streams.delete(writer))
  }

  /** The sockets this object holds, with their contexts. */
  *#live(): Generator<{ socket: WebSocket; info: SocketInfo }> {
    for (const socket of this.ctx.getWebSockets()) {
      const info = this.#socketInfo(socket)
      if (info !== undefined) yield { socket, info }
    }
  }

  #socketInfo(socket: WebSocket): SocketInfo | undefined {
    const { id } = (socket.deserializeAttachment() ?? {}) as { id?: string }
    if (id === undefined) return undefined
    let info = this.sockets.get(id)
    if (info === undefined) {
      info = loadSocket(this.ctx.storage.kv, id)
      if (info !== undefined) this.sockets.set(id, info)
    }
    return info
  }

  /** The ruleset sockets here are told about: the writer's own, or a shard's copy of it. */
  async #view(): Promise<SocketView> {
    const writer = this.ctx.storage.kv.get<string>(SHARD_OF)
    if (writer === undefined) return this.writer.view()
    if (this.#shardView === undefined) {
      const stored = await (this.env.HUB.getByName(writer) as unknown as WriterStub).snapshot(writer)
      if (this.#shardView === undefined) this.#setShardView(viewOf(stored))
    }
    return this.#shardView!
  }

  #setShardView(view: SocketView) {
    this.#shardView = view
    this.ctx.storage.kv.put(SHARD_VERSION, view.version)
  }

  #sendPut(socket: WebSocket, info: SocketInfo, view: SocketView) {
    const flags = allStates(view.compiled, info.context, info.kind)
    socket.send(JSON.stringify({ type: 'put', version: view.version, updatedAt: view.updatedAt, flags }))
    hubTallyOf(this.ctx).countStates(flags)
  }
}
