import { compareSemVer, parseSemVer, readPlainSemVer, type PlainSemVer, type SemVer } from './semver'

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
// so their parsed forms are memoised; the memo is dropped whole when it fills. The last value is
// checked first: evaluating all flags for one context reads the same string again and again.
const memo = <T>(parse: (text: string) => T) => {
  const cache = new Map<string, T>()
  let lastText: string | undefined
  let lastParsed: T
  return (text: string): T => {
    if (text === lastText) return lastParsed
    let parsed = cache.get(text)
    if (parsed === undefined && !cache.has(text)) {
      parsed = parse(text)
      if (cache.size >= 4096) cache.clear()
      cache.set(text, parsed)
    }
    lastText = text
    lastParsed = parsed as T
    return lastParsed
  }
}

const dateOfText = memo((text: string) => (RFC3339.test(text) ? Date.parse(text) : undefined))
const semVerOfText = memo((text: string) => parseSemVer(text))

const contextDate = (value: unknown) => (typeof value === 'string' ? dateOfText(value) : toDate(value))
// The version last read from a context, kept by its text: evaluating all flags for one context
// compares the same version again and again. The usual form is read straight into `plain`,
// which only this function writes; any other goes through parseSemVer's memo.
const plain: PlainSemVer = { major: 0, minor: 0, patch: 0, prerelease: [] }
let lastVersionText: string | undefined
let lastVersion: SemVer | undefined

const contextSemVer = (value: unknown): SemVer | undefined => {
  if (typeof value !== 'string') return undefined
  if (value !== lastVersionText) {
    lastVersion = readPlainSemVer(value, plain) ? plain : semVerOfText(value)
    lastVersionText = value
  }
  return lastVersion
}

// The clause values each operator can use, converted once; values of another type never match
const strings = (values: unknown[]) => values.filter(isString)
const numbers = (values: unknown[]) => values.filter(isNumber)
const dates = (values: unknown[]) => values.map(toDate).filter((date): date is number => date !== undefined)
const versions = (values: unknown[]) =>
  values.map(parseSemVer).filter((version): version is SemVer => version !== undefined)

// Matches when any operand's matcher does. A clause nearly always has one operand, whose matcher
// is then the clause's: each operator below writes its own, with the operand captured directly,
// so V8 compiles every operator's test on its own and the call goes straight to it. One shared
// loop calling a test per operand cost half as much again per clause (measured).
const anyOf = <T>(operands: T[], matcher: (operand: T) => ValueMatcher): ValueMatcher => {
  if (operands.length === 0) return NEVER
  if (operands.length === 1) return matcher(operands[0])
  const matchers = operands.map(matcher)
  return (value) => {
    for (let i = 0; i < matchers.length; i += 1) if (matchers[i](value)) return true
    return false
  }
}

const startsWith = (operand: string): ValueMatcher => (value) =>
  typeof value === 'string' && value.startsWith(operand)
const endsWith = (operand: string): ValueMatcher => (value) => typeof value === 'string' && value.endsWith(operand)
const contains = (operand: string): ValueMatcher => (value) => typeof value === 'string' && value.includes(operand)
const lessThan = (operand: number): ValueMatcher => (value) => typeof value === 'number' && value < operand
const lessThanOrEqual = (operand: number): ValueMatcher => (value) => typeof value === 'number' && value <= operand
const greaterThan = (operand: number): ValueMatcher => (value) => typeof value === 'number' && value > operand
const greaterThanOrEqual = (operand: number): ValueMatcher => (value) =>
  typeof value === 'number' && value >= operand

const before = (operand: number): ValueMatcher => (value) => {
  const date = contextDate(value)
  return date !== undefined && date < operand
}
const after = (operand: number): ValueMatcher => (value) => {
  const date = contextDate(value)
  return date !== undefined && date > operand
}

// How the context's version orders against `operand`; NaN, which no test below takes, when the
// value is not a version
const semVerOrder = (value: unknown, operand: SemVer) => {
  const version = contextSemVer(value)
  return version === undefined ? NaN : compareSemVer(version, operand)
}
const semVerEqual = (operand: SemVer): ValueMatcher => (value) => semVerOrder(value, operand) === 0
const semVerLessThan = (operand: SemVer): ValueMatcher => (value) => semVerOrder(value, operand) < 0
const semVerGreaterThan = (operand: SemVer): ValueMatcher => (value) => semVerOrder(value, operand) > 0

// `in` is strict equality: JSON objects and arrays in a clause never equal a context value,
// exactly as in LaunchDarkly's JavaScript SDKs. `includes` and a Set give the same answers for
// primitives; up to 8 operands, scanning them costs less than hashing the value (measured).
const SCAN_LIMIT = 8

const equalsAny = (values: unknown[]): ValueMatcher => {
  const operands = [...new Set(values.filter((value) => value === null || typeof value !== 'object'))]
  if (operands.length === 0) return NEVER
  if (operands.length <= SCAN_LIMIT) return (value: unknown) => operands.includes(value)
  const set = new Set(operands)
  return (value: unknown) => set.has(value)
}

// Backtracking regexes cost time polynomial (or worse) in the input; a context attribute may be
// tens of kilobytes. Longer values never match, a deliberate limit (README, "Evaluator").
export const MAX_MATCHES_INPUT = 1024

const matches = (pattern: RegExp): ValueMatcher => (value) =>
  typeof value === 'string' && value.length <= MAX_MATCHES_INPUT && pattern.test(value)

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
  return anyOf(patterns, matches)
}

/**
 * LaunchDarkly's clause operators. A value of the wrong type never matches, and neither does an
 * operator this table does not know: none of them throws.
 */
const OPERATORS: Record<string, (values: unknown[]) => ValueMatcher> = {
  in: equalsAny,
  startsWith: (values) => anyOf(strings(values), startsWith),
  endsWith: (values) => anyOf(strings(values), endsWith),
  contains: (values) => anyOf(strings(values), contains),
  matches: matchesAny,
  lessThan: (values) => anyOf(numbers(values), lessThan),
  lessThanOrEqual: (values) => anyOf(numbers(values), lessThanOrEqual),
  greaterThan: (values) => anyOf(numbers(values), greaterThan),
  greaterThanOrEqual: (values) => anyOf(numbers(values), greaterThanOrEqual),
  before: (values) => anyOf(dates(values), before),
  after: (values) => anyOf(dates(values), after),
  semVerEqual: (values) => anyOf(versions(values), semVerEqual),
  semVerLessThan: (values) => anyOf(versions(values), semVerLessThan),
  semVerGreaterThan: (values) => anyOf(versions(values), semVerGreaterThan),
}

/** The matcher for `op` over a clause's `values`. */
export const compileOperator = (op: string, values: unknown[]): ValueMatcher =>
  Object.hasOwn(OPERATORS, op) ? OPERATORS[op](values) : NEVER
