import { createHash } from 'node:crypto'
import examples from '../../../examples/flags.json'
import { apiKeyRecordKey, rulesetKey } from '../../../src/store/kv-keys'
import { publishRuleset } from '../../../src/hub/published'
import { startLocalWorker, type LocalWorker } from '../../../scripts/local-worker'
import type { KeyKind } from '../../../src/model/api-key'

export const ENVIRONMENT = 'e2e'

export const KEYS: Record<KeyKind, string> = { client: 'e2e-client', mobile: 'e2e-mobile', server: 'e2e-server' }

export type SeededWorker = LocalWorker & {
  /** Writes a ruleset at `version` into KV, as the Hub does. */
  putRuleset: (ruleset: { flags: object; segments: object }, version: number) => Promise<void>
}

/** The Worker on 127.0.0.1 with the example flags at version 1 and one key of each kind. */
export const startSeededWorker = async (vars: Record<string, string> = {}): Promise<SeededWorker> => {
  const worker = await startLocalWorker({ vars })
  const putRuleset = async (ruleset: { flags: object; segments: object }, version: number) => {
    const stored = publishRuleset(ruleset, version, new Date().toISOString())
    await worker.kv.put(rulesetKey(ENVIRONMENT), JSON.stringify(stored))
  }
  await putRuleset(examples, 1)
  for (const [kind, key] of Object.entries(KEYS)) {
    const hash = createHash('sha256').update(key).digest('hex')
    await worker.kv.put(
      apiKeyRecordKey(hash),
      JSON.stringify({ environment: ENVIRONMENT, kind, name: `e2e ${kind}`, createdAt: new Date().toISOString() }),
    )
  }
  return { ...worker, putRuleset }
}

/** Polls `check` until it returns true, or fails after `ms` with `message`. */
export const eventually = async (check: () => boolean | Promise<boolean>, message: string, ms = 10_000) => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out after ${ms} ms: ${message}`)
}
