import type { CompiledTarget } from './compiled'
import { keyOf, type EvaluationContext } from './context'
import type { Decision } from './result'

/** The first individual target listing the context's key for the target's kind, if any. */
export const matchTargets = (
  targets: readonly CompiledTarget[],
  context: EvaluationContext & { valid: true },
): Decision | undefined => {
  for (const { contextKind, keys, decision } of targets) {
    const key = keyOf(context, contextKind)
    if (key !== undefined && keys.has(key)) return decision
  }
  return undefined
}
