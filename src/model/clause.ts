import { z } from 'zod'

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
  contextKind: z.string().optional(),
  attribute: z.string().default(''),
  op: z.string(),
  values: z.array(z.unknown()).default([]),
  negate: z.boolean().default(false),
})

export type Clause = z.infer<typeof clauseSchema>
