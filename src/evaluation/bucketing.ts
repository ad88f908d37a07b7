import { KEY_REFERENCE, type AttributeReference } from './attribute-reference'
import { hasKind, keyOf, valueOf, type EvaluationContext } from './context'
import { sha1Prefix, sha1Prefix60After, utf8, type Sha1Prefix } from './sha1'

/** How a rollout hashes: the prefix before the bucketed value, and which attribute of which kind. */
export type BucketSpec = {
  /** `{prefix}.`, where the prefix is the seed as a decimal string, else `{key}.{salt}`. */
  readonly head: string
  /**
   * SHA-1 run as far as it goes on the UTF-8 of `head`: every context's hash starts from there.
   * Made on the first bucketing, so a cold isolate does not hash rollouts it never reaches.
   */
  prefix: Sha1Prefix | undefined
  readonly reference: AttributeReference
  readonly contextKind: string
}

// LaunchDarkly divides by 0xFFFFFFFFFFFFFFF as a double (it rounds up to 2^60), so a bucket is in
// [0, 1) but not exactly hash/(2^60-1). Keeping the same division keeps every bucket bit-exact.
const SCALE = 0xfffffffffffffff

/** The bucketing spec for hashing `{prefix}.{value}`. */
export const bucketSpec = (prefix: string, reference: AttributeReference, contextKind: string): BucketSpec => ({
  head: `${prefix}.`,
  prefix: undefined,
  reference,
  contextKind,
})

const bucketable = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value
  if (Number.isInteger(value)) return String(value)
  return undefined
}

// Most rollouts bucket by key, which a parsed context holds as a string (or not at all)
const bucketValue = (context: EvaluationContext & { valid: true }, spec: BucketSpec) =>
  spec.reference === KEY_REFERENCE
    ? keyOf(context, spec.contextKind)
    : bucketable(valueOf(context, spec.reference, spec.contextKind))

/**
 * The context's bucket in [0, 1) for a rollout. A value that cannot be bucketed (missing, a float,
 * a boolean) buckets at 0, as in LaunchDarkly's SDKs.
 */
export const bucketFor = (context: EvaluationContext & { valid: true }, spec: BucketSpec): number => {
  const value = bucketValue(context, spec)
  if (value === undefined) return 0
  const prefix = spec.prefix ?? (spec.prefix = sha1Prefix(utf8(spec.head)))
  return sha1Prefix60After(prefix, value) / SCALE
}

/**
 * Whether an experiment may count this context: it has a bucketable value, or at least the
 * rollout's kind (LaunchDarkly's "hadContext").
 */
export const canBucket = (context: EvaluationContext & { valid: true }, spec: BucketSpec) =>
  bucketValue(context, spec) !== undefined || hasKind(context, spec.contextKind)
