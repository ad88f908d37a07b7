import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createClient, POLL_MS } from '../../../src/client/client'
import { PING_MS, SILENCE_MS } from '../../../src/client/socket'
import { PERSIST_MS } from '../../../src/client/storage'
import type { ClientOptions } from '../../../src/client/types'
import { bulk, fakeOfrep, fakeWebSocket, memoryStorage, silent, states } from './fakes'

// The client against a fake OFREP endpoint and fake sockets, on fake timers: the flows that the
// e2e test cannot time (backoff, polling, silence), one per test.

const BASE = 'http://flags.test'

const setup = (options: Partial<ClientOptions> = {}, answer = bulk({ a: 1 })) => {
  const server = fakeOfrep(answer)
  const ws = fakeWebSocket()
  const client = createClient({ baseUrl: BASE, key: 'k', context: { targetingKey: 'u' }, fetch: server.fetch, WebSocket: ws.Socket, logger: silent, ...options })
  const seen: unknown[][] = []
  for (const event of ['change', 'ready', 'error', 'offline'] as const) {
    client.on(event, (...args: unknown[]) => seen.push([event, ...args.map((arg) => (arg instanceof Error ? arg.message : arg))]))
  }
  return { server, ws, client, seen }
}

/** Lets promises settle and timers up to `ms` run. */
const flush = (ms = 0) => vi.advanceTimersByTimeAsync(ms)

beforeEach(() => {
  vi.useFakeTimers()
  vi.spyOn(Math, 'random').mockReturnValue(0.5)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('startup', () => {
  it('fetches OFREP, then opens the stream with the key and context', async () => {
    const { server, ws, client, seen } = setup()
    await flush()
    await client.ready()
    expect(client.allFlags()).toEqual({ a: 1 })
    expect(server.requests[0]).toEqual({
      url: `${BASE}/ofrep/v1/evaluate/flags`,
      headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
      context: { targetingKey: 'u' },
    })
    expect(ws.sockets.map((socket) => socket.url)).toEqual([`ws://flags.test/v1/stream?key=k&context=eyJ0YXJnZXRpbmdLZXkiOiJ1In0`])
    expect(seen).toEqual([['change', ['a']], ['ready']])
  })

  it('serves bootstrap values at once, and tells what the server changed', async () => {
    const { client, seen } = setup({ bootstrap: { a: 0, b: 'x' } }, bulk({ a: 1, b: 'x' }))
    expect(client.variationDetail('a', 0)).toEqual({ value: 0, reason: 'STATIC' })
    await flush()
    expect(client.variationDetail('a', 0)).toEqual({ value: 1, variant: '0', reason: 'DEFAULT' })
    expect(seen).toEqual([['change', ['a']], ['ready']])
  })

  it('is ready offline when the first fetch fails and there are bootstrap values', async () => {
    const { client, seen } = setup({ bootstrap: { a: 0 } }, 'down')
    await flush()
    await client.ready()
    expect(client.variation('a', 5)).toBe(0)
    expect(seen).toEqual([['offline', true], ['ready']])
  })

  it('stays unready offline with nothing to serve, until the socket brings values', async () => {
    const { ws, client, seen } = setup({}, 'down')
    let ready = false
    client.ready().then(() => (ready = true))
    await flush()
    expect(ready).toBe(false)
    ws.last().open()
    ws.last().receive({ type: 'put', version: 3, flags: states({ a: 2 }) })
    await flush()
    expect(ready).toBe(true)
    expect(seen).toEqual([['offline', true], ['change', ['a']], ['offline', false], ['ready']])
  })

  it('polls every POLL_MS without a WebSocket, with the ETag', async () => {
    const { server, client } = setup({ WebSocket: null })
    await flush()
    server.answer = { status: 304 }
    await flush(POLL_MS)
    server.answer = bulk({ a: 2 }, 2)
    await flush(POLL_MS)
    expect(server.requests.map((request) => request.headers['If-None-Match'])).toEqual([undefined, '"1"', '"1"'])
    expect(client.variation('a', 0)).toBe(2)
    client.close()
  })
})

describe('the stream', () => {
  const streaming = async (options: Partial<ClientOptions> = {}) => {
    const setupResult = setup(options)
    await flush()
    setupResult.ws.last().open()
    setupResult.ws.last().receive({ type: 'put', version: 5, flags: states({ a: 1, b: true }) })
    setupResult.seen.length = 0
    return setupResult
  }

  it('applies patches newer than the version held, with change events per key', async () => {
    const { ws, client, seen } = await streaming()
    const changes: unknown[] = []
    client.on('change:a', (value, previous) => changes.push([value, previous]))
    ws.last().receive({ type: 'patch', version: 6, flags: states({ a: 2 }), removed: ['b'] })
    ws.last().receive({ type: 'patch', version: 6, flags: states({ a: 3 }), removed: [] })
    ws.last().receive({ type: 'patch', version: 4, flags: states({ a: 4 }), removed: [] })
    expect(client.allFlags()).toEqual({ a: 2 })
    expect(changes).toEqual([[2, 1]])
    expect(seen).toEqual([['change', ['a', 'b']]])
  })

  it('pings every PING_MS and ignores pong', async () => {
    const { ws } = await streaming()
    await flush(PING_MS)
    ws.last().receive('pong')
    await flush(PING_MS)
    expect(ws.last().sent).toEqual(['ping', 'ping'])
    expect(ws.sockets).toHaveLength(1)
  })

  it('replaces a socket that has been silent for SILENCE_MS', async () => {
    const { ws } = await streaming()
    // checked at each ping: the first check past SILENCE_MS drops it, and the retry follows
    await flush(SILENCE_MS)
    expect(ws.sockets).toHaveLength(1)
    await flush(PING_MS + 500)
    expect(ws.sockets).toHaveLength(2)
    expect(ws.sockets[0].readyState).toBe(3)
  })

  it('reconnects after a drop with full-jitter backoff, and resyncs from the put', async () => {
    const { ws, client, server } = await streaming()
    ws.last().drop(1006)
    // first retry: random 0.5 of 500 ms
    await flush(249)
    expect(ws.sockets).toHaveLength(1)
    await flush(1)
    expect(ws.sockets).toHaveLength(2)
    ws.last().drop(1006)
    // the attempt failed, so this retry polls OFREP first (random 0.5 of 1000 ms)
    await flush(500)
    expect(ws.sockets).toHaveLength(3)
    expect(server.requests).toHaveLength(2)
    ws.last().open()
    ws.last().receive({ type: 'put', version: 9, flags: states({ a: 7 }) })
    expect(client.allFlags()).toEqual({ a: 7 })
  })

  it('goes offline when the poll fails with the socket down, and back when the socket returns', async () => {
    const { ws, server, client, seen } = await streaming()
    server.answer = 'down'
    ws.last().drop(1006)
    await flush(250)
    ws.last().drop(1006)
    await flush(500)
    expect(seen).toEqual([['offline', true]])
    expect(client.variation('a', 0)).toBe(1)
    // while the socket cannot connect, polls are POLL_MS apart
    for (let attempt = 0; attempt < 10; attempt += 1) {
      ws.last().drop(1006)
      await flush(30_000)
    }
    expect(ws.sockets.length).toBeGreaterThan(10)
    expect(server.requests.length).toBeLessThanOrEqual(1 + Math.ceil(300_000 / POLL_MS) + 1)
    ws.last().open()
    ws.last().receive({ type: 'put', version: 5, flags: states({ a: 1, b: true }) })
    expect(seen).toEqual([['offline', true], ['offline', false]])
  })

  it('stops for good on 4401 with one error, and rejects ready when there is nothing to serve', async () => {
    const { ws, server, client, seen } = setup({}, { status: 503 })
    await flush()
    ws.last().receive({ type: 'error', code: 'unauthorized', message: 'the key is missing, unknown or revoked' })
    ws.last().drop(4401)
    await expect(client.ready()).rejects.toThrow('unauthorized')
    await flush(10 * POLL_MS)
    expect(ws.sockets).toHaveLength(1)
    expect(server.requests).toHaveLength(1)
    expect(seen.filter(([event]) => event === 'error')).toEqual([['error', 'unauthorized: the key is missing, unknown or revoked']])
  })

  it('stops on 4400 until identify, which starts over with the new context', async () => {
    const { ws, server, client, seen } = await streaming()
    ws.last().drop(4400)
    await flush(10 * POLL_MS)
    expect(ws.sockets).toHaveLength(1)
    expect(seen).toEqual([['error', 'The stream was refused (4400)']])
    server.answer = bulk({ a: 9 }, 6)
    await client.identify({ targetingKey: 'v' })
    expect(client.variation('a', 0)).toBe(9)
    await flush()
    expect(ws.sockets).toHaveLength(2)
    expect(ws.last().url).toContain(Buffer.from('{"targetingKey":"v"}').toString('base64url'))
  })

  it('identifies over the open socket and resolves with the put', async () => {
    const { ws, client, server } = await streaming()
    const done = client.identify({ targetingKey: 'v' })
    expect(ws.last().sent).toEqual(['{"type":"identify","context":{"targetingKey":"v"}}'])
    ws.last().receive({ type: 'put', version: 5, flags: states({ a: 4 }) })
    await done
    expect(client.allFlags()).toEqual({ a: 4 })
    expect(server.requests).toHaveLength(1)
  })

  it('rejects identify when the server refuses the context, and keeps the socket', async () => {
    const { ws, client } = await streaming()
    const done = client.identify({ targetingKey: 7 as unknown as string })
    ws.last().receive({ type: 'error', code: 'invalid_context', message: 'targetingKey must be a string' })
    await expect(done).rejects.toThrow('invalid_context')
    expect(ws.last().readyState).toBe(1)
  })

  it('drops a socket still connecting on identify, and refetches instead', async () => {
    const { ws, client, server } = setup()
    await flush()
    server.answer = bulk({ a: 3 }, 2)
    await client.identify({ targetingKey: 'v' })
    expect(ws.sockets[0].readyState).toBe(3)
    expect(server.requests.map((request) => request.context)).toEqual([{ targetingKey: 'u' }, { targetingKey: 'v' }])
    expect(client.variation('a', 0)).toBe(3)
  })

  it('closes: no socket, no timers, no listeners', async () => {
    const { ws, client, server, seen } = await streaming()
    client.close()
    expect(ws.last().readyState).toBe(3)
    await flush(10 * POLL_MS)
    expect(ws.sockets).toHaveLength(1)
    expect(server.requests).toHaveLength(1)
    expect(seen).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
    await expect(client.identify({})).rejects.toThrow('closed')
  })
})

describe('storage', () => {
  it('serves stored values first, then stores the server values under the context', async () => {
    const storage = memoryStorage()
    const first = setup({ storage })
    await flush(PERSIST_MS)
    first.client.close()
    const entry = 'edgeflags:http://flags.test:k:{"targetingKey":"u"}'
    expect(JSON.parse(storage.entries[entry])).toEqual(states({ a: 1 }))

    const second = setup({ storage }, 'down')
    await flush()
    await second.client.ready()
    expect(second.client.variationDetail('a', 0)).toEqual({ value: 1, variant: '0', reason: 'CACHED' })
    second.client.close()
  })

  it('writes a burst of changes once', async () => {
    const storage = memoryStorage()
    const writes: string[] = []
    const { ws } = setup({ storage: { getItem: storage.getItem, setItem: (key, value) => void writes.push(value) } })
    await flush()
    ws.last().open()
    ws.last().receive({ type: 'put', version: 2, flags: states({ a: 2 }) })
    ws.last().receive({ type: 'patch', version: 3, flags: states({ a: 3 }) })
    await flush(PERSIST_MS)
    expect(writes.map((text) => JSON.parse(text).a.value)).toEqual([3])
  })

  it('keeps serving when storage fails', async () => {
    const { client } = setup({
      storage: {
        getItem: () => Promise.reject(new Error('SecurityError')),
        setItem: () => {
          throw new Error('QuotaExceededError')
        },
      },
    })
    await flush(PERSIST_MS)
    expect(client.variation('a', 0)).toBe(1)
    client.close()
  })
})

describe('variation', () => {
  it('answers the default for absent flags, other types, and names from Object.prototype', async () => {
    const { client } = setup({}, bulk({ a: 1, s: 'x', o: { k: 1 } }))
    await flush()
    expect(client.variation('a', 0)).toBe(1)
    expect(client.variation('a', 'zero')).toBe('zero')
    expect(client.variation('o', {})).toEqual({ k: 1 })
    expect(client.variationDetail('constructor', false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' })
    expect(client.variationDetail('s', false)).toEqual({ value: false, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' })
  })
})
