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
