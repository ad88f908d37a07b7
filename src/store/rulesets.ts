import { compileRuleset, type CompiledRuleset } from '../evaluation'
import { ApiError } from '../errors'
import { isolateCache } from './isolate-cache'
import { rulesetCacheTag, rulesetCacheUrl, rulesetKey } from './kv-keys'
import type { StoreSources } from './sources'
import { emptyRuleset, RULESET_FORMAT, type StoredRuleset } from './stored-ruleset'

/** An environment's ruleset as this isolate serves it: compiled once per version. */
export type LoadedRuleset = {
  /** Unique to this load in this isolate: what answers rendered from it may be cached under. */
  readonly serial: number
  readonly environment: string
  readonly version: number
  readonly stored: StoredRuleset
  readonly compiled: CompiledRuleset
}

// Cache API entries live this long (seconds); KV itself may take up to 60 s to propagate.
const CACHE_TTL_SECONDS = 60
const RETRY_AFTER_SECONDS = 5

const rulesets = isolateCache<LoadedRuleset>(1000)
let serial = 0

/** A published ruleset in a format this Worker does not know (a newer Hub, or foreign data). */
export class UnknownFormatError extends Error {}

// The Hub validated what it published (DESIGN.md section 11): no schema runs here, and flags
// compile when first evaluated, so a cold isolate answers without preparing every flag.
const load = (environment: string, stored: StoredRuleset): LoadedRuleset => {
  if (stored?.format !== RULESET_FORMAT) {
    const format = JSON.stringify((stored as { format?: unknown } | null)?.format ?? null)
    console.error(JSON.stringify({ event: 'unknown_ruleset_format', environment, format, known: RULESET_FORMAT }))
    throw new UnknownFormatError(`The stored ruleset has format ${format}; this Worker reads format ${RULESET_FORMAT}`)
  }
  serial += 1
  return { serial, environment, version: stored.version, stored, compiled: compileRuleset(stored) }
}

// A source older than what we serve (KV not yet propagated here) never moves us backwards
const newest = (current: LoadedRuleset | undefined, environment: string, stored: StoredRuleset) =>
  current !== undefined && current.version >= stored.version ? current : load(environment, stored)

/** A ruleset as read: its text (cached as it came) and, once needed, its parsed form. */
type Read = { text: string; stored: () => StoredRuleset }

const parsed = (text: string): Read => {
  let stored: StoredRuleset | undefined
  return { text, stored: () => (stored ??= JSON.parse(text) as StoredRuleset) }
}

// The Hub writes `{"format":…,"version":…` first, so a refresh that finds the version it already
// serves can stop before parsing (a thousand flags are over a megabyte of JSON).
const HEAD = /^\{"format":\d+,"version":(\d+),/

const versionOf = (read: Read) => {
  const head = HEAD.exec(read.text.slice(0, 64))
  return head === null ? read.stored().version : Number(head[1])
}

const readKv = async (environment: string, sources: StoreSources): Promise<Read> => {
  const text = await sources.kv.get(rulesetKey(environment), 'text')
  return text === null ? { text: JSON.stringify(emptyRuleset()), stored: emptyRuleset } : parsed(text)
}

const readCache = async (environment: string, sources: StoreSources): Promise<Read | undefined> => {
  try {
    const response = await sources.cache?.match(rulesetCacheUrl(environment))
    return response ? parsed(await response.text()) : undefined
  } catch (error) {
    console.warn(JSON.stringify({ event: 'cache_read_failed', environment, error: String(error) }))
    return undefined
  }
}

/** Puts a ruleset (or its JSON text, as read) into the colo's cache, tagged for purges by tag. */
export const cacheRuleset = async (cache: Cache | undefined, environment: string, stored: StoredRuleset | string) => {
  await cache?.put(
    rulesetCacheUrl(environment),
    new Response(typeof stored === 'string' ? stored : JSON.stringify(stored), {
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': `max-age=${CACHE_TTL_SECONDS}`,
        'Cache-Tag': rulesetCacheTag(environment),
      },
    }),
  )
}

const loadCold = async (environment: string, sources: StoreSources): Promise<LoadedRuleset> => {
  const cached = await readCache(environment, sources)
  try {
    if (cached !== undefined) return load(environment, cached.stored())
  } catch (error) {
    console.warn(JSON.stringify({ event: 'cache_entry_invalid', environment, error: String(error) }))
  }
  try {
    const read = await readKv(environment, sources)
    const loaded = load(environment, read.stored())
    sources.waitUntil(cacheRuleset(sources.cache, environment, read.text).catch(() => undefined))
    return loaded
  } catch (error) {
    if (error instanceof UnknownFormatError) {
      throw new ApiError(503, 'unknown_ruleset_format', error.message, [], RETRY_AFTER_SECONDS)
    }
    console.error(JSON.stringify({ event: 'kv_read_failed', environment, error: String(error) }))
    throw new ApiError(503, 'unavailable', 'No ruleset is reachable right now', [], RETRY_AFTER_SECONDS)
  }
}

const loadFresh = async (environment: string, sources: StoreSources, current: LoadedRuleset) => {
  const read = await readKv(environment, sources)
  if (versionOf(read) <= current.version) return current
  const next = newest(current, environment, read.stored())
  if (next !== current) sources.waitUntil(cacheRuleset(sources.cache, environment, read.text).catch(() => undefined))
  return next
}

/**
 * The ruleset to evaluate for `environment`: this isolate's copy when it has one (refreshed from
 * KV in the background once older than `refreshMs`), else the colo's Cache API entry, else KV.
 * With nothing reachable it throws a 503 ApiError; a warm isolate keeps serving through KV outages.
 */
export const readRuleset = (environment: string, sources: StoreSources): Promise<LoadedRuleset> =>
  rulesets.get(environment, sources, (current) =>
    current === undefined ? loadCold(environment, sources) : loadFresh(environment, sources, current),
  )

/** Serves `stored` in this isolate at once, unless it already serves a newer version. */
export const adoptRuleset = (environment: string, stored: StoredRuleset, now: number) => {
  const next = newest(rulesets.peek(environment), environment, stored)
  rulesets.set(environment, next, now)
  return next
}

/**
 * Serves a ruleset the Hub just accepted from this isolate and this colo's cache at once (other
 * isolates and colos follow through KV: README, "Freshness").
 */
export const adoptEverywhereHere = (environment: string, stored: StoredRuleset, ctx: ExecutionContext) => {
  adoptRuleset(environment, stored, Date.now())
  const cache = typeof caches === 'undefined' ? undefined : caches.default
  ctx.waitUntil(cacheRuleset(cache, environment, stored).catch(() => undefined))
}

/** Forgets every ruleset this isolate holds (tests share one isolate). */
export const forgetRulesets = () => rulesets.clear()
