import { beforeAll, describe, expect, it } from 'vitest'
import { createSubject } from './edgeflags'
import { generateContext, generateRuleset } from './generate'
import { createRandom, deriveSeed, times } from './random'
import { distribution, formatDisagreements } from './report'
import { agrees, runDifferential, type Run } from './run'

/**
 * Random flags, segments and contexts, evaluated by LaunchDarkly's Node server SDK (the oracle)
 * and by edgeflags; the two must agree on value, variation index and normalised reason.
 * Replay a run with `DIFF_SEED=<seed>`; make it bigger with `DIFF_RULESETS=<n>`.
 */
const SEED = Number(process.env.DIFF_SEED ?? 1729)
const SHAPE = {
  rulesets: Number(process.env.DIFF_RULESETS ?? 100),
  flags: 18,
  segments: 6,
  contexts: 30,
}

/** The share of evaluations each reason kind, and each error kind aimed at, must reach. */
const MINIMUM_SHARES: Record<string, number> = {
  OFF: 0.05,
  FALLTHROUGH: 0.05,
  TARGET_MATCH: 0.05,
  RULE_MATCH: 0.05,
  PREREQUISITE_FAILED: 0.05,
  ERROR: 0.05,
  'ERROR/MALFORMED_FLAG': 0.01,
  'ERROR/FLAG_NOT_FOUND': 0.01,
  'ERROR/USER_NOT_SPECIFIED': 0.01,
  inExperiment: 0.01,
}

describe('edgeflags against the LaunchDarkly SDK', () => {
  let run: Run

  beforeAll(async () => {
    const started = Date.now()
    run = await runDifferential(SEED, SHAPE, createSubject)
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(`differential: seed ${SEED}, ${run.outcomes.length} evaluations in ${seconds} s`)
    console.log('differential: LaunchDarkly reasons', distribution(run.outcomes))
  }, 120_000)

  it('generates the same rulesets and contexts again from the same seed', () => {
    const random = createRandom(deriveSeed(SEED, 0))
    const ruleset = generateRuleset(random, SHAPE)
    const contexts = times(SHAPE.contexts, () => generateContext(random))
    expect(ruleset).toStrictEqual(run.rulesets[0])
    const firstFlag = run.outcomes.slice(0, SHAPE.contexts)
    expect(contexts).toStrictEqual(firstFlag.map(({ context }) => context))
  })

  it('evaluates at least 5,000 flag and context pairs', () => {
    expect(run.outcomes.length).toBeGreaterThanOrEqual(5000)
  })

  it('generates only rulesets that the edgeflags schema accepts', () => {
    expect(run.rejected).toEqual([])
  })

  it('reaches every reason kind and the errors it aims at', () => {
    const counts = distribution(run.outcomes)
    for (const [name, minimum] of Object.entries(MINIMUM_SHARES)) {
      expect((counts[name] ?? 0) / run.outcomes.length, name).toBeGreaterThanOrEqual(minimum)
    }
  })

  it('gives the value, variation index and reason LaunchDarkly gives, in every case', async () => {
    const failing = run.outcomes.filter((outcome) => !agrees(outcome))
    // Only on failure: shrink one repro per kind of disagreement and print them.
    const report = failing.length > 0 ? await formatDisagreements(run, createSubject) : ''
    if (report !== '') console.error(report)
    expect(failing.length, report).toBe(0)
  }, 120_000)
})
