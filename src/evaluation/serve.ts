import { bucketFor, canBucket } from './bucketing'
import type { CompiledRollout, Serve } from './compiled'
import type { EvaluationContext } from './context'
import type { Decision } from './result'

type Context = EvaluationContext & { valid: true }

const rolloutDecision = (rollout: CompiledRollout, context: Context): Decision => {
  const bucket = bucketFor(context, rollout.spec)
  const { thresholds, untracked } = rollout
  for (let i = 0; i < thresholds.length; i += 1) {
    if (bucket < thresholds[i]) {
      const counted = rollout.isExperiment && !untracked[i] && canBucket(context, rollout.spec)
      return (counted ? rollout.experimentDecisions : rollout.decisions)[i]
    }
  }
  // Weights that add up to less than 100000 leave a gap at the top: LaunchDarkly's SDKs put
  // those contexts in the last variation (and count them in an experiment, bucketable or not).
  const last = thresholds.length - 1
  return (rollout.isExperiment && !untracked[last] ? rollout.experimentDecisions : rollout.decisions)[last]
}

/** The decision a rule or the fallthrough makes for this context. */
export const serve = (target: Serve, context: Context): Decision =>
  'decision' in target ? target.decision : rolloutDecision(target.rollout, context)
