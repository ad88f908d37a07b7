import type { JsonValue } from '../model/json'
import type { Change } from '../model/webhook'
import type { HubState } from './state'
import type { ChangeRejection, ItemChanges } from './writer'

/**
 * Every change the Hub accepted, kept in its storage: a summary per version and, per changed
 * flag or segment, what it was before and after. Rollback rebuilds an older version from them.
 */

export type ChangeOp = 'replace' | 'patch' | 'rollback'

/** One accepted change, as `GET …/changes` lists it. */
export type ChangeSummary = {
  version: number
  /** ISO 8601 time the Hub accepted it. */
  at: string
  op: ChangeOp
  /** Who sent it: the webhook body's `actor`, else which signing secret; for admin calls, the caller. */
  actor: string
  /** For a rollback: the version whose flags and segments it restored. */
  toVersion?: number
  flags: string[]
  segments: string[]
}

/**
 * A change as `GET …/changes` lists it: at most `LISTED_KEYS` keys of each kind, and when it
 * named more, how many it named (`GET …/changes/{version}` has them all).
 */
export type ListedChange = ChangeSummary & { totals?: { flags: number; segments: number } }

/** Keys of each kind a listed change shows: a listing of 200 changes stays small whatever they touched. */
export const LISTED_KEYS = 100

/** One item's change; null where it did not exist. */
export type ItemChange = { key: string; before: JsonValue | null; after: JsonValue | null }

/** A change in full, as `GET …/changes/{version}` answers it. */
export type ChangeRecord = Omit<ChangeSummary, 'flags' | 'segments'> & { flags: ItemChange[]; segments: ItemChange[] }

type Section = 'flags' | 'segments'

/** Retention: the last 1,000 changes or 90 days, whichever keeps more. */
export const KEEP_CHANGES = 1000
export const KEEP_MS = 90 * 24 * 60 * 60 * 1000

const SUMMARY = 'history:'
const ITEM = 'history-item:'
const COUNT = 'history-count'

// Zero-padded, so storage lists versions in order
const versionKey = (version: number) => String(version).padStart(16, '0')
const itemPrefix = (version: number) => `${ITEM}${versionKey(version)}:`

// Before and after apart: each may be as large as one stored item, and together too large for one value
const itemKey = (version: number, section: Section, key: string, side: 'before' | 'after') =>
  `${itemPrefix(version)}${section}:${side}:${key}`

/**
 * Keys a summary holds itself. A change may name 10,000 keys of 256 characters (a replace that
 * deletes everything), 2.5 MB, over the 2 MB SQLite takes in one value: the keys of a larger
 * change go in rows of this many beside its items, and the summary says how many rows.
 */
const KEYS_PER_ROW = 2_000
const keysKey = (version: number, row: number) => `${itemPrefix(version)}keys:${row}`

type KeysRow = Pick<ChangeSummary, 'flags' | 'segments'>
/** A summary in storage: a large change's holds what a listing shows, its keys are in `keyRows` rows. */
type StoredSummary = ListedChange & { keyRows?: number }

const slices = (keys: string[]) => Array.from({ length: Math.ceil(keys.length / KEYS_PER_ROW) }, (_, n) => keys.slice(n * KEYS_PER_ROW, (n + 1) * KEYS_PER_ROW))

const putSummary = (storage: SyncKvStorage, summary: ChangeSummary) => {
  const key = SUMMARY + versionKey(summary.version)
  if (summary.flags.length + summary.segments.length <= KEYS_PER_ROW) return storage.put(key, summary)
  const rows: KeysRow[] = [...slices(summary.flags).map((flags) => ({ flags, segments: [] })), ...slices(summary.segments).map((segments) => ({ flags: [], segments }))]
  rows.forEach((row, n) => storage.put(keysKey(summary.version, n), row))
  storage.put(key, { ...listed(summary), keyRows: rows.length } satisfies StoredSummary)
}

/** A summary as a listing shows it. */
const listed = ({ keyRows, totals, ...summary }: StoredSummary): ListedChange => {
  const named = totals ?? { flags: summary.flags.length, segments: summary.segments.length }
  if (named.flags <= LISTED_KEYS && named.segments <= LISTED_KEYS) return summary
  return { ...summary, flags: summary.flags.slice(0, LISTED_KEYS), segments: summary.segments.slice(0, LISTED_KEYS), totals: named }
}

/** A stored summary with every key it names. */
const withKeys = (storage: SyncKvStorage, { keyRows, totals, ...summary }: StoredSummary): ChangeSummary => {
  if (keyRows === undefined) return summary
  const whole: ChangeSummary = { ...summary, flags: [], segments: [] }
  for (let n = 0; n < keyRows; n++) {
    const row = storage.get<KeysRow>(keysKey(summary.version, n))
    whole.flags.push(...(row?.flags ?? []))
    whole.segments.push(...(row?.segments ?? []))
  }
  return whole
}

/** Writes a change (call it inside the transaction that applies it). */
export const recordChange = (storage: SyncKvStorage, summary: ChangeSummary, items: Record<Section, ItemChange[]>) => {
  putSummary(storage, summary)
  storage.put(COUNT, (storage.get<number>(COUNT) ?? 0) + 1)
  for (const section of ['flags', 'segments'] as const) {
    for (const { key, before, after } of items[section]) {
      if (before !== null) storage.put(itemKey(summary.version, section, key, 'before'), before)
      if (after !== null) storage.put(itemKey(summary.version, section, key, 'after'), after)
    }
  }
}

export const changeSummary = (storage: SyncKvStorage, version: number): ChangeSummary | undefined => {
  const stored = storage.get<StoredSummary>(SUMMARY + versionKey(version))
  return stored === undefined ? undefined : withKeys(storage, stored)
}

/** Newest first: at most `limit` changes older than version `before` (all when undefined), as listed. */
export const listChanges = (storage: SyncKvStorage, { limit, before }: { limit: number; before?: number }): ListedChange[] => {
  const end = before === undefined ? undefined : SUMMARY + versionKey(before)
  return [...storage.list<StoredSummary>({ prefix: SUMMARY, end, reverse: true, limit })].map(([, summary]) => listed(summary))
}

/** A change with every item's before and after, or undefined when history does not hold it. */
export const readChange = (storage: SyncKvStorage, version: number): ChangeRecord | undefined => {
  const summary = changeSummary(storage, version)
  if (summary === undefined) return undefined
  const item = (section: Section) => (key: string): ItemChange => ({
    key,
    before: storage.get<JsonValue>(itemKey(version, section, key, 'before')) ?? null,
    after: storage.get<JsonValue>(itemKey(version, section, key, 'after')) ?? null,
  })
  return { ...summary, flags: summary.flags.map(item('flags')), segments: summary.segments.map(item('segments')) }
}

/**
 * The flags and segments as they were at `version`, rebuilt from the current ones by undoing each
 * later change; undefined when history does not hold `version`. History is pruned oldest first,
 * so holding `version` means holding every later change (versions a webhook skipped never
 * existed and changed nothing).
 */
export const itemsAt = (
  storage: SyncKvStorage,
  current: { version: number; flags: ReadonlyMap<string, JsonValue>; segments: ReadonlyMap<string, JsonValue> },
  version: number,
): { flags: Map<string, JsonValue>; segments: Map<string, JsonValue> } | undefined => {
  if (version !== current.version && changeSummary(storage, version) === undefined) return undefined
  const items = { flags: new Map(current.flags), segments: new Map(current.segments) }
  const later = storage.list<ChangeSummary>({ prefix: SUMMARY, startAfter: SUMMARY + versionKey(version), reverse: true })
  for (const [, summary] of later) {
    const change = readChange(storage, summary.version)!
    for (const section of ['flags', 'segments'] as const) {
      for (const { key, before } of change[section]) {
        if (before === null) items[section].delete(key)
        else items[section].set(key, before)
      }
    }
  }
  return items
}

/** Drops the oldest changes while more than KEEP_CHANGES are held and the oldest is older than KEEP_MS. */
export const pruneHistory = (storage: SyncKvStorage, now: number) => {
  let count = storage.get<number>(COUNT) ?? 0
  while (count > KEEP_CHANGES) {
    const [oldest] = storage.list<ChangeSummary>({ prefix: SUMMARY, limit: 1 })
    if (oldest === undefined || now - Date.parse(oldest[1].at) <= KEEP_MS) break
    storage.delete(oldest[0])
    for (const [key] of storage.list({ prefix: itemPrefix(oldest[1].version) })) storage.delete(key)
    count -= 1
  }
  storage.put(COUNT, count)
}

/** Each changed item's before (from `current`) and after (from the change), for `recordChange`. */
export const itemChanges = (
  current: { flags: ReadonlyMap<string, JsonValue>; segments: ReadonlyMap<string, JsonValue> },
  changes: Record<Section, ItemChanges>,
): Record<Section, ItemChange[]> => {
  const section = (name: Section) =>
    [...changes[name].items].map(([key, after]) => ({ key, before: current[name].get(key) ?? null, after: after ?? null }))
  return { flags: section('flags'), segments: section('segments') }
}

/** The history summary of a change about to be applied (a rollback to `rollbackTo` when set). */
export const summaryOf = (
  change: Change,
  plan: { meta: { version: number; updatedAt: string }; response: { flags: string[]; segments: string[] } },
  rollbackTo: number | undefined,
): ChangeSummary => ({
  version: plan.meta.version,
  at: plan.meta.updatedAt,
  op: rollbackTo === undefined ? change.op : 'rollback',
  actor: change.actor ?? 'unknown',
  ...(rollbackTo === undefined ? {} : { toVersion: rollbackTo }),
  flags: plan.response.flags,
  segments: plan.response.segments,
})

/**
 * The change that restores version `toVersion`: a replace of every flag and segment, refused
 * unless the environment is still at `expectedVersion` (so nothing lands unseen in between).
 */
export const rollbackChange = (
  storage: SyncKvStorage,
  state: HubState,
  { toVersion, expectedVersion, actor }: { toVersion: number; expectedVersion: number; actor: string },
): { change: Change } | { rejection: ChangeRejection } => {
  const { version } = state.meta
  if (version !== expectedVersion) {
    const message = `The current version is ${version}, not ${expectedVersion}: look again before rolling back`
    return { rejection: { status: 409, code: 'version_conflict', message, details: [] } }
  }
  const items = itemsAt(storage, { version, flags: state.flags, segments: state.segments }, toVersion)
  if (items === undefined) {
    return { rejection: { status: 404, code: 'version_not_found', message: `History holds no version ${toVersion}`, details: [] } }
  }
  const { environment } = state.meta
  const [flags, segments] = [Object.fromEntries(items.flags), Object.fromEntries(items.segments)]
  return { change: { environment, version: undefined, op: 'replace', flags, segments, settings: undefined, actor } }
}
