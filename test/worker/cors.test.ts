import { env, exports } from 'cloudflare:workers'
import { createExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import { newEnvironment } from './support/environments'
import { ofrepPost } from './support/requests'

const ORIGIN = { Origin: 'https://shop.example' }

const expectCors = (res: Response) => {
  expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
  expect(res.headers.get('Access-Control-Expose-Headers')).toBe('ETag,Retry-After')
}

describe('CORS', () => {
  it('answers a preflight for OFREP', async () => {
    const res = await exports.default.fetch('http://edgeflags.test/ofrep/v1/evaluate/flags', {
      method: 'OPTIONS',
      headers: { ...ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    })
    expect(res.status).toBe(204)
    expectCors(res)
    expect(res.headers.get('Access-Control-Allow-Methods')).toBe('POST,GET,OPTIONS')
    expect(res.headers.get('Access-Control-Allow-Headers')).toBe('Content-Type,If-None-Match,Authorization,X-API-Key')
  })

  it('decorates a 200, a 304 and errors alike', async () => {
    const { keys } = await newEnvironment()
    const ok = await ofrepPost('', keys.client, {}, ORIGIN)
    expectCors(ok)
    const notModified = await ofrepPost('', keys.client, {}, { ...ORIGIN, 'If-None-Match': ok.headers.get('ETag')! })
    expect(notModified.status).toBe(304)
    expectCors(notModified)
    const unauthorized = await ofrepPost('', 'wrong', {}, ORIGIN)
    expect(unauthorized.status).toBe(401)
    expectCors(unauthorized)
    const notFound = await ofrepPost('/missing', keys.client, {}, ORIGIN)
    expect(notFound.status).toBe(404)
    expectCors(notFound)
  })

  it('decorates the raw ruleset endpoint', async () => {
    const { keys } = await newEnvironment()
    const res = await exports.default.fetch('http://edgeflags.test/v1/ruleset', {
      headers: { ...ORIGIN, Authorization: `Bearer ${keys.client}` },
    })
    expect(res.status).toBe(403)
    expectCors(res)
  })

  it('decorates the OFREP change stream, a response the Hub makes', async () => {
    const { keys } = await newEnvironment()
    const res = await exports.default.fetch(`http://edgeflags.test/v1/sse?key=${keys.client}`, { headers: ORIGIN })
    expect(res.status).toBe(200)
    expectCors(res)
    await res.body?.cancel()
  })

  it('echoes only a listed origin when CORS_ORIGINS is set, and varies by origin', async () => {
    const { keys } = await newEnvironment()
    const send = (origin: string) =>
      app.fetch(
        new Request('http://edgeflags.test/ofrep/v1/evaluate/flags', {
          method: 'POST',
          headers: { Origin: origin, 'Content-Type': 'application/json', Authorization: `Bearer ${keys.client}` },
          body: '{}',
        }),
        { ...env, CORS_ORIGINS: 'https://shop.example, https://admin.example' },
        createExecutionContext(),
      )
    const listed = await send('https://admin.example')
    expect(listed.headers.get('Access-Control-Allow-Origin')).toBe('https://admin.example')
    expect(listed.headers.get('Vary')).toBe('Origin')
    const other = await send('https://evil.example')
    expect(other.status).toBe(200)
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })
})
