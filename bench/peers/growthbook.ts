import { GrowthBookClient } from '@growthbook/growthbook'
import type { FeatureDefinition, UserContext } from '@growthbook/growthbook'
import type { BenchContext, LdFlag } from '../fixtures'
import { toGrowthBookAttributes, toGrowthBookFeatures } from '../translate/growthbook'
import type { Peer, Session } from './peer'

/**
 * GrowthBook's multi-user client (`GrowthBookClient`), the one meant for
 * servers: features are loaded once and each call takes the user's
 * attributes, so nothing is rebuilt per context. Loading only stores the
 * payload; GrowthBook parses conditions lazily, at evaluation time.
 */

type Features = Record<string, FeatureDefinition<string>>

function session(
  client: GrowthBookClient,
  features: Features,
  flags: LdFlag[],
  contexts: BenchContext[],
): Session {
  const users: UserContext[] = contexts.map((c) => ({ attributes: toGrowthBookAttributes(c) }))
  const keys = Object.keys(features)
  const variations = new Map(flags.map((f) => [f.key, f.variations]))
  return {
    one: (flagKey, ci) => client.evalFeature(flagKey, users[ci]),
    all(ci) {
      const results: Record<string, unknown> = {}
      for (const key of keys) results[key] = client.evalFeature(key, users[ci])
      return results
    },
    async outcome(flagKey, ci) {
      const { value } = client.evalFeature(flagKey, users[ci])
      // GrowthBook returns only the value; values are unique within a flag, so the index follows.
      const index = variations.get(flagKey)?.indexOf(String(value)) ?? -1
      return { value, variationIndex: index < 0 ? null : index }
    },
    close: () => client.destroy(),
  }
}

export const growthBook: Peer = {
  name: 'GrowthBook',
  async: false,
  prepare(flags, contexts) {
    const features = toGrowthBookFeatures(flags)
    return () => {
      const client = new GrowthBookClient()
      client.initSync({ payload: { features } })
      return session(client, features, flags, contexts)
    }
  },
}
