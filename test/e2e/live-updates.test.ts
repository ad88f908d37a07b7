import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EventSource } from 'eventsource'
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk'
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider'
import examples from '../../examples/flags.json'
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker'
import { push } from '../../scripts/push'
import { eventually } from './support/seeded-worker'

// Live updates over real sockets on 127.0.0.1: the `ws` client on /v1/stream, and the unmodified
// OFREP web provider following the eventStreams it is given (EventSource from npm, as Node has
// none), with polling off.

const SECRET = 'live-secret'
const ADMIN = 'live-admin'
const KEY = 'live-client-key'
let worker: LocalWorker

const pushFlags = (body: unknown) => push({ body, env: 'live', url: String(worker.url), secret: SECRET })
const darkTheme = (on: boolean) => ({ op: 'patch', flags: { 'dark-theme': { ...examples.flags['dark-theme'], on } } })

beforeAll(async () => {
  worker = await startLocalWorker({ vars: { WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN } })
  expect((await pushFlags(examples)).ok).toBe(true)
  const res = await fetch(new URL('/admin/v1/environments/live/keys', worker.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ kind: 'client', name: 'live', key: KEY }),
  })
  expect(res.ok).toBe(true)
})

afterAll(async () => {
  await OpenFeature.close()
  await worker?.dispose()
})

type Message = { type: string; version?: number; flags?: Record<string, { value?: unknown }>; removed?: string[] }

const connect = (context: object) => {
  const encoded = Buffer.from(JSON.stringify(context)).toString('base64url')
  const url = new URL(`/v1/stream?key=${KEY}&context=${encoded}`, worker.url)
  url.protocol = 'ws:'
  const socket = new WebSocket(url)
  const messages: Message[] = []
  socket.on('message', (data) => {
    if (String(data) !== 'pong') messages.push(JSON.parse(String(data)))
  })
  return { socket, messages }
}

describe('WebSocket stream with the ws client', () => {
  it('gets a put, then a patch within moments of a push, and pong for ping', async () => {
    const { socket, messages } = connect({ targetingKey: 'alice' })
    await eventually(() => messages.length === 1, 'the put')
    expect(messages[0]).toMatchObject({ type: 'put', flags: { 'dark-theme': { value: false }, 'new-checkout': { value: true } } })
    expect((await pushFlags(darkTheme(true))).ok).toBe(true)
    await eventually(() => messages.length === 2, 'the patch')
    expect(messages[1]).toMatchObject({ type: 'patch', flags: { 'dark-theme': { value: true } }, removed: [] })
    const pong = new Promise((resolve) => socket.once('message', (data) => resolve(String(data))))
    socket.send('ping')
    expect(await pong).toBe('pong')
    socket.close()
  })
})

describe('OFREP web provider on the SSE change stream', () => {
  it('refreshes after a push without polling', async () => {
    Object.assign(globalThis, { EventSource })
    const requests: string[] = []
    const provider = new OFREPWebProvider({
      baseUrl: String(worker.url).replace(/\/$/, ''),
      headers: [['Authorization', `Bearer ${KEY}`]],
      cacheMode: 'disabled',
      pollInterval: 0,
      fetchImplementation: (input: RequestInfo | URL, init?: RequestInit) => {
        requests.push(String(input))
        return fetch(input, init)
      },
    })
    await OpenFeature.setContext({ targetingKey: 'alice' })
    await OpenFeature.setProviderAndWait(provider)
    const client = OpenFeature.getClient()
    let changed = 0
    client.addHandler(ProviderEvents.ConfigurationChanged, () => {
      changed += 1
    })
    const before = client.getBooleanValue('dark-theme', false)
    // give the provider a moment to open its event stream before pushing
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await pushFlags(darkTheme(!before))).ok).toBe(true)
    await eventually(() => client.getBooleanValue('dark-theme', before) === !before, 'the new value over SSE')
    expect(changed).toBeGreaterThan(0)
    // one initial fetch and one refetch per event: no polling loop
    expect(requests.length).toBeLessThanOrEqual(3)
  })
})
