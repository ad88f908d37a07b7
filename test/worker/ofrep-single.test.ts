import { describe, expect, it } from 'vitest'
import { newEnvironment } from './support/environments'
import { ofrepPost } from './support/requests'

describe('POST /ofrep/v1/evaluate/flags/{key}', () => {
  it('answers one flag with value, variant, reason and metadata', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/api-count-field', keys.client, { context: { targetingKey: 'legacy-client-1' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      key: 'api-count-field',
      value: 'total',
      variant: '1',
      reason: 'TARGETING_MATCH',
      metadata: { flagVersion: 1, ldReason: 'TARGET_MATCH' },
    })
  })

  it('answers 404 FLAG_NOT_FOUND for an unknown flag', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/nope', keys.server, { context: { targetingKey: 'u' } })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ key: 'nope', errorCode: 'FLAG_NOT_FOUND' })
  })

  it('hides a server-only flag from a client key as if it did not exist', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/ip-blocklist', keys.client, { context: { targetingKey: 'u' } })
    expect(res.status).toBe(404)
    const body = await res.text()
    expect(JSON.parse(body)).toMatchObject({ key: 'ip-blocklist', errorCode: 'FLAG_NOT_FOUND' })
    expect(body).not.toContain('203.0.113.7')
  })

  it('answers 400 TARGETING_KEY_MISSING when the flag needs the key', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/new-checkout', keys.client, { context: { plan: 'pro' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ key: 'new-checkout', errorCode: 'TARGETING_KEY_MISSING' })
  })

  it('evaluates a flag that needs no key for an anonymous context', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/dark-theme', keys.client, {})
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ key: 'dark-theme', value: false, reason: 'DISABLED' })
  })

  it('answers 400 INVALID_CONTEXT with the key for a context it cannot read', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('/dark-theme', keys.client, { context: { targetingKey: 7 } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ key: 'dark-theme', errorCode: 'INVALID_CONTEXT' })
  })
})
