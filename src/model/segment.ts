import * as z from './zod'
import { clauseSchema } from './clause'
import { weightSchema } from './rollout'
import { targetSchema } from './flag'

export const segmentTargetSchema = z.omit(targetSchema, { variation: true })

export const segmentRuleSchema = z.looseObject({
  id: z.optional(z.string()),
  clauses: z.optional(z.array(clauseSchema)),
  weight: z.optional(weightSchema),
  bucketBy: z.optional(z.string()),
  rolloutContextKind: z.optional(z.string()),
})

/** A reusable audience: explicit members by key, exclusions, and rules. */
export const segmentSchema = z.looseObject({
  key: z.string().check(z.minLength(1)),
  version: z._default(z.int().check(z.minimum(0)), 0),
  included: z._default(z.array(z.string()), []),
  excluded: z._default(z.array(z.string()), []),
  includedContexts: z._default(z.array(segmentTargetSchema), []),
  excludedContexts: z._default(z.array(segmentTargetSchema), []),
  rules: z._default(z.array(segmentRuleSchema), []),
  salt: z._default(z.string(), ''),
  unbounded: z._default(z.boolean(), false),
  unboundedContextKind: z.optional(z.string()),
  generation: z.optional(z.int()),
  deleted: z._default(z.boolean(), false),
})

export type SegmentTarget = z.infer<typeof segmentTargetSchema>
export type SegmentRule = z.infer<typeof segmentRuleSchema>
export type Segment = z.infer<typeof segmentSchema>
