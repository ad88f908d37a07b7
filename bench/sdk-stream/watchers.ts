import { init, type LDClient, type LDLogger } from '@launchdarkly/node-server-sdk'
import WebSocket from 'ws'
import { CLIENT_KEY, contextFor, encodeContext, promoValueForA } from '../fanout/flags'
import { SERVER_KEY } from './worker'

/**
 * The two clients a push is timed to: LaunchDarkly's Node server SDK (its `update:promo` event,
 * after it applied the patch from `/all`) and a WebSocket on edgeflags' `/v1/stream` (its patch
 * message). Each stamps `process.hrtime.bigint()` first thing, and checks what it got afterwards.
 */

export type Watcher = {
  name: string
  /** Resolves with the arrival stamp of the next change, or rejects after `ms`. */
  next: (ms: number) => Promise<bigint>
  /** Why the client's view after change `round` is wrong, or undefined when it is right. */
  check: (round: number) => Promise<string | undefined>
  close: () => Promise<void>
}

const INIT_TIMEOUT_S = 30

// One pending arrival at a time: a push is sent only after both clients had the last one
const arrivals = (name: string) => {
  let waiting: ((at: bigint) => void) | undefined
  const arrived = (at: bigint) => {
    const resolve = waiting
    waiting = undefined
    resolve?.(at)
  }
  const next = (ms: number) =>
    new Promise<bigint>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: nothing within ${ms} ms`)), ms)
      waiting = (at) => {
        clearTimeout(timer)
        resolve(at)
      }
    })
  return { arrived, next }
}

const quietLogger = (problems: string[]): LDLogger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (...args) => void problems.push(args.join(' ')),
  error: (...args) => void problems.push(args.join(' ')),
})

export async function watchSdk(origin: URL): Promise<Watcher> {
  const base = String(origin).replace(/\/$/, '')
  const problems: string[] = []
  const client: LDClient = init(SERVER_KEY, {
    baseUri: base,
    streamUri: base,
    eventsUri: base,
    sendEvents: false,
    diagnosticOptOut: true,
    logger: quietLogger(problems),
  })
  await client.waitForInitialization({ timeout: INIT_TIMEOUT_S })
  const { arrived, next } = arrivals('server SDK')
  client.on('update:promo', () => arrived(process.hrtime.bigint()))
  const { targetingKey, ...attributes } = contextFor(0)
  const context = { kind: 'user', key: targetingKey, ...attributes }
  return {
    name: 'LaunchDarkly Node server SDK (update event)',
    next,
    check: async (round) => {
      const value = await client.variation('promo', context, 'unset')
      if (problems.length > 0) return `server SDK logged: ${problems.splice(0).join('; ')}`
      return value === promoValueForA(round) ? undefined : `server SDK: promo is ${value} after change ${round}`
    },
    close: async () => client.close(),
  }
}

export async function watchSocket(origin: URL): Promise<Watcher> {
  const url = `ws://${origin.host}/v1/stream?key=${CLIENT_KEY}&context=${encodeContext(contextFor(0))}`
  const socket = new WebSocket(url, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('message', () => resolve())
    socket.once('error', reject)
  })
  const { arrived, next } = arrivals('WebSocket')
  let last = ''
  socket.on('message', (data: Buffer) => {
    arrived(process.hrtime.bigint())
    last = data.toString()
  })
  return {
    name: 'edgeflags WebSocket /v1/stream (patch message)',
    next,
    check: async (round) => {
      const { type, flags } = JSON.parse(last)
      const value = flags?.promo?.value
      return type === 'patch' && value === promoValueForA(round) ? undefined : `WebSocket: got ${last} after change ${round}`
    },
    close: async () => socket.terminate(),
  }
}
