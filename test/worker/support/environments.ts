import { env } from 'cloudflare:workers'
import examples from '../../../examples/flags.json'
import { apiKeyRecordKey, rulesetKey } from '../../../src/store/kv-keys'
import { publishRuleset } from '../../../src/hub/published'
import { sha256Hex } from '../../../src/store/hash'
import type { KeyKind } from '../../../src/model/api-key'

export type TestEnvironment = {
  environment: string
  keys: Record<KeyKind, string>
}

/** Writes a ruleset into KV as the Hub would, at `version`. */
export const putRuleset = async (environment: string, ruleset: object, version: number) => {
  await env.FLAGS.put(rulesetKey(environment), JSON.stringify(publishRuleset(ruleset, version, new Date().toISOString())))
}

export const putKey = async (key: string, environment: string, kind: KeyKind) => {
  await env.FLAGS.put(
    apiKeyRecordKey(sha256Hex(key)),
    JSON.stringify({ environment, kind, name: `${kind} key`, createdAt: new Date().toISOString() }),
  )
}

/**
 * A fresh environment with the example flags (or `ruleset`, or nothing in KV for null) and one
 * key of each kind. Each test
 * takes its own, so isolate caches and KV never leak between tests.
 */
export const newEnvironment = async (ruleset: object | null = examples, version = 1): Promise<TestEnvironment> => {
  const environment = `test-${crypto.randomUUID()}`
  if (ruleset !== null) await putRuleset(environment, ruleset, version)
  const keys = {} as Record<KeyKind, string>
  for (const kind of ['client', 'mobile', 'server'] as const) {
    keys[kind] = `${kind}-${crypto.randomUUID()}`
    await putKey(keys[kind], environment, kind)
  }
  return { environment, keys }
}
