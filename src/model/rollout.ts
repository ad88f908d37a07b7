import { z } from 'zod'

/**
 * Bucket weights are in thousandths of a percent: 100000 is everyone. Any integer is accepted
 * here, as LaunchDarkly's SDKs accept it (its conformance suite uses a negative weight to probe
 * bucket 0); the webhook's ruleset checks are stricter.
 */
export const weightSchema = z.number().int()

export const weightedVariationSchema = z.looseObject({
  variation: z.number().int(),
  weight: weightSchema,
  untracked: z.boolean().optional(),
})

export const rolloutSchema = z.looseObject({
  /** `experiment` or `rollout`; anything else is read as a rollout, as LaunchDarkly's SDKs do. */
  kind: z.string().optional(),
  variations: z.array(weightedVariationSchema).default([]),
  bucketBy: z.string().optional(),
  contextKind: z.string().optional(),
  seed: z.number().int().optional(),
})

/** What a rule or the fallthrough serves: a fixed variation index, or a percentage rollout. */
export const variationOrRolloutSchema = z.looseObject({
  variation: z.number().int().optional(),
  rollout: rolloutSchema.optional(),
})

export type WeightedVariation = z.infer<typeof weightedVariationSchema>
export type Rollout = z.infer<typeof rolloutSchema>
export type VariationOrRollout = z.infer<typeof variationOrRolloutSchema>
