import type { JsonValue } from '../model/json'

/**
 * An environment's ruleset as stored in KV at `env/{environment}/ruleset`: flags and segments in
 * LaunchDarkly's JSON exactly as they were pushed (parsed and compiled only when loaded).
 */
export type StoredRuleset = {
  flags: Record<string, JsonValue>
  segments: Record<string, JsonValue>
  version: number
  /** ISO 8601 time of the change that produced this version. */
  updatedAt: string
}

/** What an environment serves before its first push: no flags, version 0. */
export const emptyRuleset = (): StoredRuleset => ({
  version: 0,
  flags: {},
  segments: {},
  updatedAt: new Date(0).toISOString(),
})
