import type { Env } from '../env'
import { shardName } from './shards'
import type { ChangeSummary } from './history'
import type { HubState } from './state'

/** Clients connected to an environment, as the status counts them. */
export type Connections = { sockets: number; eventStreams: number; sdkStreams: number }

/**
 * Version, counts, last change and KV state, for the admin API (`GET /admin/v1/environments/{env}`);
 * `lastChanged` is history's summary of the last change.
 */
export const statusOf = ({ meta, flags, segments }: HubState, connections: Connections, lastChanged: ChangeSummary | undefined) => ({
  environment: meta.environment,
  version: meta.version,
  updatedAt: meta.updatedAt,
  flags: flags.size,
  segments: segments.size,
  settings: meta.settings,
  lastChange: meta.lastChange && {
    at: meta.lastChange.at,
    version: meta.lastChange.version,
    flags: lastChanged?.flags ?? [],
    segments: lastChanged?.segments ?? [],
  },
  kv: {
    version: meta.kv.version,
    pending: meta.kv.version < meta.version,
    writtenAt: meta.kv.writtenAt ?? null,
    writes: meta.kv.writes,
    failures: meta.kv.failures,
    lastError: meta.kv.lastError ?? null,
  },
  ...connections,
})

/** Sockets held by an environment's shard objects (HUB_SHARDS above 1). */
export const shardSockets = async (env: Env, environment: string, shards: number) => {
  const counts = await Promise.all(
    Array.from({ length: shards }, (_, index) => env.HUB.getByName(shardName(environment, index)).socketCount()),
  )
  return counts.reduce((sum, count) => sum + count, 0)
}
