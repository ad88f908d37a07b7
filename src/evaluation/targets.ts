import type { CompiledFlag } from './compiled'
import { keyOf, type EvaluationContext } from './context'
import type { Decision } from './result'

/** The first individual target listing the context's key for the target's kind, if any. */
export const matchTargets = (flag: CompiledFlag, context: EvaluationContext & { valid: true }): Decision | undefined => {
  const { targets, targetKeys } = flag
  if (targetKeys !== undefined) {
    const key = keyOf(context, targetKeys.contextKind)
    if (key === undefined || !targetKeys.keys.has(key)) return undefined
  }
  for (const { contextKind, keys, decision } of targets) {
    const key = keyOf(context, contextKind)
    if (key !== undefined && keys.has(key)) return decision
  }
  return undefined
}
