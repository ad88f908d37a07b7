import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { init } from '@launchdarkly/cloudflare-server-sdk'
import examples from '../../examples/flags.json'
import { compileRuleset, evaluateFlag } from '../../src/evaluation'
import { parseRuleset } from '../../src/model/ruleset'
import { environmentName, sendWebhook } from './support/webhook'

// LaunchDarkly's own Cloudflare SDK, reading the KV namespace the Hub writes, must give the
// values edgeflags gives for the example flags.

const CONTEXTS = [
  { kind: 'user', key: 'alice' },
  { kind: 'user', key: 'user-42', plan: 'enterprise' },
  { kind: 'user', key: 'legacy-client-1', email: 'x@edgeflags.dev' },
  { kind: 'service', key: 'payments', name: 'payments' },
]

describe('LaunchDarkly interop', () => {
  it("publishes LD-Env-{id} for LaunchDarkly's Cloudflare SDK, which then agrees with us", async () => {
    const environment = environmentName()
    const clientSideId = `cs-${crypto.randomUUID().slice(0, 8)}`
    const res = await sendWebhook({ environment, op: 'replace', ...examples, settings: { launchDarklyClientSideId: clientSideId } })
    expect(res.status).toBe(200)
    // KV is written by the Hub's alarm, at once for a first change: wait for it (10 s at most)
    const hub = env.HUB.getByName(environment)
    const deadline = Date.now() + 10_000
    while ((await hub.status(environment))!.kv.version < 1) {
      if (Date.now() > deadline) throw new Error('the Hub did not write KV within 10 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    const client = init(clientSideId, env.FLAGS, { sendEvents: false })
    await client.waitForInitialization({ timeout: 5 })
    const parsed = parseRuleset(examples)
    if (!parsed.ok) throw new Error('examples do not parse')
    const ours = compileRuleset(parsed.ruleset)
    for (const context of CONTEXTS) {
      for (const key of Object.keys(examples.flags)) {
        const theirs = await client.variationDetail(key, context, 'default')
        const mine = evaluateFlag(ours, key, context, { defaultValue: 'default' })
        expect({ key, value: theirs.value, index: theirs.variationIndex ?? null }).toEqual({
          key,
          value: mine.value,
          index: mine.variationIndex,
        })
      }
    }
    client.close()
  })
})
