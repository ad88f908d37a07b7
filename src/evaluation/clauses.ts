import type { CompiledClause } from './compiled'
import { attributeNamed, attributesOf, valueOf, type EvaluationContext } from './context'
import { errorDecision, type Decision } from './result'
import { matchSegment } from './segments'
import { whileVisiting } from './visiting'

type Context = EvaluationContext & { valid: true }

/** Whether something matched, or the error decision that ends the evaluation. */
export type Match = boolean | Decision

const MALFORMED = errorDecision('MALFORMED_FLAG')

const lookUp = (clause: CompiledClause & { type: 'attribute' }, context: Context) => {
  if (clause.name === undefined) return valueOf(context, clause.reference, clause.contextKind)
  const attributes = attributesOf(context, clause.contextKind)
  return attributes === undefined ? undefined : attributeNamed(attributes, clause.name)
}

const matchAttribute = (clause: CompiledClause & { type: 'attribute' }, context: Context) => {
  const value = lookUp(clause, context)
  // A missing attribute fails the clause even when it is negated (LaunchDarkly's SDK spec)
  if (value === undefined || value === null) return false
  const matched = Array.isArray(value) ? value.some(clause.test) : clause.test(value)
  return matched !== clause.negate
}

const matchSegments = (clause: CompiledClause & { type: 'segment' }, context: Context): Match => {
  for (const segment of clause.segments) {
    if (segment.visiting) return MALFORMED
    const match = whileVisiting(segment, () => matchSegment(segment, context))
    if (match === true) return !clause.negate
    if (match !== false) return match
  }
  return clause.negate
}

export const matchClause = (clause: CompiledClause, context: Context): Match => {
  if (clause.type === 'attribute') return matchAttribute(clause, context)
  if (clause.type === 'segment') return matchSegments(clause, context)
  return MALFORMED
}

/**
 * Whether all of a rule's clauses match. LaunchDarkly's JavaScript SDK, which we must agree with,
 * lets a clause error count as a match and keeps only the last clause's outcome: an error is
 * reported only when the last clause errs, and a later clause that fails hides an earlier error.
 * An empty list matches; a rule without clauses (absent, not empty) never does.
 */
export const matchClauses = (clauses: readonly CompiledClause[] | undefined, context: Context): Match => {
  if (clauses === undefined) return false
  let error: Match | undefined
  for (const clause of clauses) {
    const match = matchClause(clause, context)
    if (match === false) return false
    error = match === true ? undefined : match
  }
  return error ?? true
}
