import { z } from 'zod'
import { clauseSchema } from './clause'
import { weightSchema } from './rollout'
import { targetSchema } from './flag'
import { nullable } from './nullable'

export const segmentTargetSchema = targetSchema.omit({ variation: true })

export const segmentRuleSchema = z.looseObject({
  id: z.string().optional(),
  clauses: z.array(clauseSchema).default([]),
  weight: nullable(weightSchema),
  bucketBy: nullable(z.string()),
  rolloutContextKind: nullable(z.string()),
})

/** A reusable audience: explicit members by key, exclusions, and rules. */
export const segmentSchema = z.looseObject({
  key: z.string().min(1),
  version: z.number().int().min(0).default(0),
  included: z.array(z.string()).default([]),
  excluded: z.array(z.string()).default([]),
  includedContexts: z.array(segmentTargetSchema).default([]),
  excludedContexts: z.array(segmentTargetSchema).default([]),
  rules: z.array(segmentRuleSchema).default([]),
  salt: z.string().default(''),
  unbounded: z.boolean().default(false),
  unboundedContextKind: nullable(z.string()),
  generation: nullable(z.number().int()),
  deleted: z.boolean().default(false),
})

export type SegmentTarget = z.infer<typeof segmentTargetSchema>
export type SegmentRule = z.infer<typeof segmentRuleSchema>
export type Segment = z.infer<typeof segmentSchema>
