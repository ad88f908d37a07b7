import type { core } from './zod'

/** One problem with an input, located by a JSON path such as `flags.my-flag.rules[0].clauses`. */
export type ValidationIssue = { path: string; message: string }

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** Renders a zod path the way a reader would type it into `jq`. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`
    const name = String(part)
    if (IDENTIFIER.test(name)) return out ? `${out}.${name}` : name
    return `${out}[${JSON.stringify(name)}]`
  }, '')

export const toIssues = (error: { issues: readonly core.$ZodIssue[] }): ValidationIssue[] =>
  error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }))
