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

// The same context values (an app version, a signup date) come back evaluation after evaluation,
// so their parsed forms are memoised; the memo is dropped whole when it fills.
const memo = <T>(parse: (text: string) => T) => {
  const cache = new Map<string, T>()
  return (text: string): T => {
    let parsed = cache.get(text)
    if (parsed === undefined && !cache.has(text)) {
      parsed = parse(text)
      if (cache.size >= 4096) cache.clear()
      cache.set(text, parsed)
    }
    return parsed as T
  }
}

const dateOfText = memo((text: string) => (RFC3339.test(text) ? Date.parse(text) : undefined))
const semVerOfText = memo((text: string) => parseSemVer(text))

const contextDate = (value: unknown) => (typeof value === 'string' ? dateOfText(value) : toDate(value))
const contextSemVer = (value: unknown) => (typeof value === 'string' ? semVerOfText(value) : undefined)

// Plain loops below: a closure per call (as `.some(...)` would need) costs more than the test
const anyOf = <T, V>(
  operands: readonly T[],
  read: (value: unknown) => V | undefined,
  test: (value: V, operand: T) => boolean,
): ValueMatcher => {
  if (operands.length === 0) return NEVER
  return (value: unknown) => {
    const converted = read(value)
    if (converted === undefined) return false
    for (let i = 0; i < operands.length; i += 1) if (test(converted, operands[i])) return true
    return false
  }
}

const asString = (value: unknown) => (typeof value === 'string' ? value : undefined)
const asNumber = (value: unknown) => (typeof value === 'number' ? value : undefined)

const anyString = (values: unknown[], test: (value: string, operand: string) => boolean) =>
  anyOf(values.filter(isString), asString, test)

const anyNumber = (values: unknown[], test: (value: number, operand: number) => boolean) =>
  anyOf(values.filter(isNumber), asNumber, test)

const anyDate = (values: unknown[], test: (value: number, operand: number) => boolean) =>
  anyOf(
    values.map(toDate).filter((date): date is number => date !== undefined),
    contextDate,
    test,
  )

const anySemVer = (values: unknown[], test: (order: number) => boolean) =>
  anyOf(
    values.map(parseSemVer).filter((version): version is SemVer => !!version),
    contextSemVer,
    (version: SemVer, operand: SemVer) => test(compareSemVer(version, operand)),
  )

// `in` is strict equality: JSON objects and arrays in a clause never equal a context value,
// exactly as in LaunchDarkly's JavaScript SDKs. A Set gives the same answers for primitives.
const equalsAny = (values: unknown[]): ValueMatcher => {
  const operands = new Set(values.filter((value) => value === null || typeof value !== 'object'))
  if (operands.size === 0) return NEVER
  return (value: unknown) => operands.has(value)
}

// Backtracking regexes cost time polynomial (or worse) in the input; a context attribute may be
// tens of kilobytes. Longer values never match, a deliberate limit (README, "Evaluator").
export const MAX_MATCHES_INPUT = 1024

const asMatchable = (value: unknown) =>
  typeof value === 'string' && value.length <= MAX_MATCHES_INPUT ? value : undefined

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
  return anyOf(patterns, asMatchable, (value: string, pattern: RegExp) => pattern.test(value))
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
