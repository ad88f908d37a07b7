import type { CompiledFlag } from './compiled'
import type { EvaluationContext } from './context'
import { decide } from './evaluate'
import { whileVisiting } from './visiting'
import { errorDecision, isError, type Decision } from './result'

const CYCLE = errorDecision('MALFORMED_FLAG')

/**
 * The decision that ends evaluation because a prerequisite is not met (or errs), else undefined.
 * A prerequisite is met when its flag is on and serves the required variation.
 *
 * A cycle is noted and the remaining prerequisites are still checked, as LaunchDarkly's
 * JavaScript SDK does: a later failing prerequisite replaces the cycle's error.
 */
export const checkPrerequisites = (
  flag: CompiledFlag,
  context: EvaluationContext & { valid: true },
): Decision | undefined => {
  let outcome: Decision | undefined
  for (const prerequisite of flag.prerequisites) {
    const required = prerequisite.flag
    if (required === undefined) return prerequisite.failed
    if (required.visiting) {
      outcome = CYCLE
      continue
    }
    const decision = whileVisiting(required, () => decide(required, context))
    if (isError(decision)) return decision
    if (!required.on || decision.index !== prerequisite.variation) return prerequisite.failed
  }
  return outcome
}
