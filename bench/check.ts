import type { Case } from './fixtures'
import type { Outcome, Session } from './peers/peer'

/**
 * Agreement checks run before timing. edgeflags must match LaunchDarkly on
 * every case. Other peers hash rollouts differently, so they are compared only
 * where LaunchDarkly decided by target or rule; that checks the translations.
 */

export type Mismatch = {
  flagKey: string
  contextIndex: number
  expected: Outcome
  actual: Outcome
}
export type Agreement = { agreed: number; total: number; mismatches: Mismatch[] }

const same = (a: Outcome, b: Outcome) =>
  a.value === b.value && a.variationIndex === b.variationIndex

export async function agreement(
  baseline: Session,
  peer: Session,
  cases: Case[],
  only: (expected: Outcome) => boolean = () => true,
): Promise<Agreement> {
  const result: Agreement = { agreed: 0, total: 0, mismatches: [] }
  for (const { flagKey, contextIndex } of cases) {
    const expected = await baseline.outcome(flagKey, contextIndex)
    if (!only(expected)) continue
    const actual = await peer.outcome(flagKey, contextIndex)
    result.total++
    if (same(expected, actual)) result.agreed++
    else result.mismatches.push({ flagKey, contextIndex, expected, actual })
  }
  return result
}

export const decidedByTargetOrRule = (o: Outcome) =>
  o.reasonKind === 'TARGET_MATCH' || o.reasonKind === 'RULE_MATCH'

/** Counts LaunchDarkly's reason kinds over the cases, to show what the checks covered. */
export async function reasonKinds(session: Session, cases: Case[]) {
  const counts: Record<string, number> = {}
  for (const { flagKey, contextIndex } of cases) {
    const kind = (await session.outcome(flagKey, contextIndex)).reasonKind ?? 'unknown'
    counts[kind] = (counts[kind] ?? 0) + 1
  }
  return counts
}
