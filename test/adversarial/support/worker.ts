import { env, exports } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../../src/index'
import { isolateInsights } from '../../../src/insights/worker'

export const BASE = 'http://edgeflags.test'

// `send` waits on each request's waitUntil work; the request that opens an insights window would
// hold it FLUSH_MS for the window's deadline (tested in test/worker/insights.test.ts), so counts
// here leave only with later requests, as they did before deadlines
isolateInsights.deadlineMs = undefined

/** One request as a fuzz case describes it. GET and HEAD never carry a body. */
export type Sent = {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

/** What came back: the status, headers, the body as text (an event stream's first chunk). */
export type Answer = { status: number; headers: Headers; text: string; webSocket: WebSocket | null }

let sent = 0

/** Requests sent through either entry since the isolate started (per test file). */
export const requestCount = () => sent

const EVENT_STREAM_DEADLINE_MS = 5_000

// An event stream never ends: read what the Hub sends on connect, then hang up
const firstChunk = async (body: ReadableStream<Uint8Array>) => {
  const reader = body.getReader()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event-stream chunk within ${EVENT_STREAM_DEADLINE_MS} ms`)), EVENT_STREAM_DEADLINE_MS)
  })
  try {
    const { value } = await Promise.race([reader.read(), deadline])
    return new TextDecoder().decode(value)
  } finally {
    clearTimeout(timer)
    await reader.cancel().catch(() => undefined)
  }
}

const toAnswer = async (response: Response): Promise<Answer> => {
  const isStream = response.headers.get('Content-Type')?.startsWith('text/event-stream') && response.body !== null
  const text = response.webSocket !== null ? '' : isStream ? await firstChunk(response.body!) : await response.text()
  return { status: response.status, headers: response.headers, text, webSocket: response.webSocket }
}

/**
 * Sends a request to the Worker's default export inside this isolate, with the test's own
 * bindings: the same code and the same KV and Hub as `exports.default.fetch`, without its
 * loopback. vitest-pool-workers 0.15.1 wraps the entrypoint wrapper's prototype in one more
 * Proxy on every call (`createProxyPrototypeClass`), so `exports.default.fetch` slows down
 * with each call made in a file: measured here, 300 calls took 2 s, the next 300 12 s, the
 * next 30 s. Thousands of fuzz requests go this way; `sendThroughExports` takes a sample.
 */
export const send = async ({ method, path, headers = {}, body }: Sent): Promise<Answer> => {
  sent += 1
  const ctx = createExecutionContext()
  const request = new Request(BASE + path, { method, headers, body }) as Request<unknown, IncomingRequestCfProperties>
  const answer = await toAnswer(await worker.fetch(request, env, ctx))
  await waitOnExecutionContext(ctx)
  return answer
}

/** The same request through the real service-binding entry, `exports.default.fetch`. */
export const sendThroughExports = async ({ method, path, headers = {}, body }: Sent): Promise<Answer> => {
  sent += 1
  return toAnswer(await exports.default.fetch(BASE + path, { method, headers, body }))
}

export type SocketOutcome = {
  messages: { type?: string; code?: string; message?: string; flags?: Record<string, unknown>; version?: number }[]
  /** Set when the server closed the socket. */
  close?: { code: number; reason: string }
}

/**
 * Accepts a WebSocket answer and waits (with a deadline) until the server closes it or sends
 * its first `put`; a socket that got its put is closed here, so the Hub does not keep it.
 */
export const settleSocket = (socket: WebSocket, ms = 5_000): Promise<SocketOutcome> =>
  new Promise((resolve, reject) => {
    const outcome: SocketOutcome = { messages: [] }
    const timer = setTimeout(() => reject(new Error(`socket neither closed nor sent a put within ${ms} ms`)), ms)
    const done = () => {
      clearTimeout(timer)
      resolve(outcome)
    }
    socket.addEventListener('message', (event) => {
      outcome.messages.push(JSON.parse(String(event.data)))
      if (outcome.messages[0]?.type === 'put') {
        socket.close(1000, 'fuzz case done')
        done()
      }
    })
    socket.addEventListener('close', (event) => {
      outcome.close = { code: event.code, reason: event.reason }
      done()
    })
    socket.accept()
  })
