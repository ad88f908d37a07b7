/**
 * Semantic versions the way LaunchDarkly compares them: strict SemVer 2.0 (as the `semver`
 * package's `parse` reads it), except that a missing minor or patch counts as `.0` ("2" and "2.0"
 * are 2.0.0) and a leading `v` is refused (LaunchDarkly's SDK spec, semVer operators).
 */
export type SemVer = {
  readonly major: number
  readonly minor: number
  readonly patch: number
  /** Numeric identifiers are numbers, so they sort numerically and before alphanumeric ones. */
  readonly prerelease: readonly (number | string)[]
}

const NUMBER = '0|[1-9]\\d*'
const PRERELEASE_ID = `(?:${NUMBER}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`
const FULL = new RegExp(
  `^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})` +
    `(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?` +
    `(?:\\+[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*)?$`,
)
const LEADING_COMPONENTS = /^\d+(\.\d+)?(\.\d+)?/
const DIGITS = /^[0-9]+$/
const MAX_LENGTH = 256

const parseStrict = (text: string): SemVer | undefined => {
  if (text.length > MAX_LENGTH) return undefined
  const match = FULL.exec(text.trim())
  if (match === null) return undefined
  const [major, minor, patch] = [+match[1], +match[2], +match[3]]
  if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER) return undefined
  if (patch > Number.MAX_SAFE_INTEGER) return undefined
  const prerelease = match[4] === undefined ? [] : match[4].split('.').map(identifier)
  return { major, minor, patch, prerelease }
}

const identifier = (id: string): number | string => {
  if (!DIGITS.test(id)) return id
  const value = +id
  return value < Number.MAX_SAFE_INTEGER ? value : id
}

/** Parses a version, or answers undefined when `value` is not one. */
export const parseSemVer = (value: unknown): SemVer | undefined => {
  if (typeof value !== 'string' || value.startsWith('v')) return undefined
  const strict = parseStrict(value)
  if (strict !== undefined) return strict
  const leading = LEADING_COMPONENTS.exec(value)
  if (leading === null) return undefined
  const padding = (leading[1] === undefined ? '.0' : '') + (leading[2] === undefined ? '.0' : '')
  return parseStrict(leading[0] + padding + value.slice(leading[0].length))
}

/** A version without pre-release identifiers, for `readPlainSemVer` to fill in. */
export type PlainSemVer = { major: number; minor: number; patch: number; readonly prerelease: readonly [] }

/**
 * Reads the usual form, `major.minor.patch` in plain digits (no leading zero, at most 15 digits
 * each), into `version` without a regex or a memo, and answers whether `text` had that form.
 * parseSemVer reads every text accepted here as the same version; any other text (a pre-release,
 * a missing patch, spaces, a leading `v`) is left to it.
 */
export const readPlainSemVer = (text: string, version: PlainSemVer): boolean => {
  let major = 0
  let minor = 0
  let part = 0
  let value = 0
  let digits = 0
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    if (code === 0x2e) {
      if (digits === 0 || part === 2) return false
      if (part === 0) major = value
      else minor = value
      part += 1
      value = 0
      digits = 0
      continue
    }
    const digit = code - 0x30
    // "0" is a number, "01" is not
    if (digit < 0 || digit > 9 || digits === 15 || (digits === 1 && value === 0)) return false
    value = value * 10 + digit
    digits += 1
  }
  if (part < 2 || digits === 0) return false
  version.major = major
  version.minor = minor
  version.patch = value
  return true
}

const compareNumbers = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1)

// Pre-release identifiers are numbers when numeric (see `identifier`), except digit strings too
// long for a safe integer, which semver still compares as numbers; those are rare.
const compareIdentifiers = (a: number | string, b: number | string): number => {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b)
  const aNumeric = typeof a === 'number' || DIGITS.test(a)
  const bNumeric = typeof b === 'number' || DIGITS.test(b)
  if (aNumeric && bNumeric) return compareNumbers(+a, +b)
  if (aNumeric) return -1
  if (bNumeric) return 1
  return a === b ? 0 : a < b ? -1 : 1
}

/** Orders two versions by SemVer 2.0 precedence: build metadata never counts. */
export const compareSemVer = (a: SemVer, b: SemVer): number => {
  const main =
    compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch)
  if (main !== 0) return main
  const [x, y] = [a.prerelease, b.prerelease]
  // a release sorts after any of its pre-releases
  if (x.length === 0 || y.length === 0) return y.length - x.length === 0 ? 0 : x.length === 0 ? 1 : -1
  for (let i = 0; ; i += 1) {
    if (i === x.length && i === y.length) return 0
    if (i === y.length) return 1
    if (i === x.length) return -1
    if (x[i] !== y[i]) return compareIdentifiers(x[i], y[i])
  }
}
