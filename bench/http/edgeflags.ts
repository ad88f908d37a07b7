import { createHash } from 'node:crypto'
import { startLocalWorker } from '../../scripts/local-worker'
import { apiKeyRecordKey, rulesetKey } from '../../src/store/kv-keys'
import { makeFlags } from '../fixtures'

/** The Worker under load: `src/` served by Miniflare, seeded with the 200 bench flags. */

export type Target = { name: string; url: URL; dispose: () => Promise<void> }

export const FLAG_COUNT = 200
export const ENVIRONMENT = 'bench'
// A server key sees every flag, so each request evaluates all 200 (client keys are filtered).
export const SERVER_KEY = 'bench-server-key'

function rulesetJson(): string {
  const flags = Object.fromEntries(makeFlags(FLAG_COUNT).map((flag) => [flag.key, flag]))
  return JSON.stringify({ version: 1, flags, segments: {}, updatedAt: new Date().toISOString() })
}

function keyRecordJson(): string {
  const record = { environment: ENVIRONMENT, kind: 'server', name: 'bench server', createdAt: new Date().toISOString() }
  return JSON.stringify(record)
}

export async function startEdgeflags(): Promise<Target> {
  const worker = await startLocalWorker()
  await worker.kv.put(rulesetKey(ENVIRONMENT), rulesetJson())
  const hash = createHash('sha256').update(SERVER_KEY).digest('hex')
  await worker.kv.put(apiKeyRecordKey(hash), keyRecordJson())
  return { name: 'edgeflags', url: worker.url, dispose: worker.dispose }
}
