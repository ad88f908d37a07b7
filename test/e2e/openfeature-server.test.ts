import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OpenFeature, type Client } from '@openfeature/server-sdk'
import { OFREPProvider } from '@openfeature/ofrep-provider'
import { KEYS, startSeededWorker, type SeededWorker } from './support/seeded-worker'

// The OpenFeature server SDK with its OFREP provider from npm: single-flag evaluation over HTTP.

let worker: SeededWorker
let client: Client

beforeAll(async () => {
  worker = await startSeededWorker()
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({
      baseUrl: new URL('/', worker.url).toString().replace(/\/$/, ''),
      headers: [['X-API-Key', KEYS.server]],
    }),
  )
  client = OpenFeature.getClient()
})

afterAll(async () => {
  await OpenFeature.close()
  await worker?.dispose()
})

describe('OpenFeature server SDK with the OFREP provider', () => {
  it('evaluates a server-only flag for a server key', async () => {
    const details = await client.getStringDetails('backend-log-level', 'error', {
      targetingKey: 'payments',
      kind: 'service',
      name: 'payments',
    })
    expect(details).toMatchObject({ value: 'debug', variant: '0', reason: 'TARGETING_MATCH' })
  })

  it('evaluates JSON and number variations', async () => {
    expect(await client.getObjectValue('ip-blocklist', [], { targetingKey: 'svc' })).toEqual([
      '203.0.113.7',
      '198.51.100.0/24',
    ])
    expect(await client.getNumberValue('tasks-batch-size', 1, { targetingKey: 'svc', plan: 'enterprise' })).toBe(100)
  })

  it('reports an unknown flag as FLAG_NOT_FOUND with the default value', async () => {
    expect(await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'svc' })).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    })
  })

  it('reports a missing targeting key for a flag that needs one', async () => {
    expect(await client.getBooleanDetails('new-checkout', false, {})).toMatchObject({
      value: false,
      errorCode: 'TARGETING_KEY_MISSING',
    })
  })

  it('reports a type mismatch when the flag is of another type', async () => {
    expect(await client.getBooleanDetails('tasks-batch-size', false, { targetingKey: 'svc' })).toMatchObject({
      value: false,
      errorCode: 'TYPE_MISMATCH',
    })
  })
})
