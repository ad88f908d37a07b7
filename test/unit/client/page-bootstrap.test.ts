import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient } from '../../../src/client/client'
import { bulk, fakeOfrep, fakeWebSocket, silent } from './fakes'

// The flags the edge writes into a page (src/routes/bootstrap.ts), read at construction
const PAGE = {
  flags: { 'dark-theme': { value: true, variant: '1', reason: 'DEFAULT' } },
  version: 7,
  etag: '"7-client-abc"',
  context: { targetingKey: 'visitor-1', browser: 'Chrome' },
}

const withPage = (text: string | null) => {
  vi.stubGlobal('document', { getElementById: (id: string) => (id === 'edgeflags-bootstrap' && text !== null ? { textContent: text } : null) })
}

const start = (options: { context?: { targetingKey: string }; bootstrap?: Record<string, boolean> } = {}) => {
  const server = fakeOfrep(bulk({ 'dark-theme': false }))
  const client = createClient({ baseUrl: 'http://flags.test', key: 'k', fetch: server.fetch, WebSocket: fakeWebSocket().Socket, logger: silent, ...options })
  return { server, client }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the page’s bootstrap', () => {
  it('is served synchronously at construction, with its reason', () => {
    withPage(JSON.stringify(PAGE))
    const { client } = start()
    expect(client.variation('dark-theme', false)).toBe(true)
    expect(client.variationDetail('dark-theme', false)).toMatchObject({ reason: 'DEFAULT', variant: '1' })
    expect(client.meta().version).toBe(7)
    client.close()
  })

  it('gives the client its context and ETag for the first request', async () => {
    withPage(JSON.stringify(PAGE))
    const { server, client } = start()
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    const [request] = server.requests
    expect(request.context).toEqual(PAGE.context)
    expect(request.headers['If-None-Match']).toBe(PAGE.etag)
    client.close()
  })

  it.each([
    ['a context for someone else', { context: { targetingKey: 'alice' } }, JSON.stringify(PAGE)],
    ['an explicit bootstrap', { bootstrap: { 'dark-theme': false } }, JSON.stringify(PAGE)],
    ['text that does not parse', {}, '{"flags":'],
    ['no element', {}, null],
  ] as const)('is not used with %s', (_, options, text) => {
    withPage(text)
    const { client } = start(options)
    expect(client.variation('dark-theme', false)).toBe(false)
    client.close()
  })
})
