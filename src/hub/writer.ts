import { canonicalJson } from '../model/canonical-json'
import { checkRuleset } from '../model/check-ruleset'
import { formatPath, type ValidationIssue } from '../model/issues'
import { parseRuleset, type Ruleset } from '../model/ruleset'
import type { Change } from '../model/webhook'
import { isJsonObject, type JsonValue } from '../model/json'
import { sha256Hex } from '../store/hash'
import type { HubMeta, HubState } from './state'

/** What the webhook answers for a change the Hub accepted (or had already). */
export type ChangeResponse = {
  environment: string
  version: number
  unchanged?: true
  flags: string[]
  segments: string[]
}

export type ChangeRejection = { status: 400 | 404 | 409 | 413; code: string; message: string; details: ValidationIssue[] }

/** The Hub's verdict on a change: keep the state, refuse it, or move to `next`. */
export type ChangePlan =
  | { type: 'unchanged'; response: ChangeResponse }
  | { type: 'rejected'; rejection: ChangeRejection }
  | {
      type: 'apply'
      response: ChangeResponse
      meta: HubMeta
      /** The whole ruleset after the change, validated and with its defaults filled. */
      ruleset: Ruleset
      /** Changed items only. */
      flags: ItemChanges
      segments: ItemChanges
    }

const changeHash = (change: Change) =>
  sha256Hex(canonicalJson({ op: change.op, flags: change.flags, segments: change.segments, settings: change.settings ?? null }))

const versionOf = (item: JsonValue | undefined): number =>
  isJsonObject(item) && typeof item.version === 'number' ? item.version : 0

const withoutVersion = (item: JsonValue) => {
  if (!isJsonObject(item)) return canonicalJson(item)
  const { version: _, ...rest } = item
  return canonicalJson(rest)
}

/**
 * Changed items (undefined deletes), the keys of those that are new, and for each deleted one
 * the version its deletion has.
 */
export type ItemChanges = { items: Map<string, JsonValue | undefined>; created: Set<string>; tombstones: Map<string, number> }

// Items whose JSON differs from what the state holds; a patch's null (and a replace's omission)
// deletes, which counts only when the item existed. The Hub owns item versions, as LaunchDarkly
// does: its SDKs drop an update whose version is not above the one they hold, so a changed item
// gets at least one more than it had (or than its deletion had), whatever version was sent.
const diff = (
  current: Map<string, JsonValue>,
  tombstones: ReadonlyMap<string, number>,
  incoming: Record<string, JsonValue>,
  replace: boolean,
): ItemChanges => {
  const changes: ItemChanges = { items: new Map(), created: new Set(), tombstones: new Map() }
  const remove = (key: string, before: JsonValue) => {
    changes.items.set(key, undefined)
    changes.tombstones.set(key, versionOf(before) + 1)
  }
  for (const [key, item] of Object.entries(incoming)) {
    const before = current.get(key)
    if (item === null) {
      if (before !== undefined) remove(key, before)
      continue
    }
    if (before !== undefined && versionOf(item) <= versionOf(before) && withoutVersion(item) === withoutVersion(before)) continue
    const floor = before === undefined ? (tombstones.has(key) ? tombstones.get(key)! + 1 : 0) : versionOf(before) + 1
    if (before === undefined) changes.created.add(key)
    changes.items.set(key, isJsonObject(item) && versionOf(item) < floor ? { ...item, version: floor } : item)
  }
  if (replace) for (const [key, before] of current) if (!(key in incoming)) remove(key, before)
  return changes
}

const merged = (current: Map<string, JsonValue>, changes: Map<string, JsonValue | undefined>) => {
  const next = new Map(current)
  for (const [key, item] of changes) {
    if (item === undefined) next.delete(key)
    else next.set(key, item)
  }
  return Object.fromEntries(next)
}

const nextSettings = (meta: HubMeta, change: Change) => {
  const id = change.settings?.launchDarklyClientSideId
  if (id === undefined) return meta.settings
  return id === null ? {} : { ...meta.settings, launchDarklyClientSideId: id }
}

// Durable Object storage holds at most about 2 MB per value; each flag and segment is one value
const MAX_ITEM_BYTES = 1_500_000

const oversizedItems = (items: Map<string, JsonValue | undefined>, section: string): ValidationIssue[] =>
  [...items].flatMap(([key, item]) => {
    const size = item === undefined ? 0 : new TextEncoder().encode(JSON.stringify(item)).length
    return size > MAX_ITEM_BYTES
      ? [{ path: formatPath([section, key]), message: `is ${size} bytes; one item may hold at most ${MAX_ITEM_BYTES}` }]
      : []
  })

/**
 * Workers KV holds at most 25 MiB in one value, and the edge reads the whole ruleset from one: a
 * ruleset larger than that, once published, could never reach it. The room left is for the
 * published form's envelope (format, version, time).
 */
export const MAX_RULESET_BYTES = 25 * 1024 * 1024 - 1024

// JSON text's UTF-8 size, encoded only when it could be near the limit (3 bytes a UTF-16 unit at most)
const rulesetBytes = (ruleset: Ruleset) => {
  const text = JSON.stringify(ruleset)
  return text.length * 3 <= MAX_RULESET_BYTES ? text.length : new TextEncoder().encode(text).length
}

/** What the webhook answers when the Hub's storage refused a value of the change (see saveChange). */
export const NOT_STORABLE: ChangeRejection = {
  status: 413,
  code: 'item_too_large',
  message: "An item is larger than the Hub can store (over 2 MB in the Hub's storage)",
  details: [],
}

const rejected = (status: 400 | 409 | 413, code: string, message: string, details: ValidationIssue[] = []): ChangePlan => ({
  type: 'rejected',
  rejection: { status, code, message, details },
})

/**
 * Decides what a change does (DESIGN.md section 5): an older version is stale; the current
 * version again is a no-op when it is the same change (redelivery) and a conflict otherwise; a
 * change that alters nothing keeps the version; anything else must leave a valid ruleset.
 */
export const planChange = (state: HubState, change: Change, now: Date): ChangePlan => {
  const { meta } = state
  const hash = changeHash(change)
  const unchanged: ChangePlan = {
    type: 'unchanged',
    response: { environment: meta.environment, version: meta.version, unchanged: true, flags: [], segments: [] },
  }
  if (change.version !== undefined && change.version < meta.version) {
    return rejected(409, 'stale_version', `Version ${change.version} is older than the current version ${meta.version}`)
  }
  if (change.version !== undefined && change.version === meta.version) {
    if (meta.lastChange?.hash === hash) return unchanged
    return rejected(409, 'version_conflict', `Version ${change.version} already exists with other content`)
  }
  const replace = change.op === 'replace'
  const flags = diff(state.flags, state.tombstones.flags, change.flags, replace)
  const segments = diff(state.segments, state.tombstones.segments, change.segments, replace)
  const settings = nextSettings(meta, change)
  if (flags.items.size === 0 && segments.items.size === 0 && canonicalJson(settings) === canonicalJson(meta.settings)) return unchanged

  const tooLarge = oversizedItems(flags.items, 'flags').concat(oversizedItems(segments.items, 'segments'))
  if (tooLarge.length > 0) return rejected(413, 'item_too_large', 'An item is larger than the Hub can store', tooLarge)
  const ruleset = { flags: merged(state.flags, flags.items), segments: merged(state.segments, segments.items) }
  const parsed = parseRuleset(ruleset)
  const issues = parsed.ok ? checkRuleset(parsed.ruleset) : parsed.errors
  if (!parsed.ok || issues.length > 0) {
    return rejected(400, 'invalid_ruleset', `The ruleset would be invalid: ${issues.length} problem(s)`, issues)
  }
  const bytes = rulesetBytes(parsed.ruleset)
  if (bytes > MAX_RULESET_BYTES) {
    const message = `The ruleset would be ${bytes} bytes; Workers KV, which brings it to the edge, holds at most ${MAX_RULESET_BYTES}`
    return rejected(413, 'ruleset_too_large', message)
  }
  const version = change.version ?? meta.version + 1
  const at = now.toISOString()
  const changed = { flags: [...flags.items.keys()].sort(), segments: [...segments.items.keys()].sort() }
  return {
    type: 'apply',
    response: { environment: meta.environment, version, ...changed },
    meta: { ...meta, version, updatedAt: at, settings, lastChange: { at, version, hash } },
    ruleset: parsed.ruleset,
    flags,
    segments,
  }
}
