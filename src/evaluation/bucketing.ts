import type { AttributeReference } from './attribute-reference'
import { hasKind, valueOf, type EvaluationContext } from './context'
import { sha1Prefix60, utf8 } from './sha1'

/** How a rollout hashes: the prefix before the bucketed value, and which attribute of which kind. */
export type BucketSpec = {
  /** UTF-8 of `{prefix}.`, where the prefix is the seed as a decimal string, else `{key}.{salt}`. */
  readonly prefix: Uint8Array
  readonly reference: AttributeReference
  readonly contextKind: string
}

// LaunchDarkly divides by 0xFFFFFFFFFFFFFFF as a double (it rounds up to 2^60), so a bucket is in
// [0, 1) but not exactly hash/(2^60-1). Keeping the same division keeps every bucket bit-exact.
const SCALE = 0xfffffffffffffff

/** The bucketing spec for hashing `{prefix}.{value}`. */
export const bucketSpec = (prefix: string, reference: AttributeReference, contextKind: string): BucketSpec => ({
  prefix: utf8(`${prefix}.`),
  reference,
  contextKind,
})

const bucketable = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value
  if (Number.isInteger(value)) return String(value)
  return undefined
}

/**
 * The context's bucket in [0, 1) for a rollout. A value that cannot be bucketed (missing, a float,
 * a boolean) buckets at 0, as in LaunchDarkly's SDKs.
 */
export const bucketFor = (context: EvaluationContext & { valid: true }, spec: BucketSpec): number => {
  const value = bucketable(valueOf(context, spec.reference, spec.contextKind))
  if (value === undefined) return 0
  return sha1Prefix60(spec.prefix, value) / SCALE
}

/**
 * Whether an experiment may count this context: it has a bucketable value, or at least the
 * rollout's kind (LaunchDarkly's "hadContext").
 */
export const canBucket = (context: EvaluationContext & { valid: true }, spec: BucketSpec) =>
  bucketable(valueOf(context, spec.reference, spec.contextKind)) !== undefined ||
  hasKind(context, spec.contextKind)
