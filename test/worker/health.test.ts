import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('GET /healthz', () => {
  it('answers 200 with {"ok":true}', async () => {
    const res = await exports.default.fetch('http://edgeflags.test/healthz')

    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ ok: true })
  })
})

describe('Hub binding', () => {
  it('reaches a Hub over RPC through env.HUB', async () => {
    // A fresh object per test, so no state leaks between tests.
    const name = `test-${crypto.randomUUID()}`
    const hub = env.HUB.getByName(name)

    expect(await hub.status(name)).toBeUndefined()
  })
})
