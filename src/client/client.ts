import { backoffDelay } from './backoff'
import { createEmitter } from './emitter'
import { applyPatch, applyPut, fromValues, valueOf, type Applied, type FlagState, type FlagStates } from './flags'
import { fetchFlags, type BulkAnswer } from './ofrep'
import { createReady } from './ready'
import { BAD_CONTEXT, BAD_KEY, openStream, streamUrl, type ServerMessage, type Stream } from './socket'
import { readPageBootstrap } from './page-bootstrap'
import { createPersister, readStored, storageKey } from './storage'
import type { Client, ClientOptions, FetchLike, FlagValue, ValueOf, WebSocketConstructor } from './types'
import { detailFor } from './variation'

/**
 * While the socket is down, OFREP is polled at most this often and at most once per reconnect
 * attempt, so the interval is this or the backoff delay, whichever is larger. The first failed
 * attempt after a live socket (or the first fetch) polls at once, so offline shows quickly.
 */
export const POLL_MS = 30_000

const OPEN = 1
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)))

/**
 * A client for live flag values, with no dependencies: it starts from `bootstrap` (or the values
 * stored last time), fetches OFREP bulk, then holds a WebSocket that pushes every change. When
 * the socket drops it reconnects with backoff and polls OFREP meanwhile; offline, it keeps
 * serving the last values it had.
 *
 * @example
 * const flags = createClient({
 *   baseUrl: 'https://flags.example.com',
 *   key: 'client-key',
 *   context: { targetingKey: 'u-42' },
 * })
 * await flags.ready()
 * render(flags.variation('dark-theme', false))
 * flags.on('change:dark-theme', (on) => render(on))
 */
export const createClient = (options: ClientOptions): Client => {
  const { key, storage, bootstrap } = options
  // values the edge wrote into the page win over stored ones and come with their version and ETag
  const page = bootstrap === undefined ? readPageBootstrap(options.context) : undefined
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  // called as a plain function: browsers refuse `fetch` called as another object's method
  const send: FetchLike = options.fetch ?? (globalThis.fetch as FetchLike)
  const runtime = globalThis as unknown as { WebSocket?: WebSocketConstructor }
  const Socket = options.WebSocket === undefined ? runtime.WebSocket : options.WebSocket
  const logger = options.logger ?? console
  const events = createEmitter((error) => logger.warn('edgeflags: a listener threw', error))
  const ready = createReady(() => events.emit('ready'))
  const persister =
    storage && createPersister(storage, (error) => logger.warn('edgeflags: could not store flags', error))

  let context = options.context ?? page?.context ?? {}
  let states: FlagStates = page ? page.flags : bootstrap === undefined ? {} : fromValues(bootstrap, 'STATIC')
  let hasValues = bootstrap !== undefined || page !== undefined
  /** The newest version applied: a patch must be newer, an OFREP answer as new while the socket is live. */
  let version = page?.version ?? -1
  /** When the server accepted the newest version applied (from the stream). */
  let updatedAt: string | undefined
  let etag = page?.etag
  /** Bumped by identify and close, so answers to earlier requests are dropped. */
  let generation = 0
  /** Aborts the fetches of this generation. */
  let cancel = new AbortController()
  let stream: Stream | undefined
  /** Whether the stream has had its put. */
  let live = false
  /** The error message the server sent on this stream, reported before a refusing close. */
  let told: Error | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  /** When OFREP is polled next while the socket is down; never while it is live. */
  let pollAt = Infinity
  let offline = false
  /** Set when the server refused the key or context (until identify), and by close. */
  let stopped = false
  let closed = false
  /** identify calls waiting for the next outcome. */
  let waiting: Array<(error?: Error) => void> = []

  const settle = (error?: Error) => {
    const done = waiting
    waiting = []
    for (const callback of done) callback(error)
  }

  const setOffline = (value: boolean) => {
    if (offline === value) return
    offline = value
    events.emit('offline', value)
  }

  const apply = ({ states: next, changed }: Applied, fromServer: boolean) => {
    const before = states
    states = next
    hasValues = true
    if (fromServer) persister?.schedule(storageKey(baseUrl, key, context), next)
    if (changed.length === 0) return
    events.emit('change', changed)
    for (const flag of changed) events.emit(`change:${flag}`, valueOf(next[flag]), valueOf(before[flag]))
  }

  const succeeded = () => {
    setOffline(false)
    ready.resolve()
    settle()
  }

  /** An attempt that may work later: the client keeps serving what it has and tries again. */
  const failed = (error: Error, overHttp: boolean) => {
    logger.warn(`edgeflags: ${error.message}`)
    if (overHttp && !live) setOffline(true)
    if (hasValues) ready.resolve()
    settle(error)
  }

  /** The server refused the key or the context: no retries until identify. */
  const refused = (error: Error, report: boolean) => {
    drop()
    stopped = true
    if (report) events.emit('error', error)
    if (hasValues) ready.resolve()
    else ready.reject(error)
    settle(error)
  }

  /** Ends the stream and any pending retry. */
  const drop = () => {
    clearTimeout(timer)
    stream?.close()
    stream = undefined
    live = false
  }

  /** One OFREP bulk fetch, applied unless identify or close came first. */
  const load = async () => {
    const at = generation
    let answer: BulkAnswer
    try {
      answer = await fetchFlags(send, { baseUrl, key, context, etag }, cancel.signal)
    } catch (error) {
      if (at === generation) failed(asError(error), true)
      return
    }
    if (at !== generation) return
    if ('states' in answer) {
      // a poll that crossed a newer put or patch on its way is stale; without a live socket,
      // the server's answer wins even if older (its environment may have been recreated)
      if (!live || answer.version >= version) {
        version = answer.version
        etag = answer.etag
        apply(applyPut(states, answer.states), true)
      }
      return succeeded()
    }
    if (answer.status === 304) return succeeded()
    const error = new Error(`OFREP answered ${answer.status}${answer.detail ? `: ${answer.detail}` : ''}`)
    if ([400, 401, 403].includes(answer.status)) refused(error, true)
    else failed(error, true)
  }

  const retry = () => {
    clearTimeout(timer)
    timer = setTimeout(tick, Socket ? backoffDelay(attempt++) : POLL_MS)
  }

  const tick = async () => {
    const at = generation
    if (!Socket || Date.now() >= pollAt) {
      pollAt = Date.now() + POLL_MS
      await load()
    }
    if (at === generation && !stopped && stream === undefined) connect()
  }

  const onMessage = (message: ServerMessage) => {
    if (message.type === 'put') {
      live = true
      attempt = 0
      pollAt = Infinity
      version = message.version
      updatedAt = message.updatedAt
      apply(applyPut(states, message.flags), true)
      succeeded()
    } else if (message.type === 'patch') {
      // a socket that connects during a change can get the new version's put and its patch too
      if (message.version <= version) return
      version = message.version
      updatedAt = message.updatedAt
      apply(applyPatch(states, message.flags, message.removed), true)
    } else {
      // sent before a refusing close, or in answer to a bad identify
      told = new Error(`${message.code}: ${message.message}`)
      events.emit('error', told)
      settle(told)
    }
  }

  const onClosed = (code: number) => {
    const wasLive = live
    stream = undefined
    live = false
    if (code === BAD_KEY || code === BAD_CONTEXT) {
      return refused(told ?? new Error(`The stream was refused (${code})`), told === undefined)
    }
    if (!wasLive) {
      // the first failed attempt polls at once (POLL_MS)
      if (pollAt === Infinity) pollAt = 0
      failed(new Error(`The stream could not connect (${code})`), false)
    }
    retry()
  }

  /** Opens the stream, or polls on a timer where there is no WebSocket. */
  const connect = () => {
    if (!Socket) return retry()
    told = undefined
    try {
      stream = openStream(Socket, streamUrl(baseUrl, key, context), { message: onMessage, closed: onClosed })
    } catch (error) {
      failed(asError(error), false)
      retry()
    }
  }

  /** Stored values (when asked), then OFREP, then the stream: at creation and on identify. */
  const start = async (fromStorage: boolean) => {
    const at = generation
    if (fromStorage && storage !== undefined) {
      try {
        const stored = await readStored(storage, storageKey(baseUrl, key, context))
        if (stored !== undefined && at === generation) apply(applyPut(states, stored), false)
      } catch (error) {
        logger.warn('edgeflags: could not read stored flags', error)
      }
    }
    if (at !== generation) return
    await load()
    if (at !== generation || stopped) return
    pollAt = Infinity
    connect()
  }

  /** Drops whatever is under way for the current context. */
  const nextGeneration = () => {
    generation += 1
    cancel.abort()
    cancel = new AbortController()
  }

  const stateOf = (flag: string): FlagState | undefined => (hasOwn(states, flag) ? states[flag] : undefined)
  const report = (error: unknown) => logger.warn('edgeflags:', error)

  start(bootstrap === undefined && page === undefined).catch(report)

  return {
    ready: () => ready.promise,
    variation: <T extends FlagValue>(flag: string, defaultValue: T) =>
      detailFor(stateOf(flag), defaultValue as ValueOf<T>).value,
    variationDetail: <T extends FlagValue>(flag: string, defaultValue: T) =>
      detailFor(stateOf(flag), defaultValue as ValueOf<T>),
    meta: () => ({ version: version < 0 ? undefined : version, updatedAt }),
    allFlags: () => {
      const values: Record<string, FlagValue> = {}
      for (const [flag, state] of Object.entries(states)) if ('value' in state) values[flag] = state.value
      return values
    },
    identify: (next) => {
      if (closed) return Promise.reject(new Error('The client is closed'))
      context = next
      etag = undefined
      version = -1
      nextGeneration()
      return new Promise<void>((resolve, reject) => {
        waiting.push((error) => (error ? reject(error) : resolve()))
        if (live && stream?.socket.readyState === OPEN) {
          try {
            return stream.socket.send(JSON.stringify({ type: 'identify', context }))
          } catch {
            // closing: start over below
          }
        }
        drop()
        stopped = false
        attempt = 0
        start(true).catch(report)
      })
    },
    on: (event, listener) => events.on(event, listener),
    close: () => {
      if (closed) return
      closed = stopped = true
      nextGeneration()
      drop()
      persister?.flush()
      events.clear()
      const error = new Error('The client was closed')
      ready.reject(error)
      settle(error)
    },
  }
}
