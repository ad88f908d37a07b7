import { describe, expect, it } from 'vitest'
import { adminRequest, boolFlag, environmentName, sendWebhook } from './support/webhook'
import { ofrepPost } from './support/requests'

describe('GET /admin/v1/environments/{env}', () => {
  it('reports version, counts, last change and KV state', async () => {
    const environment = environmentName()
    await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a'), b: boolFlag('b') } })
    const res = await adminRequest(`/${environment}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      environment,
      version: 1,
      flags: 2,
      segments: 0,
      lastChange: { version: 1, flags: ['a', 'b'], segments: [] },
      kv: { pending: expect.any(Boolean) },
      sockets: 0,
    })
  })

  it('answers 404 for an environment without changes', async () => {
    const res = await adminRequest(`/${environmentName()}`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'environment_not_found' } })
  })

  it.each([
    ['without a token', undefined, 'missing_token'],
    ['with a wrong token', 'not-the-token', 'invalid_token'],
  ])('refuses a request %s with 401', async (_, token, code) => {
    const res = await adminRequest(`/${environmentName()}`, {
      headers: token === undefined ? { Authorization: '' } : { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code } })
  })
})

describe('admin keys', () => {
  it('creates a key that works at once, lists it without the key, and revokes it', async () => {
    const environment = environmentName()
    await sendWebhook({ environment, op: 'replace', flags: { a: boolFlag('a') } })
    const created = await adminRequest(`/${environment}/keys`, { method: 'POST', body: JSON.stringify({ kind: 'client', name: 'web app' }) })
    expect(created.status).toBe(201)
    const { id, key } = (await created.json()) as { id: string; key: string }
    expect(key).toMatch(/^ef_client_[A-Za-z0-9_-]{43}$/)

    expect((await ofrepPost('/a', key, { context: { targetingKey: 'u' } })).status).toBe(200)

    const listed = await (await adminRequest(`/${environment}/keys`)).text()
    expect(JSON.parse(listed)).toMatchObject({ keys: [{ id, kind: 'client', name: 'web app' }] })
    expect(listed).not.toContain(key)

    expect((await adminRequest(`/${environment}/keys/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await adminRequest(`/${environment}/keys/${id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('registers a given key once and answers the same entry again', async () => {
    const environment = environmentName()
    const body = JSON.stringify({ kind: 'server', name: 'dev', key: 'a-given-key-of-enough-length' })
    const first = await adminRequest(`/${environment}/keys`, { method: 'POST', body })
    const second = await adminRequest(`/${environment}/keys`, { method: 'POST', body })
    expect([first.status, second.status]).toEqual([201, 200])
    expect(((await second.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id)
  })

  it('refuses an unknown key kind with the path of the problem', async () => {
    const res = await adminRequest(`/${environmentName()}/keys`, { method: 'POST', body: JSON.stringify({ kind: 'root', name: 'x' }) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', details: [{ path: 'kind' }] } })
  })
})
