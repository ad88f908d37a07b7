import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
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
})
