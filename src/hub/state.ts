import type { JsonValue } from '../model/json'
import type { EnvironmentSettings } from '../model/webhook'

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

export type LastChange = { at: string; version: number; flags: string[]; segments: string[]; hash: string }

/** An environment's state in the Hub's storage: the ruleset (one key per item) and this. */
export type HubMeta = {
  environment: string
  version: number
  updatedAt: string
  settings: { launchDarklyClientSideId?: string }
  lastChange: LastChange | undefined
  kv: KvState
}

export type HubState = {
  meta: HubMeta
  flags: Map<string, JsonValue>
  segments: Map<string, JsonValue>
}

const META = 'meta'
const FLAG = 'flag:'
const SEGMENT = 'segment:'

export const emptyMeta = (environment: string): HubMeta => ({
  environment,
  version: 0,
  updatedAt: new Date(0).toISOString(),
  settings: {},
  lastChange: undefined,
  kv: { version: 0, writtenAt: undefined, writes: 0, failures: 0, lastError: undefined, publishedLaunchDarklyId: undefined },
})

const loadItems = (storage: SyncKvStorage, prefix: string) =>
  new Map([...storage.list<JsonValue>({ prefix })].map(([key, value]) => [key.slice(prefix.length), value]))

/** Reads the whole state; an object that never took a change starts empty. */
export const loadState = (storage: SyncKvStorage, environment: string): HubState => ({
  meta: storage.get<HubMeta>(META) ?? emptyMeta(environment),
  flags: loadItems(storage, FLAG),
  segments: loadItems(storage, SEGMENT),
})

export const saveMeta = (storage: SyncKvStorage, meta: HubMeta) => storage.put(META, meta)

/** Writes changed items (undefined deletes) and the meta, in one transaction. */
export const saveChange = (
  storage: DurableObjectStorage,
  meta: HubMeta,
  flags: Map<string, JsonValue | undefined>,
  segments: Map<string, JsonValue | undefined>,
) =>
  storage.transactionSync(() => {
    for (const [key, value] of flags) {
      if (value === undefined) storage.kv.delete(FLAG + key)
      else storage.kv.put(FLAG + key, value)
    }
    for (const [key, value] of segments) {
      if (value === undefined) storage.kv.delete(SEGMENT + key)
      else storage.kv.put(SEGMENT + key, value)
    }
    storage.kv.put(META, meta)
  })

export type { EnvironmentSettings }
