import { parseRuleset } from '../model/ruleset'
import { RULESET_FORMAT, type StoredRuleset } from '../store/stored-ruleset'

/**
 * `{flags, segments}` in LaunchDarkly's JSON, validated for shape and turned into the form the
 * Hub publishes. Throws when the items do not parse: only valid rulesets are ever published.
 */
export const publishRuleset = (json: unknown, version: number, updatedAt: string): StoredRuleset => {
  const parsed = parseRuleset(json)
  if (!parsed.ok) throw new Error(`the ruleset is invalid: ${JSON.stringify(parsed.errors.slice(0, 3))}`)
  return { format: RULESET_FORMAT, version, updatedAt, flags: parsed.ruleset.flags, segments: parsed.ruleset.segments }
}
