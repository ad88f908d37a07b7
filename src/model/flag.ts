import { z } from 'zod'
import { clauseSchema } from './clause'
import { rolloutSchema, variationOrRolloutSchema } from './rollout'

export const targetSchema = z.looseObject({
  contextKind: z.string().optional(),
  values: z.array(z.string()).default([]),
  variation: z.number().int(),
})

export const flagRuleSchema = z.looseObject({
  id: z.string().optional(),
  clauses: z.array(clauseSchema).optional(),
  variation: z.number().int().optional(),
  rollout: rolloutSchema.optional(),
  trackEvents: z.boolean().default(false),
})

export const prerequisiteSchema = z.looseObject({
  key: z.string(),
  variation: z.number().int(),
})

/**
 * A feature flag in LaunchDarkly's public JSON form. Unknown properties are kept, so a stored
 * flag round-trips unchanged (LaunchDarkly's own SDKs may read the same data).
 */
export const flagSchema = z.looseObject({
  key: z.string().min(1),
  version: z.number().int().min(0).default(0),
  on: z.boolean().default(false),
  variations: z.array(z.unknown()).default([]),
  offVariation: z.number().int().optional(),
  fallthrough: variationOrRolloutSchema.default({}),
  targets: z.array(targetSchema).default([]),
  contextTargets: z.array(targetSchema).default([]),
  rules: z.array(flagRuleSchema).default([]),
  prerequisites: z.array(prerequisiteSchema).default([]),
  salt: z.string().default(''),
  clientSideAvailability: z
    .looseObject({
      usingEnvironmentId: z.boolean().default(false),
      usingMobileKey: z.boolean().default(false),
    })
    .optional(),
  clientSide: z.boolean().optional(),
  trackEvents: z.boolean().default(false),
  deleted: z.boolean().default(false),
})

export type Target = z.infer<typeof targetSchema>
export type FlagRule = z.infer<typeof flagRuleSchema>
export type Prerequisite = z.infer<typeof prerequisiteSchema>
export type Flag = z.infer<typeof flagSchema>
