import { isDeepStrictEqual } from 'node:util'
import {
  generateContext, generateRuleset, MISSING_FLAG, type Ruleset, type RulesetShape,
} from './generate'
import { createOracle, type Detail, type Oracle } from './launchdarkly'
import { normaliseDetail } from '../../support/ld-reason'
import { DEFAULT_VALUES } from './pools'
import { createRandom, deriveSeed, pick, times } from './random'
import type { Repro } from './shrink'

/** How much one run generates: `rulesets × (flags + 1 missing) × contexts` evaluations. */
export type RunShape = RulesetShape & { rulesets: number; contexts: number }

export type Normalised = ReturnType<typeof normaliseDetail>

type Evaluate = (flagKey: string, context: unknown, defaultValue: unknown) => Detail

/** Anything that evaluates like LaunchDarkly; `ok: false` when it refuses the ruleset. */
export type SubjectFactory = (ruleset: Ruleset) =>
  | { ok: true; evaluate: Evaluate }
  | { ok: false; errors: { path: string; message: string }[] }

type Subject = ReturnType<SubjectFactory>

/** LaunchDarkly's answer, and the subject's (missing when it refused the ruleset). */
export type Comparison = { expected: Normalised; actual?: Normalised | { threw: string } }

export type Case = { ruleset: number; flagKey: string; context: unknown; defaultValue: unknown }

export type Outcome = Case & Comparison

export type Run = {
  seed: number
  rulesets: Ruleset[]
  outcomes: Outcome[]
  rejected: { ruleset: number; errors: { path: string; message: string }[] }[]
}

const evaluateSafely = (evaluate: () => Detail): Normalised | { threw: string } => {
  try {
    return normaliseDetail(evaluate())
  } catch (error) {
    return { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
  }
}

/** One evaluation on both sides; each gets its own copy of the context. */
const compare = async (
  oracle: Oracle,
  subject: Subject | undefined,
  { flagKey, context, defaultValue }: Omit<Case, 'ruleset'>,
): Promise<Comparison> => {
  const detail = await oracle.evaluate(flagKey, structuredClone(context), defaultValue)
  if (!subject?.ok) return { expected: normaliseDetail(detail) }
  const actual = evaluateSafely(() => subject.evaluate(flagKey, context, defaultValue))
  return { expected: normaliseDetail(detail), actual }
}

const runRuleset = async (
  run: Run,
  index: number,
  shape: RunShape,
  subjectFor?: SubjectFactory,
) => {
  const random = createRandom(deriveSeed(run.seed, index))
  const ruleset = generateRuleset(random, shape)
  const contexts = times(shape.contexts, () => generateContext(random))
  run.rulesets.push(ruleset)
  const subject = subjectFor?.(ruleset)
  if (subject?.ok === false) run.rejected.push({ ruleset: index, errors: subject.errors })
  const oracle = await createOracle(ruleset)
  try {
    for (const flagKey of [...Object.keys(ruleset.flags), MISSING_FLAG]) {
      for (const context of contexts) {
        const defaultValue = pick(random, DEFAULT_VALUES)
        const item = { ruleset: index, flagKey, context, defaultValue }
        run.outcomes.push({ ...item, ...(await compare(oracle, subject, item)) })
      }
    }
  } finally {
    oracle.close()
  }
}

/**
 * Generates `shape.rulesets` rulesets from `seed` and evaluates every flag of each (and one
 * missing flag) for a batch of contexts, with LaunchDarkly's SDK and, when given, the subject.
 */
export const runDifferential = async (
  seed: number,
  shape: RunShape,
  subjectFor?: SubjectFactory,
): Promise<Run> => {
  const run: Run = { seed, rulesets: [], outcomes: [], rejected: [] }
  for (let index = 0; index < shape.rulesets; index += 1) {
    await runRuleset(run, index, shape, subjectFor)
  }
  return run
}

export const agrees = (comparison: Comparison): boolean =>
  isDeepStrictEqual(comparison.expected, comparison.actual)

/** Evaluates one repro on both sides, each with a fresh copy of its data. */
export const evaluateRepro = async (
  repro: Repro,
  subjectFor: SubjectFactory,
): Promise<Comparison> => {
  const ruleset = { flags: repro.flags, segments: repro.segments }
  const subject = subjectFor(ruleset)
  const oracle = await createOracle(ruleset)
  try {
    return await compare(oracle, subject, repro)
  } finally {
    oracle.close()
  }
}
