import { addCount, DEFAULT_VARIATION, variationKey, type Counts, type EvaluationBatch } from './counts'

/**
 * Evaluations a Hub serves itself (WebSocket puts and patches, LaunchDarkly `/eval` streams),
 * counted in memory until the Hub stores them (HubInsights, at most a few seconds later).
 */
export class HubTally {
  /** The clock; tests replace it. */
  now: () => number = Date.now
  /** Called on the first count after a `take`, so the Hub can schedule its write. */
  onPending: (() => void) | undefined
  #counts: Counts = new Map()
  #lastAt = 0

  #counted(wasEmpty: boolean) {
    if (this.#counts.size === 0) return
    this.#lastAt = this.now()
    if (wasEmpty) this.onPending?.()
  }

  /** Counts OFREP-shaped states (a put's or patch's flags): `variant` is the index, errors serve none. */
  countStates(states: Record<string, { variant: string } | { errorCode: string }>) {
    const wasEmpty = this.#counts.size === 0
    for (const [key, state] of Object.entries(states)) addCount(this.#counts, key, 'variant' in state ? state.variant : DEFAULT_VARIATION, 1)
    this.#counted(wasEmpty)
  }

  /** Counts LaunchDarkly evalx states (an `/eval` stream's put, or its patches). */
  countEvalx(flags: Iterable<[string, { variation: number | null }]>) {
    const wasEmpty = this.#counts.size === 0
    for (const [key, state] of flags) addCount(this.#counts, key, variationKey(state.variation), 1)
    this.#counted(wasEmpty)
  }

  /** What was counted since the last `take`, or undefined when nothing was. */
  take(): EvaluationBatch | undefined {
    if (this.#counts.size === 0) return undefined
    const batch = { at: this.#lastAt, counts: this.#counts }
    this.#counts = new Map()
    return batch
  }
}

const tallies = new WeakMap<object, HubTally>()

/**
 * The tally of the Durable Object whose state is `ctx`: the Hub's socket host and SDK streams
 * count into it and the Hub's insights store drains it, without either holding the other.
 */
export const hubTallyOf = (ctx: object): HubTally => {
  let tally = tallies.get(ctx)
  if (tally === undefined) tallies.set(ctx, (tally = new HubTally()))
  return tally
}
