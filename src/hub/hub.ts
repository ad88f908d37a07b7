import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import { compileRuleset, type CompiledRuleset } from '../evaluation'
import type { KeyKind } from '../model/api-key'
import type { Change } from '../model/webhook'
import type { StoredRuleset } from '../store/stored-ruleset'
import { createKey, hasKey, keyOutlets, listKeys, publishPendingKeys, revokeKey } from './api-keys'
import { KvSync, wakeBy } from './kv-sync'
import { publishState, toPublished } from './published'
import { publishToShards, shardCount } from './shards'
import { shardSockets, statusOf } from './status'
import { Timetable, type TimetableCall } from './timetable'
import { SocketHost, type ShardUpdate, type SocketView } from './socket-host'
import { SDK_STREAM_PATH, SdkStreams, type SdkStreamOpening } from './sdk-streams'
import { pruneSockets, type HubOpening } from './sockets'
import { changeSummary, itemChanges, listChanges, pruneHistory, readChange, recordChange, rollbackChange, summaryOf } from './history'
import { applyItems, loadState, saveChange, type HubState } from './state'
import { HubInsights } from './insights'
import type { EvaluationBatch } from '../insights/counts'
import { NOT_STORABLE, planChange, type ChangeRejection, type ChangeResponse } from './writer'

export type { ShardUpdate } from './socket-host'

/** How soon the alarm retries publishing keys KV did not take. */
const KEY_RETRY_MS = 2000

/** One shape, not a union: a union does not survive the RPC stub's typing intact. */
export type ApplyResult = {
  /** Set when the change was refused; then nothing was written. */
  rejection?: ChangeRejection
  response?: ChangeResponse
  /** The new ruleset when the change created a version. */
  ruleset?: StoredRuleset
}

/**
 * One per environment (`idFromName(environment)`): the single writer of its ruleset and keys.
 * Every accepted change is in this object's storage before the webhook is answered; KV follows
 * at most once a second, by alarm, retried until it lands. Sockets live here too, or in shards.
 */
export class Hub extends DurableObject<Env> {
  /** The KV namespace written to; a field so tests can put a failing one in its place. */
  kv: KVNamespace
  /** How purge requests leave; a field so tests can answer for Cloudflare's API. */
  send: typeof fetch = (input, init) => fetch(input, init)
  /** The clock schedules and rollouts run by; tests set their own. */
  now = () => Date.now()
  /** Cloudflare API credentials for purges (CF_API_TOKEN, CF_ZONE_ID); tests may set their own. */
  purgeCredentials = () => ({ apiToken: this.env.CF_API_TOKEN, zoneId: this.env.CF_ZONE_ID })
  #state: HubState | undefined
  #compiled: CompiledRuleset | undefined
  /** The published form of the state, made when a change is accepted (or once after a restart). */
  #published: StoredRuleset | undefined
  readonly #sync: KvSync
  readonly #host: SocketHost
  readonly #sdk: SdkStreams
  readonly #timetable: Timetable
  readonly #insights: HubInsights

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.kv = env.FLAGS
    this.#sync = new KvSync(ctx)
    this.#sdk = new SdkStreams(ctx)
    this.#timetable = new Timetable({
      storage: ctx.storage.kv,
      state: () => this.#load(this.#environmentOf()),
      now: () => this.now(),
      apply: (change, mark) => this.applyChange(change, { shards: shardCount(env.HUB_SHARDS), mark }),
      wake: (at) => wakeBy(ctx.storage, at),
    })
    this.#insights = new HubInsights(ctx, env)
    this.#host = new SocketHost(ctx, env, {
      load: (environment) => void this.#load(environment),
      view: () => this.#view(this.#load(this.#environmentOf())),
    })
    // answered by the runtime without waking the object (hibernation)
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'))
  }

  /** Sockets' parsed contexts (tests clear them to stand for hibernation). */
  get sockets() {
    return this.#host.sockets
  }

  #publishedRuleset(state: HubState) {
    this.#published ??= publishState(state)
    return this.#published
  }

  #view(state: HubState): SocketView {
    this.#compiled ??= compileRuleset(this.#publishedRuleset(state))
    return { version: state.meta.version, updatedAt: state.meta.updatedAt, compiled: this.#compiled }
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

  #environmentOf() {
    return this.#state?.meta.environment ?? this.ctx.storage.kv.get<{ environment: string }>('meta')?.environment ?? ''
  }

  /**
   * Applies a change from the webhook: decided and stored synchronously, so changes serialise.
   * `shards` is HUB_SHARDS as the Worker reads it: above 1, sockets live in shard objects.
   * History records it as `rollbackTo` that version when set.
   */
  async applyChange(
    change: Change,
    { shards = 1, rollbackTo, mark }: { shards?: number; rollbackTo?: number; mark?: (version: number) => void } = {},
  ): Promise<ApplyResult> {
    const state = this.#load(change.environment)
    const plan = planChange(state, change, new Date())
    if (plan.type === 'rejected') return { rejection: plan.rejection }
    if (plan.type === 'unchanged') return { response: plan.response, ruleset: undefined }
    const items = itemChanges(state, plan)
    const saved = saveChange(this.ctx.storage, plan.meta, plan.flags, plan.segments, () => {
      recordChange(this.ctx.storage.kv, summaryOf(change, plan, rollbackTo), items)
      pruneHistory(this.ctx.storage.kv, Date.parse(plan.meta.updatedAt))
      mark?.(plan.meta.version)
    })
    if (!saved) return { rejection: NOT_STORABLE }
    const before = this.#view(state).compiled
    state.meta = plan.meta
    applyItems(state, plan.flags, plan.segments, plan.meta.updatedAt)
    this.#insights.noteChanged(plan.response.flags, plan.meta.updatedAt)
    const ruleset = toPublished(plan.ruleset, plan.meta.version, plan.meta.updatedAt)
    this.#published = ruleset
    this.#compiled = undefined
    const after = this.#view(state)
    await this.#sync.schedule(state.meta)
    // acknowledge first, then tell the clients: the webhook's answer does not wait for sockets
    const { version, flags, segments } = plan.response
    this.ctx.waitUntil(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          this.#host.notifyStreams(version)
          const deleted = { flags: plan.flags.tombstones, segments: plan.segments.tombstones }
          this.#sdk.change({ before, after: after.compiled, published: ruleset, flags, segments, deleted })
          if (shards > 1) {
            const update = { environment: state.meta.environment, version, ruleset, flags, segments }
            publishToShards(this.env, shards, update).then(resolve, resolve)
            return
          }
          this.#host.change(before, after, flags, segments)
          resolve()
        }, 0),
      ),
    )
    return { response: plan.response, ruleset }
  }

  /** Brings KV up to the Hub: the newest ruleset (a burst lands as its last version) and keys. */
  override async alarm() {
    const state = this.#state ?? this.#load(this.#environmentOf())
    const { meta } = state
    if (this.#sync.behind(meta)) {
      await this.#sync.run(meta, this.#publishedRuleset(state), { kv: this.kv, send: this.send, purgeCredentials: this.purgeCredentials() })
    }
    if (!(await publishPendingKeys(this.ctx.storage.kv, this.kv, meta.environment))) {
      await wakeBy(this.ctx.storage, Date.now() + KEY_RETRY_MS)
    }
    if (meta.lastChange !== undefined) await this.#timetable.runDue()
  }

  /** The current ruleset, for shards that start holding sockets. */
  snapshot(environment: string): StoredRuleset {
    return this.#publishedRuleset(this.#load(environment))
  }

  /** As a shard: a new version from the writer (see SocketHost.publish). */
  publish(update: ShardUpdate) {
    this.#host.publish(update)
  }

  socketCount() {
    return this.ctx.getWebSockets().length
  }

  /** Version, counts, last change and KV state, for the admin API; undefined if never changed. */
  async status(environment: string, { shards = 1 }: { shards?: number } = {}) {
    const state = this.#load(environment)
    if (state.meta.lastChange === undefined) return undefined
    const sockets = shards === 1 ? this.socketCount() : await shardSockets(this.env, environment, shards)
    const lastChanged = changeSummary(this.ctx.storage.kv, state.meta.lastChange.version)
    return statusOf(state, { sockets, eventStreams: this.#host.streams.size, sdkStreams: this.#sdk.size }, lastChanged)
  }

  /** Records a socket the Worker is about to forward (see SocketHost.admit). */
  admitSocket(opening: HubOpening): string {
    return this.#host.admit(opening)
  }

  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === SDK_STREAM_PATH) return this.#openSdkStream((await request.json()) as SdkStreamOpening)
    return this.#host.open(request)
  }

  /** A LaunchDarkly SDK stream (see SdkStreams), forwarded by the Worker after it checked the key. */
  #openSdkStream(opening: SdkStreamOpening) {
    const state = this.#load(opening.environment)
    try {
      return this.#sdk.open(opening, this.#publishedRuleset(state), this.#view(state).compiled)
    } catch (error) {
      // the Worker checked the context; this is only reached by a caller that did not
      return new Response(`the stream could not open: ${(error as Error).message}`, { status: 400 })
    }
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer) {
    await this.#host.message(socket, message)
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string) {
    this.#host.drop(socket)
    try {
      socket.close(code === 1005 ? 1000 : code, reason)
    } catch {
      // already closed
    }
  }

  override async webSocketError(socket: WebSocket) {
    this.#host.drop(socket)
  }

  /** Accepted changes, newest first (see history.ts). */
  changes(environment: string, query: { limit: number; before?: number }) {
    this.#load(environment)
    return listChanges(this.ctx.storage.kv, query)
  }

  /** One change with every item's before and after; undefined when history does not hold it. */
  change(environment: string, version: number) {
    this.#load(environment)
    return readChange(this.ctx.storage.kv, version)
  }

  /**
   * Makes a new version whose flags and segments equal version `toVersion`'s, through the same
   * writer as the webhook; refused unless the current version is `expectedVersion`.
   */
  async rollback(
    environment: string,
    { toVersion, expectedVersion, actor, shards }: { toVersion: number; expectedVersion: number; actor: string; shards?: number },
  ): Promise<ApplyResult> {
    const planned = rollbackChange(this.ctx.storage.kv, this.#load(environment), { toVersion, expectedVersion, actor })
    if ('rejection' in planned) return planned
    return this.applyChange(planned.change, { shards, rollbackTo: toVersion })
  }

  /** Evaluation counts from the Worker's isolates (src/insights), stored before this returns. */
  recordEvaluations(environment: string, batches: EvaluationBatch[]) {
    this.#insights.record(this.#load(environment), batches)
  }

  /** Flag insights over the last `days`, for the admin API; undefined if never changed. */
  insights(environment: string, options: { days: number; staleDays: number }) {
    const state = this.#load(environment)
    return state.meta.lastChange === undefined ? undefined : this.#insights.report(state, options)
  }

  /**
   * Scheduled changes and progressive rollouts: one call that names what to do (see Timetable).
   * Undefined for an environment without changes yet.
   */
  timetable(environment: string, call: TimetableCall) {
    if (this.#load(environment).meta.lastChange === undefined) return undefined
    const check = (change: Change) => {
      const plan = planChange(this.#load(environment), change, new Date(this.now()))
      return plan.type === 'rejected' ? plan.rejection : undefined
    }
    return this.#timetable.call(call, check)
  }

  async createKey(environment: string, request: { kind: KeyKind; name: string; key?: string }) {
    const created = await createKey(this.ctx.storage.kv, keyOutlets(this.env, this.kv), environment, request, new Date())
    if (!created.published) await wakeBy(this.ctx.storage, Date.now() + KEY_RETRY_MS)
    return created
  }

  /** Whether this environment holds the key with this id (asked by other environments' Hubs). */
  hasKey(id: string) {
    return hasKey(this.ctx.storage.kv, id)
  }

  listKeys() {
    return listKeys(this.ctx.storage.kv)
  }

  revokeKey(id: string) {
    return revokeKey(this.ctx.storage.kv, this.kv, id)
  }
}
