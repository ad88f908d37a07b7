import { z } from 'zod'

/**
 * LaunchDarkly's JSON writes `null` where a value is absent (`"offVariation": null`), and its SDKs
 * treat the two alike. Reading `null` as `undefined` here keeps one meaning of "absent" downstream.
 */
export const nullable = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((value) => (value === null ? undefined : value)) as unknown as z.ZodOptional<T>
