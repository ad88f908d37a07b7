import { describe, expect, it } from 'vitest'
import { newEnvironment } from './support/environments'
import { get } from './support/requests'
import examples from '../../examples/flags.json'
import { parseRuleset } from '../../src/model/ruleset'

describe('GET /v1/ruleset', () => {
  it('gives a server key the ruleset as published, every default filled, with an ETag', async () => {
    const { keys } = await newEnvironment()
    const res = await get('/v1/ruleset', { Authorization: `Bearer ${keys.server}` })
    expect(res.status).toBe(200)
    expect(res.headers.get('ETag')).toBe('"ruleset-1"')
    const parsed = parseRuleset(examples)
    if (!parsed.ok) throw new Error('the examples do not parse')
    // the flags as pushed, with LaunchDarkly's defaults where the examples leave a field out
    expect(await res.json()).toEqual({ version: 1, ...parsed.ruleset })
  })

  it('answers 304 for the current ETag', async () => {
    const { keys } = await newEnvironment()
    const res = await get('/v1/ruleset', { 'X-API-Key': keys.server, 'If-None-Match': '"ruleset-1"' })
    expect(res.status).toBe(304)
  })

  it.each(['client', 'mobile'] as const)('refuses a %s key with 403', async (kind) => {
    const { keys } = await newEnvironment()
    const res = await get('/v1/ruleset', { Authorization: `Bearer ${keys[kind]}` })
    expect(res.status).toBe(403)
    const body = await res.text()
    expect(JSON.parse(body)).toEqual({
      error: { code: 'forbidden', message: `A ${kind} key may not use this endpoint`, details: [] },
    })
    expect(body).not.toContain('beta-testers')
  })

  it('refuses a request without a key with 401', async () => {
    const res = await get('/v1/ruleset')
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'missing_key' } })
  })
})
