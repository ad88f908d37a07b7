import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import type { KeyKind } from '../model/api-key'
import type { Change } from '../model/webhook'
import type { StoredRuleset } from '../store/stored-ruleset'
import { createKey, listKeys, revokeKey } from './api-keys'
import { purgeCacheTag, refreshColoCache, writeKv } from './publish'
import { loadState, saveChange, saveMeta, type HubState } from './state'
import { publishRuleset } from './published'
import { RULESET_FORMAT } from '../store/stored-ruleset'
import { planChange, type ChangeRejection, type ChangeResponse } from './writer'
import { compileRuleset, type CompiledRuleset } from '../evaluation'
import { KEY_KINDS } from '../model/api-key'
import { readOfrepContext } from '../ofrep/context'
import { ApiError } from '../errors'
import { allStates } from './flag-states'
import { fanout } from './fanout'
import { forgetSocket, loadSocket, pruneSockets, rememberSocket, type HubOpening, type SocketInfo } from './sockets'
import { openEventStream, type EventStreams } from './event-streams'
import { shardName } from './shards'

/** Storage key marking a shard, holding its writer's name. */
const SHARD_OF = 'shard-of'
/** Storage key of the last version a shard told its sockets about. */
const SHARD_VERSION = 'shard-version'

/** The ruleset sockets are told about, with when its version was accepted. */
type SocketView = { version: number; updatedAt: string; compiled: CompiledRuleset }

/** A new version, as the writer sends it to each shard. */
export type ShardUpdate = { environment: string; version: number; ruleset: StoredRuleset; flags: string[]; segments: string[] }

// Published rulesets were validated by the writer: compiled as they are
const compileStored = (stored: StoredRuleset) => compileRuleset(stored)

// Storage keeps items as they were sent, valid when accepted; after a restart they are parsed
// once more for the published form (defaults filled).
const publishState = ({ meta, flags, segments }: HubState): StoredRuleset =>
  publishRuleset({ flags: Object.fromEntries(flags), segments: Object.fromEntries(segments) }, meta.version, meta.updatedAt)

/** KV accepts one write per second per key (Workers KV limits). */
const KV_WRITE_INTERVAL_MS = 1000
const MAX_RETRY_MS = 30_000

/** One shape, not a union: a union does not survive the RPC stub's typing intact. */
export type ApplyResult = {
  /** Set when the change was refused; then nothing was written. */
  rejection?: ChangeRejection
  response?: ChangeResponse
  /** The new ruleset when the change created a version. */
  ruleset?: StoredRuleset
}

/**
 * One per environment (`idFromName(environment)`): the single writer of its ruleset. Every
 * accepted change is in this object's storage before the webhook is answered; KV follows at most
 * once a second, by alarm, retried until it lands.
 */
export class Hub extends DurableObject<Env> {
  /** The KV namespace written to; a field so tests can put a failing one in its place. */
  kv: KVNamespace
  /** How purge requests leave; a field so tests can answer for Cloudflare's API. */
  send: typeof fetch = (input, init) => fetch(input, init)
  /** Cloudflare API credentials for purges (CF_API_TOKEN, CF_ZONE_ID); tests may set their own. */
  purgeCredentials = () => ({ apiToken: this.env.CF_API_TOKEN, zoneId: this.env.CF_ZONE_ID })
  #state: HubState | undefined
  /** When the last KV write began: the next may start a second later, even if this one is slow. */
  #lastAttemptAt = 0

  #compiled: CompiledRuleset | undefined
  /** The published form of the state, made when a change is accepted (or once after a restart). */
  #published: StoredRuleset | undefined
  /** As a shard: the writer's ruleset as last published here. */
  #shardView: SocketView | undefined
  /**
   * Sockets' parsed contexts: a cache of storage, empty after the object wakes from hibernation
   * (tests clear it to stand for that).
   */
  readonly sockets = new Map<string, SocketInfo>()
  #streams: EventStreams = new Set()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.kv = env.FLAGS
    // answered by the runtime without waking the object (hibernation)
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'))
  }

  #compiledRuleset(state: HubState) {
    this.#compiled ??= compileStored(this.#publishedRuleset(state))
    return this.#compiled
  }

  #publishedRuleset(state: HubState) {
    this.#published ??= publishState(state)
    return this.#published
  }

  #load(environment: string): HubState {
    if (this.#state === undefined) {
      this.#state = loadState(this.ctx.storage.kv, environment)
      // sockets that closed while the object was away left their contexts behind
      const live = new Set(this.ctx.getWebSockets().map((socket) => (socket.deserializeAttachment() as { id: string }).id))
      pruneSockets(this.ctx.storage.kv, live)
    }
    return this.#state
  }

  /**
   * Applies a change from the webhook: decided and stored synchronously, so changes serialise.
   * `shards` is HUB_SHARDS as the Worker reads it: above 1, sockets live in shard objects.
   */
  async applyChange(change: Change, { shards = 1 }: { shards?: number } = {}): Promise<ApplyResult> {
    const state = this.#load(change.environment)
    const plan = planChange(state, change, new Date())
    if (plan.type === 'rejected') return { rejection: plan.rejection }
    if (plan.type === 'unchanged') return { response: plan.response, ruleset: undefined }
    saveChange(this.ctx.storage, plan.meta, plan.flags, plan.segments)
    const before = this.#compiledRuleset(state)
    state.meta = plan.meta
    for (const [items, changes] of [[state.flags, plan.flags], [state.segments, plan.segments]] as const) {
      for (const [key, item] of changes) {
        if (item === undefined) items.delete(key)
        else items.set(key, item)
      }
    }
    const ruleset: StoredRuleset = { format: RULESET_FORMAT, version: plan.meta.version, updatedAt: plan.meta.updatedAt, ...plan.ruleset }
    this.#published = ruleset
    this.#compiled = undefined
    const after = this.#compiledRuleset(state)
    await this.#scheduleKvWrite()
    // acknowledge first, then tell the clients: the webhook's answer does not wait for sockets
    const { version, flags, segments } = plan.response
    this.ctx.waitUntil(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          this.#notifyStreams(version)
          if (shards > 1) {
            const update = { environment: state.meta.environment, version, ruleset, flags, segments }
            this.#publishToShards(shards, update).then(resolve, resolve)
            return
          }
          fanout(this.#liveSockets(), { before, after, version, updatedAt: ruleset.updatedAt, flags, segments })
          resolve()
        }, 0),
      ),
    )
    return { response: plan.response, ruleset }
  }

  /** The earliest time the next KV write may start. */
  #nextWriteAt() {
    const { writtenAt } = this.#state!.meta.kv
    return Math.max(this.#lastAttemptAt, writtenAt === undefined ? 0 : Date.parse(writtenAt)) + KV_WRITE_INTERVAL_MS
  }

  async #scheduleKvWrite(delayMs = 0) {
    const at = Math.max(Date.now() + delayMs, this.#nextWriteAt())
    const scheduled = await this.ctx.storage.getAlarm()
    if (scheduled === null || scheduled > at) await this.ctx.storage.setAlarm(at)
  }

  /** Writes the newest ruleset to KV (a burst of changes lands as its last version). */
  override async alarm() {
    const state = this.#state ?? this.#load(this.ctx.storage.kv.get<{ environment: string }>('meta')?.environment ?? '')
    const { meta } = state
    const launchDarklyId = meta.settings.launchDarklyClientSideId
    if (meta.version <= meta.kv.version && launchDarklyId === meta.kv.publishedLaunchDarklyId) return
    // An alarm already dispatched when a change rescheduled it can arrive right after the last
    // write: KV's one-write-a-second limit is kept here, where writes happen.
    if (Date.now() < this.#nextWriteAt()) {
      await this.ctx.storage.setAlarm(this.#nextWriteAt())
      return
    }
    const ruleset = this.#publishedRuleset(state)
    this.#lastAttemptAt = Date.now()
    try {
      await writeKv(this.kv, {
        environment: meta.environment,
        ruleset,
        launchDarklyId,
        staleLaunchDarklyId: meta.kv.publishedLaunchDarklyId,
      })
    } catch (error) {
      meta.kv = { ...meta.kv, failures: meta.kv.failures + 1, lastError: String(error) }
      saveMeta(this.ctx.storage.kv, meta)
      console.error(JSON.stringify({ event: 'kv_write_failed', environment: meta.environment, error: String(error) }))
      await this.#scheduleKvWrite(Math.min(MAX_RETRY_MS, KV_WRITE_INTERVAL_MS * 2 ** meta.kv.failures))
      return
    }
    const writes = meta.kv.writes + 1
    meta.kv = { version: ruleset.version, writtenAt: new Date().toISOString(), writes, failures: 0, lastError: undefined, publishedLaunchDarklyId: launchDarklyId }
    saveMeta(this.ctx.storage.kv, meta)
    await refreshColoCache(meta.environment, ruleset)
    const purge = await purgeCacheTag(meta.environment, this.purgeCredentials(), this.send)
    if (purge.startsWith('failed')) console.error(JSON.stringify({ event: 'purge_failed', environment: meta.environment, purge }))
    // changes that arrived while KV was being written go out in the next slot
    if (meta.version > meta.kv.version) await this.#scheduleKvWrite()
  }

  async #publishToShards(shards: number, update: ShardUpdate) {
    const sends = Array.from({ length: shards }, (_, index) =>
      (this.env.HUB.getByName(shardName(update.environment, index)) as unknown as Pick<Hub, 'publish'>).publish(update),
    )
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'rejected') console.error(JSON.stringify({ event: 'shard_publish_failed', error: String(result.reason) }))
    }
  }

  /** The current ruleset, for shards that start holding sockets. */
  snapshot(environment: string): StoredRuleset {
    return this.#publishedRuleset(this.#load(environment))
  }

  /**
   * As a shard: a new version from the writer. Sockets get patches against the version this
   * shard had; a shard that had none (new, or restarted) sends every socket a fresh put.
   */
  publish(update: ShardUpdate) {
    const before = this.#shardView
    if (before !== undefined && before.version >= update.version) return
    const after = { version: update.version, updatedAt: update.ruleset.updatedAt, compiled: compileStored(update.ruleset) }
    const told = this.ctx.storage.kv.get<number>(SHARD_VERSION) ?? 0
    this.#setShardView(after)
    if (before === undefined) {
      // woke from hibernation without the previous ruleset: sockets told an older version resync
      if (told < update.version) for (const { socket, info } of this.#liveSockets()) this.#sendPut(socket, info, after)
      return
    }
    fanout(this.#liveSockets(), {
      before: before.compiled,
      after: after.compiled,
      version: update.version,
      updatedAt: after.updatedAt,
      flags: update.flags,
      segments: update.segments,
    })
  }

  socketCount() {
    return this.ctx.getWebSockets().length
  }

  /** Version, counts, last change and KV state, for the admin API; undefined if never changed. */
  async status(environment: string, { shards = 1 }: { shards?: number } = {}) {
    const { meta, flags, segments } = this.#load(environment)
    if (meta.lastChange === undefined) return undefined
    return {
      environment,
      version: meta.version,
      updatedAt: meta.updatedAt,
      flags: flags.size,
      segments: segments.size,
      settings: meta.settings,
      lastChange: { at: meta.lastChange.at, version: meta.lastChange.version, flags: meta.lastChange.flags, segments: meta.lastChange.segments },
      kv: {
        version: meta.kv.version,
        pending: meta.kv.version < meta.version,
        writtenAt: meta.kv.writtenAt ?? null,
        writes: meta.kv.writes,
        failures: meta.kv.failures,
        lastError: meta.kv.lastError ?? null,
      },
      sockets: shards === 1 ? this.socketCount() : await this.#shardSockets(environment, shards),
      eventStreams: this.#streams.size,
    }
  }

  async #shardSockets(environment: string, shards: number) {
    const counts = await Promise.all(
      Array.from({ length: shards }, (_, index) => this.env.HUB.getByName(shardName(environment, index)).socketCount()),
    )
    return counts.reduce((sum, count) => sum + count, 0)
  }

  /** The sockets this object holds, with their contexts. */
  *#liveSockets(): Generator<{ socket: WebSocket; info: SocketInfo }> {
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
  async #socketView(): Promise<SocketView> {
    const writer = this.ctx.storage.kv.get<string>(SHARD_OF)
    if (writer === undefined) {
      const state = this.#load(this.#environmentOf())
      return { version: state.meta.version, updatedAt: state.meta.updatedAt, compiled: this.#compiledRuleset(state) }
    }
    if (this.#shardView === undefined) {
      const stored = await (this.env.HUB.getByName(writer) as unknown as Pick<Hub, 'snapshot'>).snapshot(writer)
      if (this.#shardView === undefined) {
        this.#setShardView({ version: stored.version, updatedAt: stored.updatedAt, compiled: compileStored(stored) })
      }
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
  }

  async #put(socket: WebSocket, info: SocketInfo) {
    this.#sendPut(socket, info, await this.#socketView())
  }

  #environmentOf() {
    return this.#state?.meta.environment ?? this.ctx.storage.kv.get<{ environment: string }>('meta')?.environment ?? ''
  }

  /**
   * Records a socket about to open: its context is stored under a new socket id, which the
   * upgrade that follows names. A record whose upgrade never comes is pruned with the others of
   * closed sockets when the object next loads.
   */
  admitSocket({ environment, kind, context, shardOf }: HubOpening): string {
    if (!KEY_KINDS.includes(kind)) throw new Error(`unknown key kind ${kind}`)
    if (shardOf) this.ctx.storage.kv.put(SHARD_OF, shardOf)
    else this.#load(environment)
    const id = crypto.randomUUID()
    rememberSocket(this.ctx.storage.kv, id, kind, context)
    return id
  }

  /**
   * WebSocket upgrades of admitted sockets (`/stream?socket=`), and event streams (`/sse`, the
   * environment in a JSON body), forwarded by the Worker after it checked the key.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (url.pathname === '/sse') {
      const { environment } = (await request.json()) as { environment: string }
      this.#load(environment)
      return openEventStream(this.#streams, this.ctx)
    }
    const id = url.searchParams.get('socket') ?? ''
    const info = loadSocket(this.ctx.storage.kv, id)
    if (info === undefined) return new Response('no socket was admitted under this id', { status: 400 })
    // the ruleset first: a socket accepted while it loads could get a publish's put and this one
    const view = await this.#socketView()
    const [client, server] = Object.values(new WebSocketPair())
    this.ctx.acceptWebSocket(server)
    server.serializeAttachment({ id, kind: info.kind })
    this.sockets.set(id, info)
    this.#sendPut(server, info, view)
    return new Response(null, { status: 101, webSocket: client })
  }

  /** `{"type":"identify","context":…}` re-evaluates for the new context and answers with a put. */
  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer) {
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
      await this.#put(socket, next)
    } catch (error) {
      const message = error instanceof ApiError ? error.message : 'The context is not valid'
      socket.send(JSON.stringify({ type: 'error', code: 'invalid_context', message }))
    }
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string) {
    this.#dropSocket(socket)
    try {
      socket.close(code === 1005 ? 1000 : code, reason)
    } catch {
      // already closed
    }
  }

  override async webSocketError(socket: WebSocket) {
    this.#dropSocket(socket)
  }

  #dropSocket(socket: WebSocket) {
    const { id } = (socket.deserializeAttachment() ?? {}) as { id?: string }
    if (id === undefined) return
    this.sockets.delete(id)
    forgetSocket(this.ctx.storage.kv, id)
  }

  #notifyStreams(version: number) {
    const event = new TextEncoder().encode(`data: ${JSON.stringify({ type: 'refetchEvaluation', etag: String(version) })}\n\n`)
    for (const writer of this.#streams) writer.write(event).catch(() => this.#streams.delete(writer))
  }

  createKey(environment: string, request: { kind: KeyKind; name: string; key?: string }) {
    return createKey(this.ctx.storage.kv, this.kv, environment, request, new Date())
  }

  listKeys() {
    return listKeys(this.ctx.storage.kv)
  }

  revokeKey(id: string) {
    return revokeKey(this.ctx.storage.kv, this.kv, id)
  }
}
