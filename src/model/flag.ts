import * as z from './zod'
import { clauseSchema } from './clause'
import { rolloutSchema, variationOrRolloutSchema } from './rollout'

export const targetSchema = z.looseObject({
  contextKind: z.optional(z.string()),
  values: z._default(z.array(z.string()), []),
  variation: z.int(),
})

export const flagRuleSchema = z.looseObject({
  id: z.optional(z.string()),
  clauses: z.optional(z.array(clauseSchema)),
  variation: z.optional(z.int()),
  rollout: z.optional(rolloutSchema),
  trackEvents: z._default(z.boolean(), false),
})

export const prerequisiteSchema = z.looseObject({
  key: z.string(),
  variation: z.int(),
})

/**
 * A feature flag in LaunchDarkly's public JSON form. Unknown properties are kept, so a stored
 * flag round-trips unchanged (LaunchDarkly's own SDKs may read the same data).
 */
export const flagSchema = z.looseObject({
  key: z.string().check(z.minLength(1)),
  version: z._default(z.int().check(z.minimum(0)), 0),
  on: z._default(z.boolean(), false),
  variations: z._default(z.array(z.unknown()), []),
  offVariation: z.optional(z.int()),
  fallthrough: z._default(variationOrRolloutSchema, {}),
  targets: z._default(z.array(targetSchema), []),
  contextTargets: z._default(z.array(targetSchema), []),
  rules: z._default(z.array(flagRuleSchema), []),
  prerequisites: z._default(z.array(prerequisiteSchema), []),
  salt: z._default(z.string(), ''),
  clientSideAvailability: z.optional(
    z.looseObject({
      usingEnvironmentId: z._default(z.boolean(), false),
      usingMobileKey: z._default(z.boolean(), false),
    }),
  ),
  clientSide: z.optional(z.boolean()),
  trackEvents: z._default(z.boolean(), false),
  deleted: z._default(z.boolean(), false),
})

export type Target = z.infer<typeof targetSchema>
export type FlagRule = z.infer<typeof flagRuleSchema>
export type Prerequisite = z.infer<typeof prerequisiteSchema>
export type Flag = z.infer<typeof flagSchema>
