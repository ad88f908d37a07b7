import type { Flag } from '../model/flag'
import type { Segment } from '../model/segment'

/**
 * The layout of what the Hub publishes. Readers trust a ruleset of a format they know (the Hub
 * validated it) and refuse any other: a Worker older than its Hub must not guess at new data.
 */
export const RULESET_FORMAT = 1

/**
 * An environment's ruleset as the Hub publishes it to KV (`env/{environment}/ruleset`), the Cache
 * API and isolates: flags and segments in LaunchDarkly's JSON, already validated, with nulls read
 * as absent and every default filled. The read path compiles it without checking it again.
 */
export type StoredRuleset = {
  format: typeof RULESET_FORMAT
  flags: Record<string, Flag>
  segments: Record<string, Segment>
  version: number
  /** ISO 8601 time of the change that produced this version. */
  updatedAt: string
}

/** What an environment serves before its first push: no flags, version 0. */
export const emptyRuleset = (): StoredRuleset => ({
  format: RULESET_FORMAT,
  version: 0,
  flags: {},
  segments: {},
  updatedAt: new Date(0).toISOString(),
})
