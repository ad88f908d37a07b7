import type { Env } from '../env'
import type { Hub } from './hub'
import type { ShardUpdate } from './socket-host'

/** `HUB_SHARDS`: how many objects hold an environment's sockets; 1 (the writer itself) by default. */
export const shardCount = (value: string | undefined) => {
  const count = Number(value)
  return Number.isInteger(count) && count >= 1 && count <= 256 ? count : 1
}

/** The object name of shard `index` of an environment's sockets (the writer is `environment`). */
export const shardName = (environment: string, index: number) => `${environment}~shard-${index}`

/** Which shard holds a connection: FNV-1a of its id, so connections spread evenly. */
export const shardOf = (connectionId: string, shards: number) => {
  let hash = 0x811c9dc5
  for (let i = 0; i < connectionId.length; i += 1) {
    hash ^= connectionId.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % shards
}

/** Sends a version to every shard of an environment; a shard that fails is logged, the rest still get it. */
export const publishToShards = async (env: Env, shards: number, update: ShardUpdate) => {
  const sends = Array.from({ length: shards }, (_, index) =>
    (env.HUB.getByName(shardName(update.environment, index)) as unknown as Pick<Hub, 'publish'>).publish(update),
  )
  for (const result of await Promise.allSettled(sends)) {
    if (result.status === 'rejected') console.error(JSON.stringify({ event: 'shard_publish_failed', error: String(result.reason) }))
  }
}
