import { exports } from 'cloudflare:workers'

export type Message = { type: string; version?: number; flags?: Record<string, { value?: unknown; variant?: string; reason?: string; errorCode?: string }>; removed?: string[]; code?: string; message?: string }

export type TestSocket = {
  socket: WebSocket
  messages: Message[]
  /** The next message not yet taken; fails after `ms` (every socket wait has a deadline). */
  next: (ms?: number) => Promise<Message>
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>
  send: (message: unknown) => void
}

const base64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** Opens `/v1/stream` through the real Worker entry and collects what arrives. */
export const openSocket = async (key: string | undefined, context?: unknown, rawContext?: string): Promise<TestSocket> => {
  const query = new URLSearchParams()
  if (key !== undefined) query.set('key', key)
  if (rawContext !== undefined) query.set('context', rawContext)
  else if (context !== undefined) query.set('context', base64url(JSON.stringify(context)))
  const res = await exports.default.fetch(`http://edgeflags.test/v1/stream?${query}`, { headers: { Upgrade: 'websocket' } })
  const socket = res.webSocket
  if (socket === null) throw new Error(`no WebSocket: ${res.status} ${await res.text()}`)
  socket.accept()
  const messages: Message[] = []
  const waiting: ((message: Message) => void)[] = []
  let taken = 0
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data as string) as Message
    messages.push(message)
    waiting.shift()?.(message)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  )
  const next = (ms = 10_000) => {
    if (taken < messages.length) return Promise.resolve(messages[taken++])
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms)
      waiting.push((message) => {
        clearTimeout(timer)
        taken += 1
        resolve(message)
      })
    })
  }
  return { socket, messages, next, closed, send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)) }
}

/** Waits `ms` and returns what arrived meanwhile (to show a socket got nothing). */
export const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
