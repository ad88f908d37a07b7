import { init, integrations, type LDContext, type LDLogger } from '@launchdarkly/node-server-sdk'
import type { Ruleset } from './generate'

/** What one evaluation gives, on either side. */
export type Detail = {
  value: unknown
  variationIndex?: number | null
  reason: Record<string, unknown>
}

/** LaunchDarkly's SDK, loaded with one ruleset, answering as the oracle. */
export type Oracle = {
  evaluate: (flagKey: string, context: unknown, defaultValue: unknown) => Promise<Detail>
  close: () => void
}

const SILENT: LDLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} }

/**
 * Starts an offline LaunchDarkly client (no events, no diagnostics, no network) whose data
 * source is `TestData` holding exactly `ruleset`. `usePreconfigured*` copies each item, so the
 * caller's objects are left as they were.
 */
export const createOracle = async (ruleset: Ruleset): Promise<Oracle> => {
  const data = new integrations.TestData()
  for (const flag of Object.values(ruleset.flags)) await data.usePreconfiguredFlag(flag)
  for (const segment of Object.values(ruleset.segments)) await data.usePreconfiguredSegment(segment)
  const client = init('sdk-key', {
    sendEvents: false,
    diagnosticOptOut: true,
    updateProcessor: data.getFactory(),
    logger: SILENT,
  })
  await client.waitForInitialization({ timeout: 10 })
  return {
    evaluate: async (flagKey, context, defaultValue) => {
      const detail = await client.variationDetail(flagKey, context as LDContext, defaultValue)
      return { ...detail, reason: { ...detail.reason } }
    },
    close: () => client.close(),
  }
}
