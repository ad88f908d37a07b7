import { rulesetCacheTag, rulesetKey } from '../store/kv-keys'
import { cacheRuleset } from '../store/rulesets'
import type { StoredRuleset } from '../store/stored-ruleset'

/** Where LaunchDarkly's Cloudflare SDK reads an environment's flags from KV. */
export const launchDarklyKey = (clientSideId: string) => `LD-Env-${clientSideId}`

export type Publication = {
  environment: string
  ruleset: StoredRuleset
  launchDarklyId: string | undefined
  /** A previously published LaunchDarkly id to remove (the setting changed or was cleared). */
  staleLaunchDarklyId: string | undefined
}

/**
 * Writes a ruleset to KV; with a LaunchDarkly client-side id, also in the shape LaunchDarkly's
 * Cloudflare SDK reads (`{"flags", "segments"}`: the published items have every default filled,
 * as its evaluator expects complete flags).
 */
export const writeKv = async (kv: KVNamespace, { environment, ruleset, launchDarklyId, staleLaunchDarklyId }: Publication) => {
  await kv.put(rulesetKey(environment), JSON.stringify(ruleset))
  if (launchDarklyId !== undefined) {
    await kv.put(launchDarklyKey(launchDarklyId), JSON.stringify({ flags: ruleset.flags, segments: ruleset.segments }))
  }
  if (staleLaunchDarklyId !== undefined && staleLaunchDarklyId !== launchDarklyId) {
    await kv.delete(launchDarklyKey(staleLaunchDarklyId))
  }
}

export type PurgeResult = 'purged' | 'not_configured' | `failed: ${string}`

/**
 * Purges the environment's cache tag in every colo through Cloudflare's API, when credentials
 * are set. Without them each colo's entry expires on its own (max-age 60 s).
 */
export const purgeCacheTag = async (
  environment: string,
  credentials: { apiToken: string | undefined; zoneId: string | undefined },
  send: typeof fetch = fetch,
): Promise<PurgeResult> => {
  if (!credentials.apiToken || !credentials.zoneId) return 'not_configured'
  try {
    const response = await send(`https://api.cloudflare.com/client/v4/zones/${credentials.zoneId}/purge_cache`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${credentials.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tags: [rulesetCacheTag(environment)] }),
    })
    return response.ok ? 'purged' : `failed: HTTP ${response.status}`
  } catch (error) {
    return `failed: ${String(error)}`
  }
}

/** Refreshes this colo's cached copy (errors only cost freshness, so they are logged). */
export const refreshColoCache = async (environment: string, ruleset: StoredRuleset) => {
  try {
    await cacheRuleset(typeof caches === 'undefined' ? undefined : caches.default, environment, ruleset)
  } catch (error) {
    console.warn(JSON.stringify({ event: 'cache_put_failed', environment, error: String(error) }))
  }
}
