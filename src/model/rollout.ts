import * as z from './zod'

/**
 * Bucket weights are in thousandths of a percent: 100000 is everyone. Any integer is accepted
 * here, as LaunchDarkly's SDKs accept it (its conformance suite uses a negative weight to probe
 * bucket 0); the webhook's ruleset checks are stricter.
 */
export const weightSchema = z.int()

export const weightedVariationSchema = z.looseObject({
  variation: z.int(),
  weight: weightSchema,
  untracked: z.optional(z.boolean()),
})

export const rolloutSchema = z.looseObject({
  /** `experiment` or `rollout`; anything else is read as a rollout, as LaunchDarkly's SDKs do. */
  kind: z.optional(z.string()),
  variations: z._default(z.array(weightedVariationSchema), []),
  bucketBy: z.optional(z.string()),
  contextKind: z.optional(z.string()),
  seed: z.optional(z.int()),
})

/** What a rule or the fallthrough serves: a fixed variation index, or a percentage rollout. */
export const variationOrRolloutSchema = z.looseObject({
  variation: z.optional(z.int()),
  rollout: z.optional(rolloutSchema),
})

export type WeightedVariation = z.infer<typeof weightedVariationSchema>
export type Rollout = z.infer<typeof rolloutSchema>
export type VariationOrRollout = z.infer<typeof variationOrRolloutSchema>
