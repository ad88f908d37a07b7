import type { StoredRuleset } from '../store/stored-ruleset'
import { purgeCacheTag, refreshColoCache, writeKv } from './publish'
import { saveMeta, type HubMeta } from './state'

/** KV accepts one write per second per key (Workers KV limits). */
const KV_WRITE_INTERVAL_MS = 1000
const MAX_RETRY_MS = 30_000

/** Makes sure the object's one alarm fires by `at` (an earlier one stays). */
export const wakeBy = async (storage: DurableObjectStorage, at: number) => {
  const scheduled = await storage.getAlarm()
  if (scheduled === null || scheduled > at) await storage.setAlarm(at)
}

/** Where the ruleset goes after KV: the namespace, and Cloudflare's API for purges by tag. */
export type Outlets = {
  kv: KVNamespace
  send: typeof fetch
  purgeCredentials: { apiToken: string | undefined; zoneId: string | undefined }
}

/**
 * Brings KV up to the Hub's version (DESIGN.md section 5): at most one write a second, the
 * newest version of a burst, retried with backoff until it lands, then the colo cache refreshed
 * and the cache tag purged. Runs from the Hub's alarm.
 */
export class KvSync {
  /** When the last KV write began: the next may start a second later, even if this one is slow. */
  #lastAttemptAt = 0

  constructor(private readonly ctx: DurableObjectState) {}

  /** The earliest time the next KV write may start. */
  #nextWriteAt(meta: HubMeta) {
    const { writtenAt } = meta.kv
    return Math.max(this.#lastAttemptAt, writtenAt === undefined ? 0 : Date.parse(writtenAt)) + KV_WRITE_INTERVAL_MS
  }

  /** Sets the alarm for the next write, unless one is due sooner. */
  async schedule(meta: HubMeta, delayMs = 0) {
    await wakeBy(this.ctx.storage, Math.max(Date.now() + delayMs, this.#nextWriteAt(meta)))
  }

  /** Whether KV trails the Hub: an older version, or another LaunchDarkly id. */
  behind(meta: HubMeta) {
    return meta.version > meta.kv.version || meta.settings.launchDarklyClientSideId !== meta.kv.publishedLaunchDarklyId
  }

  /** Writes `ruleset` (the Hub's newest) to KV, or schedules the write for when it may start. */
  async run(meta: HubMeta, ruleset: StoredRuleset, outlets: Outlets) {
    if (!this.behind(meta)) return
    // An alarm already dispatched when a change rescheduled it can arrive right after the last
    // write: KV's one-write-a-second limit is kept here, where writes happen.
    if (Date.now() < this.#nextWriteAt(meta)) {
      await this.schedule(meta)
      return
    }
    const launchDarklyId = meta.settings.launchDarklyClientSideId
    this.#lastAttemptAt = Date.now()
    try {
      await writeKv(outlets.kv, {
        environment: meta.environment,
        ruleset,
        launchDarklyId,
        staleLaunchDarklyId: meta.kv.publishedLaunchDarklyId,
      })
    } catch (error) {
      meta.kv = { ...meta.kv, failures: meta.kv.failures + 1, lastError: String(error) }
      saveMeta(this.ctx.storage.kv, meta)
      console.error(JSON.stringify({ event: 'kv_write_failed', environment: meta.environment, error: String(error) }))
      await this.schedule(meta, Math.min(MAX_RETRY_MS, KV_WRITE_INTERVAL_MS * 2 ** meta.kv.failures))
      return
    }
    const writes = meta.kv.writes + 1
    meta.kv = { version: ruleset.version, writtenAt: new Date().toISOString(), writes, failures: 0, lastError: undefined, publishedLaunchDarklyId: launchDarklyId }
    saveMeta(this.ctx.storage.kv, meta)
    await refreshColoCache(meta.environment, ruleset)
    const purge = await purgeCacheTag(meta.environment, outlets.purgeCredentials, outlets.send)
    if (purge.startsWith('failed')) console.error(JSON.stringify({ event: 'purge_failed', environment: meta.environment, purge }))
    // changes that arrived while KV was being written go out in the next slot
    if (meta.version > meta.kv.version) await this.schedule(meta)
  }
}
