import { compareSemVer, parseSemVer, type SemVer } from './semver'

/**
 * Tests one context value against all of a clause's values. Built once per clause, when the
 * ruleset is compiled, with the clause values already converted (regexes, dates, versions).
 */
export type ValueMatcher = (value: unknown) => boolean

const NEVER: ValueMatcher = () => false

const isString = (value: unknown): value is string => typeof value === 'string'
const isNumber = (value: unknown): value is number => typeof value === 'number'

// LaunchDarkly's reference SDK reads RFC 3339 timestamps; like its JavaScript SDKs we recognise
// one by its prefix and let Date.parse convert it, so both runtimes agree on every input.
const RFC3339 = /^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d\d*)?(Z|[-+]\d\d(:\d\d)?)/

/** Epoch milliseconds for a number or an RFC 3339 string; undefined for anything else. */
export const toDate = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && RFC3339.test(value)) return Date.parse(value)
  return undefined
}

const anyString = (values: unknown[], test: (value: string, operand: string) => boolean) => {
  const operands = values.filter(isString)
  if (operands.length === 0) return NEVER
  return (value: unknown) => isString(value) && operands.some((operand) => test(value, operand))
}

const anyNumber = (values: unknown[], test: (value: number, operand: number) => boolean) => {
  const operands = values.filter(isNumber)
  if (operands.length === 0) return NEVER
  return (value: unknown) => isNumber(value) && operands.some((operand) => test(value, operand))
}

const anyDate = (values: unknown[], test: (value: number, operand: number) => boolean) => {
  const operands = values.map(toDate).filter((date): date is number => date !== undefined)
  if (operands.length === 0) return NEVER
  return (value: unknown) => {
    const date = toDate(value)
    return date !== undefined && operands.some((operand) => test(date, operand))
  }
}

const anySemVer = (values: unknown[], test: (order: number) => boolean) => {
  const operands = values.map(parseSemVer).filter((version): version is SemVer => !!version)
  if (operands.length === 0) return NEVER
  return (value: unknown) => {
    const version = parseSemVer(value)
    return !!version && operands.some((operand) => test(compareSemVer(version, operand)))
  }
}

// `in` is strict equality: JSON objects and arrays in a clause never equal a context value,
// exactly as in LaunchDarkly's JavaScript SDKs. A Set gives the same answers for primitives.
const equalsAny = (values: unknown[]): ValueMatcher => {
  const operands = new Set(values.filter((value) => value === null || typeof value !== 'object'))
  if (operands.size === 0) return NEVER
  return (value: unknown) => operands.has(value)
}

const matchesAny = (values: unknown[]): ValueMatcher => {
  const patterns: RegExp[] = []
  for (const value of values) {
    if (!isString(value)) continue
    try {
      patterns.push(new RegExp(value))
    } catch {
      // an invalid pattern never matches
    }
  }
  if (patterns.length === 0) return NEVER
  return (value: unknown) => isString(value) && patterns.some((pattern) => pattern.test(value))
}

/**
 * LaunchDarkly's clause operators. A value of the wrong type never matches, and neither does an
 * operator this table does not know: none of them throws.
 */
const OPERATORS: Record<string, (values: unknown[]) => ValueMatcher> = {
  in: equalsAny,
  startsWith: (values) => anyString(values, (value, operand) => value.startsWith(operand)),
  endsWith: (values) => anyString(values, (value, operand) => value.endsWith(operand)),
  contains: (values) => anyString(values, (value, operand) => value.includes(operand)),
  matches: matchesAny,
  lessThan: (values) => anyNumber(values, (value, operand) => value < operand),
  lessThanOrEqual: (values) => anyNumber(values, (value, operand) => value <= operand),
  greaterThan: (values) => anyNumber(values, (value, operand) => value > operand),
  greaterThanOrEqual: (values) => anyNumber(values, (value, operand) => value >= operand),
  before: (values) => anyDate(values, (value, operand) => value < operand),
  after: (values) => anyDate(values, (value, operand) => value > operand),
  semVerEqual: (values) => anySemVer(values, (order) => order === 0),
  semVerLessThan: (values) => anySemVer(values, (order) => order < 0),
  semVerGreaterThan: (values) => anySemVer(values, (order) => order > 0),
}

/** The matcher for `op` over a clause's `values`. */
export const compileOperator = (op: string, values: unknown[]): ValueMatcher =>
  Object.hasOwn(OPERATORS, op) ? OPERATORS[op](values) : NEVER
