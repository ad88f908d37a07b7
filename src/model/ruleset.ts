import * as z from './zod'
import { flagSchema, type Flag } from './flag'
import { segmentSchema, type Segment } from './segment'
import { formatPath, toIssues, type ValidationIssue } from './issues'
import { withoutNulls } from './nulls'
import { isJsonObject } from './json'

export const rulesetSchema = z.object({
  flags: z._default(z.record(z.string(), flagSchema), {}),
  segments: z._default(z.record(z.string(), segmentSchema), {}),
})

export type Ruleset = { flags: Record<string, Flag>; segments: Record<string, Segment> }

export type ParsedRuleset = { ok: true; ruleset: Ruleset } | { ok: false; errors: ValidationIssue[] }

const SECTIONS = ['flags', 'segments'] as const

// Every lookup (prerequisites, segmentMatch) goes by `key`, so a map key that disagrees with
// the item's own key would make the item unreachable. Checked apart from the schema so that it
// is reported together with every other problem.
const mismatchedKeys = (json: unknown): ValidationIssue[] => {
  if (!isJsonObject(json)) return []
  return SECTIONS.flatMap((section) => {
    const items = json[section]
    if (!isJsonObject(items)) return []
    return Object.entries(items).flatMap(([name, item]) =>
      isJsonObject(item) && typeof item.key === 'string' && item.key !== name
        ? [{ path: formatPath([section, name, 'key']), message: `key "${item.key}" must equal its map key "${name}"` }]
        : [],
    )
  })
}

const mapValues = (items: unknown, keep: readonly string[]) =>
  isJsonObject(items)
    ? Object.fromEntries(Object.entries(items).map(([name, item]) => [name, withoutNulls(item, keep)]))
    : items

/**
 * Checks the shape of `{ flags, segments }` and fills LaunchDarkly's defaults. Nulls are read as
 * absent first, as LaunchDarkly's SDKs read them (a flag's variations keep theirs).
 */
export const parseRuleset = (json: unknown): ParsedRuleset => {
  const input = isJsonObject(json)
    ? { ...json, flags: mapValues(json.flags, ['variations']), segments: mapValues(json.segments, []) }
    : json
  const result = rulesetSchema.safeParse(input)
  const errors = [...(result.success ? [] : toIssues(result.error)), ...mismatchedKeys(json)]
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, ruleset: result.data as Ruleset }
}
