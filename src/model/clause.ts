import * as z from './zod'

/**
 * The operators LaunchDarkly defines. Clauses may name others (newer data than this code):
 * those are kept, and never match, so an unknown operator cannot break evaluation.
 */
export const OPERATORS = [
  'in',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'before',
  'after',
  'semVerEqual',
  'semVerLessThan',
  'semVerGreaterThan',
  'segmentMatch',
] as const

export type Operator = (typeof OPERATORS)[number]

/** A clause of a flag or segment rule: does the context's `attribute` satisfy `op` for any value? */
export const clauseSchema = z.looseObject({
  contextKind: z.optional(z.string()),
  attribute: z._default(z.string(), ''),
  op: z.string(),
  values: z._default(z.array(z.unknown()), []),
  negate: z._default(z.boolean(), false),
})

export type Clause = z.infer<typeof clauseSchema>
