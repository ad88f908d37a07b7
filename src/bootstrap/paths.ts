/**
 * `BOOTSTRAP_PATHS`: comma-separated path patterns, where `*` stands for any characters but `/`
 * and `**` for any characters at all (`/`, `/shop/*`, `/docs/**`). Unset or empty matches nothing.
 */
export type PathMatcher = (pathname: string) => boolean

const NOTHING: PathMatcher = () => false

const patternSource = (pattern: string) =>
  pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('')

/** A matcher for a `BOOTSTRAP_PATHS` value. */
export const compilePaths = (paths: string | undefined): PathMatcher => {
  const patterns = (paths ?? '').split(',').map((pattern) => pattern.trim()).filter(Boolean)
  if (patterns.length === 0) return NOTHING
  const regex = new RegExp(`^(?:${patterns.map(patternSource).join('|')})$`)
  return (pathname) => regex.test(pathname)
}

// vars do not change within an isolate, so the last one compiled is all there is to keep
let last: { paths: string | undefined; matcher: PathMatcher } = { paths: undefined, matcher: NOTHING }

/** `compilePaths`, compiled once per value. */
export const bootstrapPaths = (paths: string | undefined): PathMatcher => {
  if (last.paths !== paths) last = { paths, matcher: compilePaths(paths) }
  return last.matcher
}
