import type { Json, Ruleset } from './generate'

const isString = (value: unknown): value is string => typeof value === 'string'

const list = (value: unknown): Json[] => (Array.isArray(value) ? value : [])

const segmentKeysIn = (rules: unknown): string[] =>
  list(rules).flatMap((rule) =>
    list(rule.clauses)
      .filter((clause) => clause.op === 'segmentMatch')
      .flatMap((clause) => (clause.values as unknown[]).filter(isString)),
  )

/**
 * The part of `ruleset` that evaluating `flagKey` can touch: the flag, its prerequisites (and
 * theirs), and every segment named by their rules or by those segments' rules. Evaluation gives
 * the same result on the smaller ruleset, so failures are printed with this one.
 */
export const reachable = (ruleset: Ruleset, flagKey: string): Ruleset => {
  const flags: Ruleset['flags'] = {}
  const segments: Ruleset['segments'] = {}
  const flagQueue = [flagKey]
  const segmentQueue: string[] = []
  while (flagQueue.length > 0) {
    const flag = ruleset.flags[flagQueue.pop() as string]
    if (flag === undefined || flags[flag.key as string] !== undefined) continue
    flags[flag.key as string] = flag
    flagQueue.push(...list(flag.prerequisites).map((prerequisite) => prerequisite.key as string))
    segmentQueue.push(...segmentKeysIn(flag.rules))
  }
  while (segmentQueue.length > 0) {
    const segment = ruleset.segments[segmentQueue.pop() as string]
    if (segment === undefined || segments[segment.key as string] !== undefined) continue
    segments[segment.key as string] = segment
    segmentQueue.push(...segmentKeysIn(segment.rules))
  }
  return { flags, segments }
}
