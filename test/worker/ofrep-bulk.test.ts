import { describe, expect, it } from 'vitest'
import { newEnvironment } from './support/environments'
import { byKey, ofrepPost, type OfrepBulk } from './support/requests'
import examples from '../../examples/flags.json'

const CLIENT_FLAGS = ['api-count-field', 'dark-theme', 'disable-registration', 'new-checkout']
const MOBILE_FLAGS = [...CLIENT_FLAGS, 'tasks-batch-size'].sort()

describe('POST /ofrep/v1/evaluate/flags', () => {
  it('evaluates every flag for a server key', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.server, { context: { targetingKey: 'alice', plan: 'enterprise' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    const flags = byKey(await res.json<OfrepBulk>())
    expect(Object.keys(flags).sort()).toEqual(Object.keys(examples.flags).sort())
    expect(flags['tasks-batch-size']).toMatchObject({ value: 100, variant: '2', reason: 'TARGETING_MATCH' })
    expect(flags['new-checkout']).toMatchObject({ value: true, reason: 'TARGETING_MATCH', metadata: { ruleId: 'beta-testers-first' } })
    expect(flags['dark-theme']).toMatchObject({ value: false, variant: '0', reason: 'DISABLED' })
    expect(flags['ip-blocklist']).toMatchObject({ value: ['203.0.113.7', '198.51.100.0/24'], reason: 'DEFAULT' })
  })

  it('shows a client key only the flags available to client-side SDKs', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'u1' } })
    expect(Object.keys(byKey(await res.json<OfrepBulk>())).sort()).toEqual(CLIENT_FLAGS)
  })

  it('shows a mobile key only the flags available to mobile SDKs', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.mobile, { context: { targetingKey: 'u1' } })
    expect(Object.keys(byKey(await res.json<OfrepBulk>())).sort()).toEqual(MOBILE_FLAGS)
  })

  it('names the matching rule to a server key only', async () => {
    const { keys } = await newEnvironment()
    const body = { context: { targetingKey: 'alice' } }
    const server = byKey(await (await ofrepPost('', keys.server, body)).json<OfrepBulk>())
    const client = await (await ofrepPost('', keys.client, body)).text()
    expect(server['new-checkout']).toMatchObject({ metadata: { ldReason: 'RULE_MATCH', ruleId: 'beta-testers-first', ruleIndex: 0 } })
    expect(client).not.toContain('beta-testers-first')
    expect(client).not.toContain('ruleIndex')
  })

  it('reports a percentage rollout as SPLIT', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'someone' } })
    expect(byKey(await res.json<OfrepBulk>())['new-checkout'].reason).toBe('SPLIT')
  })

  it('evaluates an anonymous context and marks only the flags that need a key', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, {})
    expect(res.status).toBe(200)
    const flags = byKey(await res.json<OfrepBulk>())
    expect(flags['dark-theme']).toMatchObject({ value: false })
    expect(flags['new-checkout']).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' })
    expect(flags['api-count-field']).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' })
  })

  it('lists the OFREP change stream, with the key the caller used', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, {})
    expect(await res.json()).toMatchObject({
      eventStreams: [{ type: 'sse', url: `http://edgeflags.test/v1/sse?key=${keys.client}` }],
    })
  })

  it('accepts an empty body as an empty context', async () => {
    const { keys } = await newEnvironment()
    expect((await ofrepPost('', keys.client, '')).status).toBe(200)
  })

  it('uses the context kind when the context names one', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.server, { context: { targetingKey: 'payments', kind: 'service', name: 'payments' } })
    expect(byKey(await res.json<OfrepBulk>())['backend-log-level']).toMatchObject({ value: 'debug' })
  })

  it('serves an environment that has no ruleset yet as empty', async () => {
    const { keys } = await newEnvironment(null)
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'x' } })
    expect(await res.json()).toMatchObject({ flags: [], metadata: { version: 0 } })
  })
})
