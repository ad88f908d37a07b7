import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OpenFeature, ProviderEvents, type Client } from '@openfeature/web-sdk'
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider'
import examples from '../../examples/flags.json'
import { eventually, KEYS, startSeededWorker, type SeededWorker } from './support/seeded-worker'

// The unmodified OpenFeature web SDK and OFREP web provider from npm, over real HTTP, against
// the Worker in Miniflare on 127.0.0.1: the contract browsers rely on.

let worker: SeededWorker
let client: Client
const statuses: number[] = []
let changes = 0

// Counts what the provider sees on the wire, so the test can tell a 304 from a 200
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init)
  statuses.push(response.status)
  return response
}

beforeAll(async () => {
  worker = await startSeededWorker({ REFRESH_MS: '100' })
  const provider = new OFREPWebProvider({
    baseUrl: new URL('/', worker.url).toString().replace(/\/$/, ''),
    headers: [['Authorization', `Bearer ${KEYS.client}`]],
    fetchImplementation: recordingFetch,
    pollInterval: 200,
    cacheMode: 'disabled',
  })
  await OpenFeature.setContext({ targetingKey: 'alice', plan: 'free' })
  await OpenFeature.setProviderAndWait(provider)
  client = OpenFeature.getClient()
  client.addHandler(ProviderEvents.ConfigurationChanged, () => {
    changes += 1
  })
})

afterAll(async () => {
  await OpenFeature.close()
  await worker?.dispose()
})

describe('OpenFeature web SDK with the OFREP web provider', () => {
  it('serves values, variants and reasons from the bulk evaluation', () => {
    expect(client.getBooleanDetails('new-checkout', false)).toMatchObject({
      value: true,
      variant: '1',
      reason: 'TARGETING_MATCH',
      flagMetadata: { ldReason: 'RULE_MATCH', flagVersion: 1 },
    })
    // a client key's answers never name rules (DESIGN.md section 3)
    expect(client.getBooleanDetails('new-checkout', false).flagMetadata).not.toHaveProperty('ruleId')
    expect(client.getBooleanDetails('dark-theme', true)).toMatchObject({ value: false, reason: 'DISABLED' })
    expect(client.getStringValue('api-count-field', 'x')).toBe('count')
  })

  it('never receives a server-only flag', () => {
    expect(client.getStringDetails('backend-log-level', 'fallback')).toMatchObject({
      value: 'fallback',
      errorCode: 'FLAG_NOT_FOUND',
    })
  })

  it('gets 304 Not Modified when it polls an unchanged ruleset', async () => {
    await eventually(() => statuses.includes(304), 'a 304 from polling')
    expect(client.getBooleanValue('new-checkout', false)).toBe(true)
  })

  it('picks up new values after the ruleset in KV changes', async () => {
    const before = changes
    const flags = structuredClone(examples.flags)
    flags['dark-theme'].on = true
    await worker.putRuleset({ flags, segments: examples.segments }, 2)
    await eventually(() => client.getBooleanValue('dark-theme', false), 'dark-theme to turn on')
    expect(client.getBooleanDetails('dark-theme', false)).toMatchObject({ value: true, reason: 'DEFAULT' })
    expect(changes).toBeGreaterThan(before)
  })

  it('re-evaluates when the context changes', async () => {
    await OpenFeature.setContext({ targetingKey: 'legacy-client-1' })
    expect(client.getStringDetails('api-count-field', 'x')).toMatchObject({ value: 'total', reason: 'TARGETING_MATCH' })
  })
})
