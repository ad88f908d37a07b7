import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import darkThemeOn from '../../examples/dark-theme-on.json'
import { DEV_ENVIRONMENT, DEV_KEYS } from '../../scripts/dev-credentials'
import { freePort } from '../../scripts/dev-proxy'
import { push } from '../../scripts/push'
import { accepts, sleep, startDev, stopDev, waitFor, type DevProcess } from './support/dev-process'
import { eventually } from './support/seeded-worker'

// `npm run dev` is ready when it says so: the real script (wrangler dev, the seed step and the
// proxy in front) on a free port with its state in a temporary folder. From the moment the port
// accepts connections, the README's first curl never answers 401; WebSockets and server-sent
// events pass through the proxy live.

const START_MS = 50_000

let port: number
let base: string
let persist: string
let dev: DevProcess

/** The README's first curl (OFREP single evaluation of api-count-field with the dev client key). */
const readmeCurl = () =>
  fetch(`${base}/ofrep/v1/evaluate/flags/api-count-field`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${DEV_KEYS.client}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'legacy-client-1' } }),
  })

beforeAll(async () => {
  port = await freePort()
  base = `http://127.0.0.1:${port}`
  persist = mkdtempSync(join(tmpdir(), 'edgeflags-dev-'))
  dev = startDev(port, persist)
})

afterAll(async () => {
  await stopDev(dev)
  rmSync(persist, { recursive: true, force: true })
})

describe('npm run dev', () => {
  it('opens its port only once the README\'s first curl answers 200, never 401', { timeout: START_MS + 10_000 }, async () => {
    await waitFor(dev, () => accepts(port), `port ${port} to open`, START_MS)
    const deadline = Date.now() + START_MS
    const statuses: number[] = []
    for (;;) {
      const res = await readmeCurl()
      statuses.push(res.status)
      if (res.status === 200) {
        expect(await res.json()).toMatchObject({ key: 'api-count-field', value: 'total', reason: 'TARGETING_MATCH' })
        break
      }
      expect(res.status, await res.text()).not.toBe(401)
      if (Date.now() > deadline) throw new Error(`still ${res.status} after ${START_MS / 1000} s:\n${dev.output()}`)
      await sleep(20)
    }
    // nothing answers on the port before the environment is loaded: the first answer is the README's
    expect(statuses).toEqual([200])
    await eventually(() => dev.output().includes(`[edgeflags] ready: ${base}`), 'the ready line', 5_000)
  })

  it('passes WebSockets and server-sent events through, live', async () => {
    const context = Buffer.from(JSON.stringify({ targetingKey: 'legacy-client-1' })).toString('base64url')
    const socket = new WebSocket(`ws://127.0.0.1:${port}/v1/stream?key=${DEV_KEYS.client}&context=${context}`)
    const messages: { type: string; flags?: Record<string, { value?: unknown }> }[] = []
    socket.on('message', (data) => messages.push(JSON.parse(String(data))))

    // the OFREP bulk answer names the change stream on the port the client used, not wrangler's
    const bulk = await fetch(`${base}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEV_KEYS.client}`, 'Content-Type': 'application/json' },
      body: '{}',
    })
    const { eventStreams } = (await bulk.json()) as { eventStreams: { url: string }[] }
    expect(eventStreams[0].url).toBe(`${base}/v1/sse?key=${DEV_KEYS.client}`)
    const events = new AbortController()
    const sse = await fetch(eventStreams[0].url, { signal: events.signal })
    expect(sse.headers.get('content-type')).toContain('text/event-stream')
    let received = ''
    const reading = (async () => {
      for await (const chunk of sse.body!.pipeThrough(new TextDecoderStream())) received += chunk
    })().catch(() => undefined)

    try {
      await eventually(() => messages.length > 0 && received.includes(': connected'), 'the put and the SSE greeting')
      expect(messages[0]).toMatchObject({ type: 'put', flags: { 'api-count-field': { value: 'total' }, 'dark-theme': { value: false } } })

      // signed with the dev webhook secret, as `npm run push` does
      const pushed = await push({ body: darkThemeOn, env: DEV_ENVIRONMENT, url: base })
      expect(pushed.ok, pushed.text).toBe(true)
      await eventually(() => messages.length > 1 && received.includes('refetchEvaluation'), 'the patch and the SSE event')
      expect(messages[1]).toMatchObject({ type: 'patch', flags: { 'dark-theme': { value: true } } })
    } finally {
      socket.close()
      events.abort()
      await reading
    }
  })
})
