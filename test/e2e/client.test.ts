import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import WebSocket from 'ws'
import examples from '../../examples/flags.json'
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker'
import { push } from '../../scripts/push'
import { createClient, type Client, type ClientEvents, type ClientOptions, type FetchLike } from '../../src/client'

// The client in Node against the Worker on 127.0.0.1: real fetch, the `ws` package as WebSocket,
// flags pushed through the signed webhook. Every wait has a deadline.

const SECRET = 's'
const ADMIN = 'a'
const ENV = 'client'
const KEY = 'client-e2e-key'
const DEADLINE_MS = 10_000

/** Resolves with `promise`, or rejects after `ms` saying what did not happen. */
const within = <T>(promise: Promise<T>, what: string, ms = DEADLINE_MS) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error) => (clearTimeout(timer), reject(error)),
    )
  })

/** The arguments of the next `event` for which `accept` holds, within the deadline. */
const next = <E extends keyof ClientEvents>(client: Client, event: E, accept: (...args: Parameters<ClientEvents[E]>) => boolean = () => true) =>
  within(
    new Promise<Parameters<ClientEvents[E]>>((resolve) => {
      const off = client.on(event, ((...args: Parameters<ClientEvents[E]>) => {
        if (!accept(...args)) return
        off()
        resolve(args)
      }) as ClientEvents[E])
    }),
    `the ${event} event`,
  )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A worker with the example flags and our client key, on `port` (0: any). */
const startWorker = async (port = 0) => {
  const worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN }, port })
  expect((await push({ body: examples, env: ENV, url: String(worker.url), secret: SECRET })).ok).toBe(true)
  const res = await fetch(new URL(`/admin/v1/environments/${ENV}/keys`, worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ kind: 'client', name: 'client e2e', key: KEY }),
  })
  expect(res.ok).toBe(true)
  return worker
}

// the offline tests cause warnings by design; they would only clutter the output
const logger = { warn: () => {} }
const clients: Client[] = []
let worker: LocalWorker

const newClient = (options: Partial<ClientOptions> & Pick<ClientOptions, 'context'>, on: { url: URL } = worker) => {
  const client = createClient({ baseUrl: String(on.url), key: KEY, WebSocket, logger, ...options })
  clients.push(client)
  return client
}

const pushFlags = (body: unknown) => push({ body, env: ENV, url: String(worker.url), secret: SECRET })
const darkTheme = (on: boolean) => ({ op: 'patch', flags: { 'dark-theme': { ...examples.flags['dark-theme'], on } } })

beforeAll(async () => {
  worker = await startWorker()
})

afterEach(() => {
  for (const client of clients.splice(0)) client.close()
  vi.restoreAllMocks()
})

afterAll(async () => {
  await worker?.dispose()
})

describe('the client on a live server', () => {
  it('is ready with the values the server evaluates for its context', async () => {
    const client = newClient({ context: { targetingKey: 'alice' } })
    await within(client.ready(), 'ready')
    expect(client.variation('dark-theme', true)).toBe(false)
    expect(client.variation('new-checkout', false)).toBe(true)
    expect(client.variation('api-count-field', 'x')).toBe('count')
    expect(client.variationDetail('api-count-field', 0)).toEqual({ value: 0, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' })
    expect(client.variationDetail('no-such-flag', 0)).toEqual({ value: 0, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' })
    expect(Object.keys(client.allFlags()).sort()).toEqual(
      Object.keys(examples.flags).filter((key) => examples.flags[key as keyof typeof examples.flags].clientSideAvailability.usingEnvironmentId).sort(),
    )
  })

  it('fires change and change:<key> with the new value after a push', async () => {
    const client = newClient({ context: { targetingKey: 'bob' } })
    await within(client.ready(), 'ready')
    // whether the push reaches the stream as a patch or precedes its put, a change follows
    const before = client.variation('dark-theme', false)
    const change = next(client, 'change', (keys) => keys.includes('dark-theme'))
    const changeKey = next(client, 'change:dark-theme')
    expect((await pushFlags(darkTheme(!before))).ok).toBe(true)
    expect(await changeKey).toEqual([!before, before])
    expect((await change)[0]).toEqual(['dark-theme'])
    expect(client.variation('dark-theme', before)).toBe(!before)
  })

  it('switches a targeted flag on identify, over the socket and over OFREP', async () => {
    for (const transport of [WebSocket, null]) {
      const client = newClient({ context: { targetingKey: 'carol' }, WebSocket: transport })
      await within(client.ready(), 'ready')
      expect(client.variation('api-count-field', '')).toBe('count')
      const changed = next(client, 'change:api-count-field')
      await within(client.identify({ targetingKey: 'legacy-client-1' }), 'identify')
      expect(client.variation('api-count-field', '')).toBe('total')
      expect(await changed).toEqual(['total', 'count'])
    }
  })

  it('serves bootstrap values before ready, then the server values', async () => {
    const client = newClient({ context: { targetingKey: 'dave' }, bootstrap: { 'api-count-field': 'booted', 'only-here': 3 } })
    expect(client.variation('api-count-field', '')).toBe('booted')
    expect(client.variationDetail('only-here', 0)).toEqual({ value: 3, reason: 'STATIC' })
    await within(client.ready(), 'ready')
    expect(client.variation('api-count-field', '')).toBe('count')
    expect(client.variation('only-here', 0)).toBe(0)
  })

  it('reports a bad key once and does not retry', async () => {
    let attempts = 0
    const counting: FetchLike = (url, init) => {
      attempts += 1
      return fetch(url, init)
    }
    const CountingSocket = class extends WebSocket {
      constructor(url: string) {
        super(url)
        attempts += 1
      }
    }
    const errors: Error[] = []
    const client = newClient({ context: {}, key: 'not-a-key', fetch: counting, WebSocket: CountingSocket })
    client.on('error', (error) => errors.push(error))
    await expect(within(client.ready(), 'ready to reject')).rejects.toThrow('401')
    await sleep(2000)
    expect(attempts).toBe(1)
    expect(errors).toHaveLength(1)
  })

  it('stops after one socket when the stream refuses the key (close 4401)', async () => {
    let sockets = 0
    const CountingSocket = class extends WebSocket {
      constructor(url: string) {
        super(url)
        sockets += 1
      }
    }
    // OFREP unreachable, so the refusal comes from the stream itself
    const unreachable: FetchLike = () => Promise.reject(new TypeError('fetch failed'))
    const client = newClient({ context: {}, key: 'not-a-key', fetch: unreachable, WebSocket: CountingSocket })
    const [error] = await next(client, 'error')
    expect(error.message).toMatch(/unauthorized/)
    await sleep(2000)
    expect(sockets).toBe(1)
  })
})

/**
 * A TCP proxy to the worker that can cut every connection and refuse new ones, then let them
 * through again on the same port: a network outage without losing the server's state.
 */
const outage = async (target: URL) => {
  const connections = new Set<Socket>()
  const server = createServer((downstream) => {
    const upstream = connect(Number(target.port), target.hostname)
    for (const [from, to] of [[downstream, upstream], [upstream, downstream]]) {
      connections.add(from)
      from.on('error', () => to.destroy())
      from.on('close', () => (connections.delete(from), to.destroy()))
      from.pipe(to)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    cut: () => {
      server.close()
      for (const connection of connections) connection.destroy()
    },
    restore: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => {
      server.close()
      for (const connection of connections) connection.destroy()
    },
  }
}

describe('the client offline', () => {
  it('keeps its values and goes offline when the server is disposed', async () => {
    const own = await startWorker()
    try {
      const client = newClient({ context: { targetingKey: 'erin' } }, own)
      await within(client.ready(), 'ready')
      const values = client.allFlags()
      const offline = next(client, 'offline')
      await own.dispose()
      expect(await offline).toEqual([true])
      expect(client.allFlags()).toEqual(values)
      expect(client.variation('api-count-field', '')).toBe('count')
    } finally {
      await own.dispose().catch(() => undefined)
    }
  })

  it('comes back online when the network returns', async () => {
    // quicker reconnects (jitter draws a tenth of each ceiling), so the return is seen in time
    vi.spyOn(Math, 'random').mockReturnValue(0.1)
    const network = await outage(worker.url)
    try {
      const client = newClient({ context: { targetingKey: 'frank' } }, network)
      await within(client.ready(), 'ready')
      const values = client.allFlags()
      const offline = next(client, 'offline')
      network.cut()
      expect(await offline).toEqual([true])
      const online = next(client, 'offline')
      await network.restore()
      expect(await online).toEqual([false])
      expect(client.allFlags()).toEqual(values)
    } finally {
      network.close()
    }
  })
})
