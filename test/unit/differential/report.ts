import { isDeepStrictEqual } from 'node:util'
import { reachable } from './reachable'
import {
  agrees,
  evaluateRepro,
  type Comparison,
  type Normalised,
  type Outcome,
  type Run,
  type SubjectFactory,
} from './run'
import { shrink, type Repro } from './shrink'

/** How many results of each reason kind (and error kind) LaunchDarkly gave. */
export const distribution = (outcomes: Outcome[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  const add = (name: string) => (counts[name] = (counts[name] ?? 0) + 1)
  for (const { expected } of outcomes) {
    add(String(expected.reason.kind))
    if (expected.reason.kind === 'ERROR') add(`ERROR/${String(expected.reason.errorKind)}`)
    if (expected.reason.inExperiment === true) add('inExperiment')
    const status = expected.reason.bigSegmentsStatus
    if (status !== undefined) add(`bigSegmentsStatus/${String(status)}`)
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)))
}

const describeResult = (result: Normalised) =>
  [result.reason.kind, result.reason.errorKind].filter((part) => part !== undefined).join('/')

/** A short label that puts disagreements of one kind together: which fields, and how. */
export const signature = ({ expected, actual }: Comparison): string => {
  if (actual === undefined) return 'edgeflags refused the ruleset'
  if ('threw' in actual) return `edgeflags threw ${actual.threw.split(':')[0]}`
  const fields = (['value', 'variationIndex', 'reason'] as const).filter(
    (field) => !isDeepStrictEqual(expected[field], actual[field]),
  )
  const sides = `LaunchDarkly ${describeResult(expected)}, edgeflags ${describeResult(actual)}`
  return `${fields.join('+')}: ${sides}`
}

/** The outcome as a self-contained repro, with only the flags and segments it can reach. */
export const reproOf = (run: Run, outcome: Outcome): Repro => ({
  ...reachable(run.rulesets[outcome.ruleset], outcome.flagKey),
  flagKey: outcome.flagKey,
  context: outcome.context,
  defaultValue: outcome.defaultValue,
})

type Group = { label: string; count: number; outcome: Outcome; repro: Repro }

/** Disagreements grouped by signature, each with its smallest repro. */
export const disagreements = (run: Run): Group[] => {
  const groups = new Map<string, Group>()
  const size = (repro: Repro) => JSON.stringify(repro).length
  for (const outcome of run.outcomes.filter((item) => !agrees(item))) {
    const label = signature(outcome)
    const repro = reproOf(run, outcome)
    const group = groups.get(label)
    if (group === undefined) groups.set(label, { label, count: 1, outcome, repro })
    else {
      group.count += 1
      if (size(repro) < size(group.repro)) Object.assign(group, { outcome, repro })
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)
}

/** Shrinks a repro while it still disagrees in the same way (same signature). */
export const minimise = async (repro: Repro, subjectFor: SubjectFactory, budget?: number) => {
  const label = signature(await evaluateRepro(repro, subjectFor))
  const stillFails = async (candidate: Repro) => {
    // A candidate the SDK cannot even read (it throws) is no repro.
    const comparison = await evaluateRepro(candidate, subjectFor).catch(() => undefined)
    return comparison !== undefined && !agrees(comparison) && signature(comparison) === label
  }
  const minimal = await shrink(repro, stillFails, budget)
  const { expected, actual } = await evaluateRepro(minimal, subjectFor)
  return { ...minimal, launchdarkly: expected, edgeflags: actual }
}

/**
 * The text printed when the two sides disagree: the seed, then for each kind of disagreement
 * its count and a repro, shrunk for the first `shrunk` kinds.
 */
export const formatDisagreements = async (
  run: Run,
  subjectFor: SubjectFactory,
  shrunk = 10,
  limit = 20,
) => {
  const groups = disagreements(run)
  const total = groups.reduce((sum, group) => sum + group.count, 0)
  const lines = [
    `${total} of ${run.outcomes.length} evaluations disagree, in ${groups.length} ways ` +
      `(seed ${run.seed}; replay with DIFF_SEED=${run.seed}).`,
  ]
  for (const [index, group] of groups.slice(0, limit).entries()) {
    const repro = index < shrunk
      ? await minimise(group.repro, subjectFor)
      : { ...group.repro, launchdarkly: group.outcome.expected, edgeflags: group.outcome.actual }
    const heading = `[${group.count}x, ruleset ${group.outcome.ruleset}] ${group.label}`
    lines.push(`\n${heading}`, JSON.stringify(repro))
  }
  if (groups.length > limit) lines.push(`\n... and ${groups.length - limit} more kinds`)
  return lines.join('\n')
}
