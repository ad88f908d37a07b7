/** `matches` patterns longer than this are refused at validation (DESIGN.md section 8). */
export const MAX_REGEX_LENGTH = 512

type Quantifier = { min: number; max: number; length: number }

/** A group still open while scanning: where its body starts and where its top-level `|`s are. */
type Group = { start: number; bars: number[]; variable: boolean }

/** What a quantifier written right here would repeat: a closed group, or a single atom. */
type Atom = { variable: boolean; alternatives: readonly string[] }

const SINGLE: Atom = { variable: false, alternatives: [] }

// `{` only quantifies in these forms; anywhere else it is a literal (no `u` flag, as the
// evaluator compiles with `new RegExp(value)`)
const BRACES = /\{(\d+)(?:(,)(\d*))?\}/y
// What may follow `(` before the body: `?:`, `?=`, `?!`, `?<=`, `?<!` or `?<name>`
const GROUP_PREFIX = /\((?:\?(?::|=|!|<=|<!|<[^>]*>))?/y

const bracesAt = (pattern: string, i: number): Quantifier | undefined => {
  BRACES.lastIndex = i
  const match = BRACES.exec(pattern)
  if (!match) return undefined
  const min = Number(match[1])
  const max = match[2] ? (match[3] ? Number(match[3]) : Infinity) : min
  return { min, max, length: match[0].length }
}

const quantifierAt = (pattern: string, i: number): Quantifier | undefined => {
  const c = pattern[i]
  const found =
    c === '*' ? { min: 0, max: Infinity, length: 1 }
    : c === '+' ? { min: 1, max: Infinity, length: 1 }
    : c === '?' ? { min: 0, max: 1, length: 1 }
    : c === '{' ? bracesAt(pattern, i)
    : undefined
  // A trailing `?` makes it lazy: that changes the order of attempts, not their number
  if (found && pattern[i + found.length] === '?') found.length += 1
  return found
}

/** The index of the `]` that closes the class opened at `i` (or the pattern's end). */
const classEnd = (pattern: string, i: number): number => {
  let j = i + 1
  while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1
  return j
}

const alternativesOf = (pattern: string, group: Group, end: number): string[] => {
  const cuts = [group.start - 1, ...group.bars, end]
  return cuts.slice(1).map((cut, k) => pattern.slice(cuts[k] + 1, cut))
}

// A character class, escape class or dot can match what another alternative matches, and
// telling whether it does is more than this check attempts
const CLASS = /\\[wdsWDS]|\.|\[/

// Cheap, textual: two alternatives overlap when one is spelled as the start of the other
// (`a|a`, `a|ab`, `\d|\d\d`, or an empty alternative), or when any of them uses a class
// (`\w|\d`, `a|[ab]`): conservative, so a few safe patterns such as `(\d|-)+` are refused too
const overlaps = (alternatives: readonly string[]): boolean =>
  alternatives.length > 1 &&
  (alternatives.some((one) => CLASS.test(one)) ||
    alternatives.some((one, k) => alternatives.some((other, m) => k !== m && other.startsWith(one))))

// A repeat (at most more than once) of something that can itself match in several ways
const explodes = (atom: Atom | undefined, quantifier: Quantifier): boolean =>
  atom !== undefined && quantifier.max > 1 && (atom.variable || overlaps(atom.alternatives))

/**
 * Whether `pattern` can backtrack catastrophically in a backtracking engine such as V8's. It
 * refuses a repeated group whose body holds a variable quantifier at any depth (`(a+)+`,
 * `(a|a?)+`, `(.*a){12}`) or whose top-level alternatives overlap (`(a|a)+`, `(a|ab)*`).
 *
 * A heuristic, with known limits. It refuses some safe patterns: `(ab?)+`, `(https?://)+` and
 * `(a|ab)*` are linear, because the next character always tells which way a repetition goes. It
 * refuses every repeated alternation that uses a class (`(\d|-)+`, safe, is refused with
 * `(\w|\d)+`, which is not). It misses patterns that are polynomial rather than exponential
 * (`\w*\w*\w*x`, `.*.*=.*`), overlapping literal alternatives that do not start alike, and
 * blow-ups through backreferences. Patterns are at most 512
 * characters, which bounds what the polynomial cases can cost.
 */
// An unbounded repeat of a class, escape class or unescaped dot (`\w*`, `.+`, `[a-z]{2,}`)
const CLASS_REPEAT = /(\\[wdsWDS]|(?<!\\)\.|\[(?:\\.|[^\]])*\])(\*|\+|\{\d+,\})/g

/**
 * Three or more unbounded repeats of classes (`\w*\w*\w*x`, `.*.*=.*`) backtrack in polynomial
 * time of a high degree: seconds on a few hundred characters. Two (`.*foo.*`) are allowed; the
 * evaluator tests at most 1,024 characters with `matches`, which bounds them.
 */
export const hasPolynomialBlowUp = (pattern: string) => (pattern.match(CLASS_REPEAT)?.length ?? 0) >= 3

export const isCatastrophicRegex = (pattern: string): boolean => {
  if (hasPolynomialBlowUp(pattern)) return true
  const groups: Group[] = [{ start: 0, bars: [], variable: false }]
  let atom: Atom | undefined
  let i = 0
  while (i < pattern.length) {
    const top = groups[groups.length - 1]
    const quantifier = quantifierAt(pattern, i)
    const c = pattern[i]
    if (quantifier) {
      if (explodes(atom, quantifier)) return true
      if (quantifier.min !== quantifier.max) top.variable = true
      atom = undefined
      i += quantifier.length
    } else if (c === '(') {
      GROUP_PREFIX.lastIndex = i
      i += GROUP_PREFIX.exec(pattern)![0].length
      groups.push({ start: i, bars: [], variable: false })
      atom = undefined
    } else if (c === ')' && groups.length > 1) {
      groups.pop()
      atom = { variable: top.variable, alternatives: alternativesOf(pattern, top, i) }
      groups[groups.length - 1].variable ||= top.variable
      i += 1
    } else {
      if (c === '|') top.bars.push(i)
      atom = c === '|' ? undefined : SINGLE
      i = c === '[' ? classEnd(pattern, i) + 1 : i + (c === '\\' ? 2 : 1)
    }
  }
  return false
}

/** What is wrong with `pattern` as a `matches` value, in words for an admin; else undefined. */
export const regexProblem = (pattern: string): string | undefined => {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return `regex is ${pattern.length} characters long: at most ${MAX_REGEX_LENGTH} are allowed`
  }
  try {
    new RegExp(pattern)
  } catch (error) {
    const reason = (error as Error).message
    return `regex does not compile (${reason}): write a JavaScript regular expression`
  }
  if (isCatastrophicRegex(pattern)) {
    return (
      'regex could backtrack catastrophically: a repeated group may not contain another ' +
      'quantifier, as in (a+)+, nor alternatives where one starts like another, as in (a|ab)*'
    )
  }
  return undefined
}
