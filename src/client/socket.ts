import type { FlagStates } from './flags'
import type { EvaluationContext, WebSocketConstructor, WebSocketLike } from './types'

/** A message of `edgeflags.v1` (README, "Live updates"). */
export type ServerMessage =
  | { type: 'put'; version: number; updatedAt?: string; flags: FlagStates }
  | { type: 'patch'; version: number; updatedAt?: string; flags: FlagStates; removed?: string[] }
  | { type: 'error'; code: string; message: string }

/** Close codes with which the server refuses a socket (README, "Live updates"). */
export const BAD_KEY = 4401
export const BAD_CONTEXT = 4400

// UTF-8, then base64url without padding, as the server decodes it
const base64Url = (text: string) =>
  btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(''))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/**
 * The stream's address: `ws:` or `wss:` as the base URL is `http:` or `https:`, with the key
 * and context in the query, since browsers cannot set headers on a WebSocket.
 */
export const streamUrl = (baseUrl: string, key: string, context: EvaluationContext) =>
  `${baseUrl.replace(/^http/, 'ws')}/v1/stream` +
  `?key=${encodeURIComponent(key)}&context=${base64Url(JSON.stringify(context))}`

/** A server message, or undefined for `pong`, text that is not JSON and unknown types. */
export const parseMessage = (text: string): ServerMessage | undefined => {
  try {
    const message = JSON.parse(text)
    if (message.type === 'error') return message
    const valid = typeof message.version === 'number' && typeof message.flags === 'object' && message.flags !== null
    if ((message.type === 'put' || message.type === 'patch') && valid) return message
  } catch {
    // pong, or a message from a newer server
  }
  return undefined
}

/** Keep-alive: the server answers the text `ping` with `pong` (README, "Live updates"). */
export const PING_MS = 30_000
/**
 * A socket that said nothing for this long (no put, no pong) is taken for dead and replaced:
 * three pings, as background tabs may run timers only once a minute.
 */
export const SILENCE_MS = 3 * PING_MS

const OPEN = 1

export type StreamHandlers = {
  /** A put, patch or error message. */
  message(message: ServerMessage): void
  /** The socket closed with `code`, or went silent (1006). */
  closed(code: number): void
}

/** An open stream; `close` ends it without calling `closed`. */
export type Stream = { socket: WebSocketLike; close(): void }

/**
 * Opens the stream and keeps it alive: `ping` every PING_MS, and a socket silent for SILENCE_MS
 * (half-open, or stuck connecting) is closed and reported as closed. Throws when the socket
 * cannot even be made (a bad URL, a content security policy).
 */
export const openStream = (Socket: WebSocketConstructor, url: string, handlers: StreamHandlers): Stream => {
  const socket = new Socket(url)
  let heard = Date.now()
  let done = false
  const stop = () => {
    if (done) return false
    done = true
    clearInterval(watch)
    try {
      socket.close()
    } catch {
      // already closing
    }
    return true
  }
  const end = (code: number) => {
    if (stop()) handlers.closed(code)
  }
  const watch = setInterval(() => {
    if (Date.now() - heard > SILENCE_MS) end(1006)
    else if (socket.readyState === OPEN) socket.send('ping')
  }, PING_MS)
  // a close event follows; the `ws` package throws when an error has no listener
  socket.onerror = () => {}
  socket.onclose = (event: { code: number }) => end(event.code)
  socket.onmessage = (event: { data: unknown }) => {
    if (done) return
    heard = Date.now()
    const message = parseMessage(String(event.data))
    if (message !== undefined) handlers.message(message)
  }
  return { socket, close: () => void stop() }
}
