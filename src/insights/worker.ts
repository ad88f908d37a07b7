import type { Env } from '../env'
import type { LoadedRuleset } from '../store/rulesets'
import { EvaluationAccumulator, type Outlet } from './accumulator'
import type { EvaluationBatch } from './counts'
import type { RulesetTally } from './tally'

/** This isolate's evaluation counts, for every environment it serves. */
export const isolateInsights = new EvaluationAccumulator()

/** Batches go to the environment's Hub over RPC, after the answer (`waitUntil`). */
class HubOutlet implements Outlet {
  constructor(
    private readonly env: Env,
    private readonly ctx: ExecutionContext,
  ) {}

  send(environment: string, batches: EvaluationBatch[]) {
    return this.env.HUB.getByName(environment).recordEvaluations(environment, batches)
  }

  waitUntil(work: Promise<unknown>) {
    this.ctx.waitUntil(work)
  }

  sleep(ms: number) {
    return new Promise<void>((resolve) => setTimeout(resolve, ms))
  }
}

/** Whether the Worker counts evaluations: on unless `INSIGHTS` is `off` (how bench:http measures the cost). */
export const insightsOn = (env: Env) => env.INSIGHTS !== 'off'

/** Where this request counts evaluations of `ruleset`; undefined when counting is off. */
export const tallyFor = (env: Env, ctx: ExecutionContext, ruleset: LoadedRuleset): RulesetTally | undefined =>
  insightsOn(env) ? isolateInsights.tallyFor(ruleset, new HubOutlet(env, ctx)) : undefined

/** Counts an SDK reported in its `summary` events (flag → variation key → count). */
export const countReported = (env: Env, ctx: ExecutionContext, environment: string, evaluations: Record<string, Record<string, number>>) => {
  if (!insightsOn(env)) return
  const counts = Object.entries(evaluations).map(([flag, byVariation]) => [flag, Object.entries(byVariation)] as [string, [string, number][]])
  isolateInsights.countReported(environment, counts, new HubOutlet(env, ctx))
}

/** Sends every count this isolate holds now (tests; nothing in the request path calls it). */
export const flushInsights = (env: Env, ctx: ExecutionContext) => isolateInsights.flushAll(new HubOutlet(env, ctx))
