import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../env'
import type { KeyKind } from '../model/api-key'
import type { Change } from '../model/webhook'
import type { StoredRuleset } from '../store/stored-ruleset'
import { createKey, listKeys, revokeKey } from './api-keys'
import { purgeCacheTag, refreshColoCache, writeKv } from './publish'
import { loadState, saveChange, saveMeta, toStored, type HubState } from './state'
import { planChange, type ChangeRejection, type ChangeResponse } from './writer'

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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.kv = env.FLAGS
  }

  #load(environment: string): HubState {
    this.#state ??= loadState(this.ctx.storage.kv, environment)
    return this.#state
  }

  /** Applies a change from the webhook: decided and stored synchronously, so changes serialise. */
  async applyChange(change: Change): Promise<ApplyResult> {
    const state = this.#load(change.environment)
    const plan = planChange(state, change, new Date())
    if (plan.type === 'rejected') return { rejection: plan.rejection }
    if (plan.type === 'unchanged') return { response: plan.response, ruleset: undefined }
    saveChange(this.ctx.storage, plan.meta, plan.flags, plan.segments)
    state.meta = plan.meta
    for (const [items, changes] of [[state.flags, plan.flags], [state.segments, plan.segments]] as const) {
      for (const [key, item] of changes) {
        if (item === undefined) items.delete(key)
        else items.set(key, item)
      }
    }
    await this.#scheduleKvWrite()
    return { response: plan.response, ruleset: toStored(state) }
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
    const ruleset = toStored(state)
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

  /** Version, counts, last change and KV state, for the admin API; undefined if never changed. */
  status(environment: string) {
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
      sockets: 0,
    }
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
