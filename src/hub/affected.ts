import type { CompiledClause, CompiledFlag, CompiledRuleset } from '../evaluation/compiled'

// Segment keys a flag's rules reach, through segments that name other segments
const segmentsOf = (flag: CompiledFlag): Set<string> => {
  const found = new Set<string>()
  const pending: CompiledClause[] = flag.rules.flatMap((rule) => [...(rule.clauses ?? [])])
  while (pending.length > 0) {
    const clause = pending.pop()!
    if (clause.type !== 'segment') continue
    for (const segment of clause.segments) {
      if (found.has(segment.key)) continue
      found.add(segment.key)
      for (const rule of segment.rules) pending.push(...(rule.clauses ?? []))
    }
  }
  return found
}

/**
 * The flags whose values a change can alter: the changed flags, flags using a changed segment
 * (directly or through nested segments), and flags that require any of those as prerequisites,
 * transitively. Both rulesets are searched, so a dependency just removed still counts.
 */
export const affectedFlags = (
  rulesets: readonly (CompiledRuleset | undefined)[],
  changedFlags: readonly string[],
  changedSegments: readonly string[],
): Set<string> => {
  const affected = new Set(changedFlags)
  const segments = new Set(changedSegments)
  const dependents = new Map<string, Set<string>>()
  for (const ruleset of rulesets) {
    for (const flag of ruleset?.flags.values() ?? []) {
      if (segments.size > 0 && [...segmentsOf(flag)].some((key) => segments.has(key))) affected.add(flag.key)
      for (const { key } of flag.prerequisites) {
        if (!dependents.has(key)) dependents.set(key, new Set())
        dependents.get(key)!.add(flag.key)
      }
    }
  }
  const pending = [...affected]
  while (pending.length > 0) {
    for (const dependent of dependents.get(pending.pop()!) ?? []) {
      if (!affected.has(dependent)) {
        affected.add(dependent)
        pending.push(dependent)
      }
    }
  }
  return affected
}
