import { z } from 'zod'
import { flagSchema, type Flag } from './flag'
import { segmentSchema, type Segment } from './segment'
import { toIssues, type ValidationIssue } from './issues'

/**
 * Flags and segments keyed by their own `key`, as LaunchDarkly's SDKs store them.
 * A mismatched map key is refused: every lookup (prerequisites, segmentMatch) goes by `key`.
 */
const keyedBy = <T extends z.ZodType<{ key: string }>>(item: T) =>
  z.record(z.string(), item).superRefine((items, ctx) => {
    for (const [name, value] of Object.entries(items)) {
      if (value.key !== name) {
        ctx.addIssue({
          code: 'custom',
          path: [name, 'key'],
          message: `key "${value.key}" must equal its map key "${name}"`,
        })
      }
    }
  })

export const rulesetSchema = z.object({
  flags: keyedBy(flagSchema).default({}),
  segments: keyedBy(segmentSchema).default({}),
})

export type Ruleset = { flags: Record<string, Flag>; segments: Record<string, Segment> }

export type ParsedRuleset = { ok: true; ruleset: Ruleset } | { ok: false; errors: ValidationIssue[] }

/** Checks the shape of `{ flags, segments }` and fills LaunchDarkly's defaults. */
export const parseRuleset = (json: unknown): ParsedRuleset => {
  const result = rulesetSchema.safeParse(json)
  if (result.success) return { ok: true, ruleset: result.data as Ruleset }
  return { ok: false, errors: toIssues(result.error) }
}
