import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import type { Hub } from '../../../src/hub/hub'
import { canonicalJson } from '../../../src/model/canonical-json'
import { rulesetKey } from '../../../src/store/kv-keys'
import type { StoredRuleset } from '../../../src/store/stored-ruleset'

/** What a write would change: the Hub's status and ruleset, and the ruleset in KV. */
export type Written = { status: unknown; stored: StoredRuleset; kv: string | null }

// Typed here rather than through the stub: RPC's serialisation types recurse without end on
// JSON values (as in src/routes/webhook.ts)
const hubOf = (environment: string) =>
  env.HUB.getByName(environment) as unknown as Pick<Hub, 'status' | 'snapshot'>

/** Reads everything a refused write must leave alone. */
export const writtenState = async (environment: string): Promise<Written> => {
  const hub = hubOf(environment)
  const status = await hub.status(environment)
  // sockets and KV progress move on their own; the rest only moves with an accepted change
  const settled = status === undefined ? undefined : { ...status, kv: undefined, sockets: undefined, eventStreams: undefined }
  return { status: settled, stored: await hub.snapshot(environment), kv: await env.FLAGS.get(rulesetKey(environment), 'text') }
}

/**
 * Fails unless nothing was written between `before` and `after`. KV trails the Hub by up to a
 * second (its alarm), so KV may have caught up with the Hub's unchanged ruleset meanwhile.
 */
export const expectUnchanged = (environment: string, before: Written, after: Written) => {
  expect(after.status, `Hub status of ${environment}`).toEqual(before.status)
  expect(canonicalJson(after.stored), `Hub ruleset of ${environment}`).toBe(canonicalJson(before.stored))
  if (after.kv === before.kv) return
  const kv = JSON.parse(after.kv ?? 'null') as StoredRuleset | null
  expect(kv && canonicalJson({ ...kv, updatedAt: undefined }), `KV ruleset of ${environment}`).toBe(
    canonicalJson({ ...after.stored, updatedAt: undefined }),
  )
}
