import type { JsonValue } from '../model/json'
import type { EnvironmentSettings } from '../model/webhook'
import type { ItemChanges } from './writer'

/** What the Hub knows about KV, which trails its own storage by up to a second (or an outage). */
export type KvState = {
  /** The newest version KV has; 0 before the first write. */
  version: number
  writtenAt: string | undefined
  writes: number
  /** Failed attempts since the last success; the retry delay grows with it. */
  failures: number
  lastError: string | undefined
  /** The LaunchDarkly client-side id last published, so a changed id's old key is removed. */
  publishedLaunchDarklyId: string | undefined
}

/**
 * The last accepted change: when, which version, and its content's hash (a redelivery is no
 * change). What it changed is in history (`changeSummary`): a list of keys here could outgrow
 * what one value holds, and this record is written with every change.
 */
export type LastChange = { at: string; version: number; hash: string }

/** An environment's state in the Hub's storage: the ruleset (one key per item) and this. */
export type HubMeta = {
  environment: string
  version: number
  updatedAt: string
  settings: { launchDarklyClientSideId?: string }
  lastChange: LastChange | undefined
  kv: KvState
}

/** Versions of deleted items: one that comes back must be newer (see writer.ts). */
export type Tombstones = { flags: Map<string, number>; segments: Map<string, number> }

/** When each flag and segment was created (ISO time); missing for items older than this record. */
export type Born = { flags: Map<string, string>; segments: Map<string, string> }

export type HubState = {
  meta: HubMeta
  flags: Map<string, JsonValue>
  segments: Map<string, JsonValue>
  tombstones: Tombstones
  born: Born
}

const META = 'meta'
const FLAG = 'flag:'
const SEGMENT = 'segment:'
const TOMBSTONE = 'deleted-'
const BORN = 'born-'

export const emptyMeta = (environment: string): HubMeta => ({
  environment,
  version: 0,
  updatedAt: new Date(0).toISOString(),
  settings: {},
  lastChange: undefined,
  kv: { version: 0, writtenAt: undefined, writes: 0, failures: 0, lastError: undefined, publishedLaunchDarklyId: undefined },
})

const loadItems = <T = JsonValue>(storage: SyncKvStorage, prefix: string) =>
  new Map([...storage.list<T>({ prefix })].map(([key, value]) => [key.slice(prefix.length), value]))

/** Reads the whole state; an object that never took a change starts empty. */
export const loadState = (storage: SyncKvStorage, environment: string): HubState => ({
  meta: storage.get<HubMeta>(META) ?? emptyMeta(environment),
  flags: loadItems(storage, FLAG),
  segments: loadItems(storage, SEGMENT),
  tombstones: { flags: loadItems<number>(storage, TOMBSTONE + FLAG), segments: loadItems<number>(storage, TOMBSTONE + SEGMENT) },
  born: { flags: loadItems<string>(storage, BORN + FLAG), segments: loadItems<string>(storage, BORN + SEGMENT) },
})

/** Puts `changes`, made at `at`, into the state in memory (saveChange stores them). */
export const applyItems = (state: HubState, flags: ItemChanges, segments: ItemChanges, at: string) => {
  const sections = [
    [state.flags, state.tombstones.flags, state.born.flags, flags],
    [state.segments, state.tombstones.segments, state.born.segments, segments],
  ] as const
  for (const [items, tombstones, born, changes] of sections) {
    for (const [key, item] of changes.items) {
      if (item === undefined) items.delete(key)
      else items.set(key, item)
      tombstones.delete(key)
    }
    for (const [key, version] of changes.tombstones) {
      tombstones.set(key, version)
      born.delete(key)
    }
    for (const key of changes.created) born.set(key, at)
  }
}

export const saveMeta = (storage: SyncKvStorage, meta: HubMeta) => storage.put(META, meta)

/**
 * Writes changed items (undefined deletes), the meta and whatever `also` writes, in one
 * transaction. False, with nothing written, when SQLite refused a value as too large (over 2 MB
 * as stored): an item's stored form can outgrow the JSON size the writer checks (a number takes 9
 * bytes stored, as few as 2 in JSON).
 */
export const saveChange = (
  storage: DurableObjectStorage,
  meta: HubMeta,
  flags: ItemChanges,
  segments: ItemChanges,
  also: () => void = () => undefined,
): boolean => {
  try {
    writeChange(storage, meta, flags, segments, also)
    return true
  } catch (error) {
    if (String(error).includes('SQLITE_TOOBIG')) return false
    throw error
  }
}

const writeChange = (storage: DurableObjectStorage, meta: HubMeta, flags: ItemChanges, segments: ItemChanges, also: () => void) =>
  storage.transactionSync(() => {
    also()
    for (const [prefix, changes] of [[FLAG, flags], [SEGMENT, segments]] as const) {
      for (const [key, value] of changes.items) {
        if (value === undefined) storage.kv.delete(prefix + key)
        else storage.kv.put(prefix + key, value)
        storage.kv.delete(TOMBSTONE + prefix + key)
      }
      for (const [key, version] of changes.tombstones) {
        storage.kv.put(TOMBSTONE + prefix + key, version)
        storage.kv.delete(BORN + prefix + key)
      }
      for (const key of changes.created) storage.kv.put(BORN + prefix + key, meta.updatedAt)
    }
    storage.kv.put(META, meta)
  })

export type { EnvironmentSettings }
