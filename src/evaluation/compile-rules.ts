import type { Clause } from '../model/clause'
import type { Flag } from '../model/flag'
import type { Rollout, VariationOrRollout } from '../model/rollout'
import { INVALID_REFERENCE, KEY_REFERENCE, parseAttributeReference } from './attribute-reference'
import { bucketSpec, type BucketSpec } from './bucketing'
import type { CompiledClause, CompiledSegment, Serve } from './compiled'
import { compileOperator } from './operators'
import { inExperiment, type Reason } from './reasons'
import { errorDecision, type Decision } from './result'
import type { Lookup } from './lazy-map'

const MALFORMED: Decision = errorDecision('MALFORMED_FLAG')
const WEIGHT_SCALE = 100000

/** The decision to serve variation `index`, or MALFORMED_FLAG when the flag has no such variation. */
export const variationDecision = (flag: Flag, index: number, reason: Reason): Decision => {
  if (index < 0 || index >= flag.variations.length) return MALFORMED
  const result = Object.freeze({ value: flag.variations[index], variationIndex: index, reason })
  return Object.freeze({ index, reason, result })
}

/** The off variation, or no variation at all when `offVariation` is unset. */
export const offDecision = (flag: Flag, reason: Reason): Decision =>
  flag.offVariation === undefined
    ? Object.freeze({ index: undefined, reason })
    : variationDecision(flag, flag.offVariation, reason)

export const compileClause = (
  clause: Clause,
  segments: Lookup<CompiledSegment>,
): CompiledClause => {
  if (clause.op === 'segmentMatch') {
    // looked up when evaluation first reaches the clause, so segment chains compile one by one
    const keys = clause.values.filter((key): key is string => typeof key === 'string')
    let found: CompiledSegment[] | undefined
    return {
      type: 'segment',
      get segments() {
        return (found ??= keys.flatMap((key) => segments.get(key) ?? []))
      },
      negate: clause.negate,
    }
  }
  // Clauses without a contextKind come from before attribute references: the name is literal
  const reference = clause.attribute
    ? parseAttributeReference(clause.attribute, !clause.contextKind)
    : INVALID_REFERENCE
  if (!reference.valid) return { type: 'invalid' }
  const [first] = reference.components
  // `key`, `anonymous`, `kind` and `__proto__` need valueOf's special cases
  const plain = reference.components.length === 1 && !['key', 'anonymous', 'kind', '__proto__'].includes(first)
  return {
    type: 'attribute',
    reference,
    name: plain ? first : undefined,
    contextKind: clause.contextKind ?? 'user',
    negate: clause.negate,
    test: compileOperator(clause.op, clause.values),
  }
}

/** How a flag rollout hashes: the seed wins over `{flagKey}.{salt}`; experiments bucket by key. */
const flagBucketSpec = (flag: Flag, rollout: Rollout): BucketSpec | undefined => {
  const reference =
    rollout.kind === 'experiment' || !rollout.bucketBy
      ? KEY_REFERENCE
      : parseAttributeReference(rollout.bucketBy, !rollout.contextKind)
  if (!reference.valid) return undefined
  // LaunchDarkly's JavaScript SDKs test the seed for truthiness, so a seed of 0 means no seed
  const prefix = rollout.seed ? String(rollout.seed) : `${flag.key}.${flag.salt}`
  return bucketSpec(prefix, reference, rollout.contextKind ?? 'user')
}

const compileRollout = (flag: Flag, rollout: Rollout, reason: Reason): Serve => {
  const spec = flagBucketSpec(flag, rollout)
  if (rollout.variations.length === 0 || spec === undefined) return { decision: MALFORMED }
  const isExperiment = rollout.kind === 'experiment'
  let sum = 0
  const thresholds = rollout.variations.map(({ weight }) => (sum += weight / WEIGHT_SCALE))
  const decisions = rollout.variations.map(({ variation }) => variationDecision(flag, variation, reason))
  const experimentReason = isExperiment ? inExperiment(reason) : reason
  return {
    rollout: {
      spec,
      isExperiment,
      thresholds,
      untracked: rollout.variations.map(({ untracked }) => untracked === true),
      decisions,
      // only an experiment counts contexts in it; a plain rollout never reads these
      experimentDecisions: isExperiment
        ? rollout.variations.map(({ variation }) => variationDecision(flag, variation, experimentReason))
        : decisions,
    },
  }
}

/** What a rule or the fallthrough serves, with `reason` attached to every outcome. */
export const compileServe = (flag: Flag, serve: VariationOrRollout, reason: Reason): Serve => {
  if (serve.variation !== undefined) return { decision: variationDecision(flag, serve.variation, reason) }
  if (serve.rollout !== undefined) return compileRollout(flag, serve.rollout, reason)
  return { decision: MALFORMED }
}
