import { createHash } from 'node:crypto'
import type { AttributeReference } from './attribute-reference'
import { valueOf, type EvaluationContext } from './context'

/** How a rollout hashes: the prefix before the bucketed value, and which attribute of which kind. */
export type BucketSpec = {
  /** The rollout's seed as a decimal string, else `{flagOrSegmentKey}.{salt}`. */
  readonly prefix: string
  readonly reference: AttributeReference
  readonly contextKind: string
}

const TWO_POW_28 = 2 ** 28
// LaunchDarkly divides by 0xFFFFFFFFFFFFFFF as a double (it rounds up to 2^60), so a bucket is in
// [0, 1) but not exactly hash/(2^60-1). Keeping the same division keeps every bucket bit-exact.
const SCALE = 0xfffffffffffffff

/**
 * The first 15 hex digits of SHA-1(`input`) as a number, rounded to a double exactly as
 * `parseInt(hex.slice(0, 15), 16)` rounds it, without building the hex string.
 */
export const hashPrefix = (input: string): number => {
  const digest = createHash('sha1').update(input).digest()
  const high = digest.readUInt32BE(0)
  const low = digest.readUInt32BE(4) >>> 4
  // high * 2^28 is exact; the one addition rounds to nearest, as parseInt does
  return high * TWO_POW_28 + low
}

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
  return hashPrefix(`${spec.prefix}.${value}`) / SCALE
}

/**
 * Whether an experiment may count this context: it has a bucketable value, or at least the
 * rollout's kind (LaunchDarkly's "hadContext").
 */
export const canBucket = (context: EvaluationContext & { valid: true }, spec: BucketSpec) =>
  bucketable(valueOf(context, spec.reference, spec.contextKind)) !== undefined ||
  context.byKind.has(spec.contextKind)
