import type { LDEvaluationDetail } from '@launchdarkly/node-server-sdk'
import { SERVER_KEY } from './ld-worker'

/**
 * OFREP's bulk answer for a context, and how one of its flags compares with the server SDK's
 * evaluation of the same flag: value, variation index (OFREP's `variant`) and LaunchDarkly's
 * reason (OFREP's `metadata`).
 */

export type OfrepFlag = {
  key: string
  value?: unknown
  variant?: string
  errorCode?: string
  metadata?: { ldReason?: string; ruleIndex?: number; ruleId?: string; inExperiment?: boolean; prerequisiteKey?: string }
}

/** `POST /ofrep/v1/evaluate/flags` for `context`, by flag key. */
export const ofrepBulk = async (origin: URL, context: Record<string, unknown>): Promise<Map<string, OfrepFlag>> => {
  const res = await fetch(new URL('/ofrep/v1/evaluate/flags', origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SERVER_KEY}` },
    body: JSON.stringify({ context }),
  })
  if (!res.ok) throw new Error(`OFREP bulk: HTTP ${res.status} ${await res.text()}`)
  const { flags } = (await res.json()) as { flags: OfrepFlag[] }
  return new Map(flags.map((flag) => [flag.key, flag]))
}

type Comparable = { value: unknown; index: number | null; reason: Record<string, unknown> }

const fromSdk = ({ value, variationIndex, reason }: LDEvaluationDetail): Comparable => ({
  value,
  index: variationIndex ?? null,
  reason: {
    kind: reason.kind,
    ...(reason.kind === 'RULE_MATCH' ? { ruleIndex: reason.ruleIndex, ruleId: reason.ruleId } : {}),
    ...(reason.kind === 'PREREQUISITE_FAILED' ? { prerequisiteKey: reason.prerequisiteKey } : {}),
    ...(reason.inExperiment === true ? { inExperiment: true } : {}),
  },
})

// An OFREP error stands for "no variation": the SDK then serves the caller's default
const fromOfrep = (flag: OfrepFlag, fallback: unknown): Comparable => {
  if (flag.errorCode !== undefined) return { value: fallback, index: null, reason: { kind: 'no variation' } }
  const { ldReason, ruleIndex, ruleId, prerequisiteKey, inExperiment } = flag.metadata ?? {}
  return {
    value: flag.value,
    index: Number(flag.variant),
    reason: {
      kind: ldReason,
      ...(ldReason === 'RULE_MATCH' ? { ruleIndex, ruleId } : {}),
      ...(ldReason === 'PREREQUISITE_FAILED' ? { prerequisiteKey } : {}),
      ...(inExperiment === true ? { inExperiment: true } : {}),
    },
  }
}

/** Both sides in one comparable shape; any answer without a variation counts as "no variation". */
export const sideBySide = (sdk: LDEvaluationDetail, ofrep: OfrepFlag | undefined, fallback: unknown) => {
  const mine = fromSdk(sdk)
  if (mine.index === null) mine.reason = { kind: 'no variation' }
  // A deleted flag is missing from OFREP's answer, and unknown to the SDK
  const theirs = ofrep === undefined ? { value: fallback, index: null, reason: { kind: 'no variation' } } : fromOfrep(ofrep, fallback)
  return { sdk: mine, ofrep: theirs }
}

/** Runs `work` over `items` with at most `limit` at a time. */
export const inPool = async <T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>) => {
  let next = 0
  const lane = async () => {
    while (next < items.length) {
      const index = next++
      await work(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: limit }, lane))
}
