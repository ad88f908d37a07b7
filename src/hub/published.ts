import { parseRuleset, type Ruleset } from '../model/ruleset'
import { RULESET_FORMAT, type StoredRuleset } from '../store/stored-ruleset'
import type { HubState } from './state'

/**
 * A parsed ruleset in the form the Hub publishes. `format` and `version` come first: readers
 * peek at them before parsing a whole refresh (src/store/rulesets.ts).
 */
export const toPublished = ({ flags, segments }: Ruleset, version: number, updatedAt: string): StoredRuleset => ({
  format: RULESET_FORMAT,
  version,
  updatedAt,
  flags,
  segments,
})

/**
 * `{flags, segments}` in LaunchDarkly's JSON, validated for shape and turned into the form the
 * Hub publishes. Throws when the items do not parse: only valid rulesets are ever published.
 */
export const publishRuleset = (json: unknown, version: number, updatedAt: string): StoredRuleset => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(`the ruleset is invalid: ${JSON.stringify(parsed.errors.slice(0, 3))}`)
  return toPublished(parsed.ruleset, version, updatedAt)
}

// Storage keeps items as they were sent, valid when accepted; after a restart they are parsed
// once more for the published form (defaults filled).
export const publishState = ({ meta, flags, segments }: HubState): StoredRuleset =>
  publishRuleset({ flags: Object.fromEntries(flags), segments: Object.fromEntries(segments) }, meta.version, meta.updatedAt)
