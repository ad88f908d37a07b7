import type { BenchContext, LdFlag } from '../fixtures'

/**
 * What the sanity checks compare: the served value and the index it came from,
 * plus LaunchDarkly's reason kind where the peer reports one.
 */
export type Outcome = { value: unknown; variationIndex: number | null; reasonKind?: string }

/** One peer, loaded with a flag set and bound to the fixture contexts. */
export type Session = {
  /** One flag for one context, as the peer returns it (a promise for async peers). */
  one(flagKey: string, contextIndex: number): unknown
  /** Every flag for one context. */
  all(contextIndex: number): unknown
  outcome(flagKey: string, contextIndex: number): Promise<Outcome>
  close(): void | Promise<void>
}

export type Peer = {
  name: string
  /** True when `one` and `all` return promises, so the timer must await them. */
  async: boolean
  /**
   * Translates flags and contexts into the peer's own formats (untimed) and
   * returns the load itself, which the "load" rows time.
   */
  prepare(flags: LdFlag[], contexts: BenchContext[]): () => Session | Promise<Session>
}
