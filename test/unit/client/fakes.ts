import type { FetchLike, FlagStorage, ResponseLike, WebSocketConstructor, WebSocketLike } from '../../../src/client/types'

/** A socket the test drives: it opens, speaks and closes when told to. */
export type FakeSocket = WebSocketLike & {
  url: string
  sent: string[]
  open(): void
  receive(message: object | string): void
  /** The server or network ends the connection with `code`. */
  drop(code?: number): void
}

/** A WebSocket class that records every socket made, newest last. */
export const fakeWebSocket = () => {
  const sockets: FakeSocket[] = []
  const Socket = class implements FakeSocket {
    readyState = 0
    sent: string[] = []
    onopen: ((event: unknown) => void) | null = null
    onmessage: ((event: { data: unknown }) => void) | null = null
    onclose: ((event: { code: number }) => void) | null = null
    onerror: ((event: unknown) => void) | null = null
    constructor(readonly url: string) {
      sockets.push(this)
    }
    send(data: string) {
      if (this.readyState !== 1) throw new Error('not open')
      this.sent.push(data)
    }
    close() {
      this.drop(1005)
    }
    open() {
      this.readyState = 1
      this.onopen?.({})
    }
    receive(message: object | string) {
      this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) })
    }
    drop(code = 1006) {
      if (this.readyState === 3) return
      this.readyState = 3
      this.onclose?.({ code })
    }
  }
  return { sockets, Socket: Socket as WebSocketConstructor, last: () => sockets[sockets.length - 1] }
}

type Answer = { status: number; body?: unknown; etag?: string } | 'down'

/** An OFREP endpoint: answers with `answer` (or fails like a network when 'down'), logging requests. */
export const fakeOfrep = (initial: Answer) => {
  const requests: { url: string; headers: Record<string, string>; context: unknown }[] = []
  const server = {
    answer: initial,
    requests,
    fetch: (async (url, init) => {
      requests.push({ url, headers: init.headers, context: JSON.parse(init.body).context })
      const answer = server.answer
      if (answer === 'down') throw new TypeError('fetch failed')
      const response: ResponseLike = {
        status: answer.status,
        headers: { get: (name) => (name === 'ETag' ? (answer.etag ?? null) : null) },
        json: async () => answer.body,
      }
      return response
    }) as FetchLike,
  }
  return server
}

/** An OFREP bulk 200 with these values (variant 0, reason DEFAULT). */
export const bulk = (values: Record<string, unknown>, version = 1, etag = `"${version}"`): Answer => ({
  status: 200,
  etag,
  body: {
    flags: Object.entries(values).map(([key, value]) => ({ key, value, variant: '0', reason: 'DEFAULT', metadata: {} })),
    metadata: { version },
  },
})

/** Socket states for these values. */
export const states = (values: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, variant: '0', reason: 'DEFAULT' }]))

/** localStorage in memory. */
export const memoryStorage = (entries: Record<string, string> = {}): FlagStorage & { entries: Record<string, string> } => ({
  entries,
  getItem: (key) => entries[key] ?? null,
  setItem: (key, value) => {
    entries[key] = value
  },
})

export const silent = { warn: () => {} }
