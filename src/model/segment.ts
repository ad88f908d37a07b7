import { z } from 'zod'
import { clauseSchema } from './clause'
import { weightSchema } from './rollout'
import { targetSchema } from './flag'

export const segmentTargetSchema = targetSchema.omit({ variation: true })

export const segmentRuleSchema = z.looseObject({
  id: z.string().optional(),
  clauses: z.array(clauseSchema).optional(),
  weight: weightSchema.optional(),
  bucketBy: z.string().optional(),
  rolloutContextKind: z.string().optional(),
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
  unboundedContextKind: z.string().optional(),
  generation: z.number().int().optional(),
  deleted: z.boolean().default(false),
})

export type SegmentTarget = z.infer<typeof segmentTargetSchema>
export type SegmentRule = z.infer<typeof segmentRuleSchema>
export type Segment = z.infer<typeof segmentSchema>
