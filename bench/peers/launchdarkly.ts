import { basicLogger, init, integrations } from '@launchdarkly/node-server-sdk'
import type { LDClient } from '@launchdarkly/node-server-sdk'
import type { BenchContext, LdFlag } from '../fixtures'
import type { Peer, Session } from './peer'

/**
 * The baseline: LaunchDarkly's Node server SDK, fed offline through TestData.
 * Events and diagnostics are off, so nothing touches the network and no event
 * is queued per evaluation.
 */

const FALLBACK = 'fallback'

function session(client: LDClient, contexts: BenchContext[]): Session {
  return {
    one: (flagKey, ci) => client.variationDetail(flagKey, contexts[ci], FALLBACK),
    all: (ci) => client.allFlagsState(contexts[ci]),
    async outcome(flagKey, ci) {
      const detail = await client.variationDetail(flagKey, contexts[ci], FALLBACK)
      const { value, variationIndex, reason } = detail
      return { value, variationIndex: variationIndex ?? null, reasonKind: reason.kind }
    },
    close: () => client.close(),
  }
}

async function load(flags: LdFlag[], contexts: BenchContext[]): Promise<Session> {
  const td = new integrations.TestData()
  // usePreconfiguredFlag deep-copies each flag and preprocesses it, as a real data source would.
  await Promise.all(flags.map((flag) => td.usePreconfiguredFlag(flag)))
  const client = init('sdk-bench-offline', {
    sendEvents: false,
    diagnosticOptOut: true,
    updateProcessor: td.getFactory(),
    logger: basicLogger({ level: 'error' }),
  })
  await client.waitForInitialization({ timeout: 10 })
  return session(client, contexts)
}

export const launchDarkly: Peer = {
  name: 'LaunchDarkly',
  async: true,
  prepare: (flags, contexts) => () => load(flags, contexts),
}
