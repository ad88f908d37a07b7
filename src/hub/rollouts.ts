import { canonicalJson } from '../model/canonical-json'
import { isJsonObject, type JsonValue } from '../model/json'

/**
 * Progressive rollouts: a flag's fallthrough moved step by step from one variation to another.
 * The new variation comes first in the rollout, so it holds the lowest buckets and its share
 * only grows: a context that got it keeps it (LaunchDarkly buckets a context at one fixed point).
 */

export type RolloutStep = { percent: number; /** Seconds after the previous step (or the start). */ after: number }

export type RolloutState = 'running' | 'paused' | 'completed' | 'cancelled'

export type Rollout = {
  id: string
  flag: string
  /** The variation rolled out, and the one the rest of the contexts keep. */
  variation: number
  baseline: number
  steps: RolloutStep[]
  /** Index of the next step to apply. */
  next: number
  /** When the next step is due (ms since the epoch); undefined unless running. */
  nextAt: number | undefined
  state: RolloutState
  /** Why it paused, or what stopped it. */
  reason?: string
  /** The fallthrough (canonical JSON) the flag had after the last step: anything else is someone's change. */
  expected: string
  applied: { percent: number; version: number; at: string }[]
  actor: string
  createdAt: string
}

/** LaunchDarkly's weights are thousandths of a percent. */
export const weightOf = (percent: number) => Math.round(percent * 1000)

/** The fallthrough that serves `variation` to `percent` of contexts and `baseline` to the rest. */
export const fallthroughAt = (variation: number, baseline: number, percent: number): JsonValue =>
  weightOf(percent) >= 100_000
    ? { variation }
    : {
        rollout: {
          variations: [
            { variation, weight: weightOf(percent) },
            { variation: baseline, weight: 100_000 - weightOf(percent) },
          ],
        },
      }

export const fallthroughOf = (flag: JsonValue | undefined) => canonicalJson((isJsonObject(flag) && flag.fallthrough) || {})

/** Why a rollout request cannot start on `flag`, or undefined. */
export const rolloutProblem = (
  flag: JsonValue | undefined,
  { variation, baseline, steps }: { variation: number; baseline?: number; steps: RolloutStep[] },
): string | undefined => {
  if (!isJsonObject(flag)) return 'no flag has this key'
  const count = Array.isArray(flag.variations) ? flag.variations.length : 0
  if (variation >= count) return `variation ${variation} does not exist (the flag has ${count})`
  if (baseline !== undefined && baseline >= count) return `baseline ${baseline} does not exist (the flag has ${count})`
  if (baseline !== undefined && baseline === variation) return 'the baseline must be another variation'
  const fallthrough = isJsonObject(flag.fallthrough) ? flag.fallthrough : {}
  if (baseline === undefined && typeof fallthrough.variation !== 'number') {
    return 'the flag does not serve one variation by default: name the baseline'
  }
  if (baseline === undefined && fallthrough.variation === variation) return 'the flag serves this variation already'
  for (const [index, step] of steps.entries()) {
    if (index > 0 && step.percent <= steps[index - 1].percent) return 'step percentages must rise'
  }
  return undefined
}

/** The baseline a rollout keeps: the one named, else what the flag serves by default now. */
export const baselineOf = (flag: JsonValue, baseline: number | undefined) =>
  baseline ?? ((flag as { fallthrough: { variation: number } }).fallthrough.variation)

/** The flag with its fallthrough at the rollout's `percent`. */
export const flagAtStep = (flag: JsonValue, rollout: Rollout, percent: number): JsonValue => ({
  ...(flag as Record<string, JsonValue>),
  fallthrough: fallthroughAt(rollout.variation, rollout.baseline, percent),
})
