import type { CompiledSegment, CompiledSegmentRule, CompiledSegmentTarget } from './compiled'
import { bucketFor } from './bucketing'
import { matchClauses, type Match } from './clauses'
import { keyOf, type EvaluationContext } from './context'
import { errorDecision } from './result'
import { noteBigSegment } from './notes'

type Context = EvaluationContext & { valid: true }

const MALFORMED = errorDecision('MALFORMED_FLAG')

// An empty key never matches a segment's key lists (LaunchDarkly tests keys for truthiness here)
const listed = (
  context: Context,
  targets: readonly CompiledSegmentTarget[],
  userKeys: ReadonlySet<string>,
) => {
  for (const { contextKind, keys } of targets) {
    const key = keyOf(context, contextKind)
    if (key && keys.has(key)) return true
  }
  const userKey = keyOf(context, 'user')
  return !!userKey && userKeys.has(userKey)
}

const matchRule = (rule: CompiledSegmentRule, context: Context): Match => {
  const match = matchClauses(rule.clauses, context)
  if (match !== true || rule.weight === undefined) return match
  if (rule.spec === undefined) return MALFORMED
  return bucketFor(context, rule.spec) < rule.weight
}

const matchRules = (segment: CompiledSegment, context: Context): Match => {
  for (const rule of segment.rules) {
    const match = matchRule(rule, context)
    if (match !== false) return match
  }
  return false
}

/**
 * Whether the context is in the segment: included keys first, then excluded keys, then rules.
 * Unbounded (big) segments need a membership store edgeflags does not have: they match through
 * their rules alone and mark the result NOT_CONFIGURED, as LaunchDarkly's SDKs do without one.
 */
export const matchSegment = (segment: CompiledSegment, context: Context): Match => {
  if (segment.unbounded) {
    if (!keyOf(context, segment.unboundedContextKind)) return false
    noteBigSegment()
    return segment.generation ? matchRules(segment, context) : false
  }
  if (listed(context, segment.includedContexts, segment.included)) return true
  if (listed(context, segment.excludedContexts, segment.excluded)) return false
  return matchRules(segment, context)
}
