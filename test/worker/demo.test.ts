import { env } from 'cloudflare:workers'
import { createExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../../src/app'
import type { Env } from '../../src/env'
import { get } from './support/requests'

const withDemo = (path: string) =>
  app.fetch(new Request(`http://edgeflags.test${path}`), { ...env, DEMO: 'on' } as Env, createExecutionContext())

describe('GET /demo', () => {
  it('is off unless DEMO=on', async () => {
    const res = await get('/demo')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('serves the shop page with the dev client key when on', async () => {
    const res = await withDemo('/demo')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toContain("import { createClient } from '/demo/client.js'")
    expect(html).toContain('"dev-client-key"')
  })

  it('serves the client module it loads', async () => {
    const res = await withDemo('/demo/client.js')
    expect(res.headers.get('Content-Type')).toMatch(/^text\/javascript/)
    expect(await res.text()).toMatch(/export\s*\{[^}]*createClient/)
  })
})
