import { Miniflare } from 'miniflare'
import { expectJson, type Round, type Target } from './targets'

/**
 * The floor: a bare Durable Object in a second Miniflare (same workerd, compatibility date and
 * flags as wrangler.toml) that holds hibernatable sockets and, on POST /broadcast, sends one
 * constant message to all of them. Like edgeflags, the Worker hands the upgrade to the object
 * with `stub.fetch`, so both sockets take the same path through the runtime.
 *
 * Two more measurements share its sockets: `floor-half` sends the same message only to the even
 * sockets (it reads each socket's attachment to choose, as the Hub reads its own), so it sends as
 * many messages as edgeflags; and `ping` times a request to the object that sends nothing.
 */

// The shape and size of the patch that edgeflags sends in its value-on rounds
export const MESSAGE = JSON.stringify({
  type: 'patch',
  version: 2,
  flags: { promo: { value: true, variant: '1', reason: 'TARGETING_MATCH' } },
  removed: [],
})
const HELLO = JSON.stringify({ type: 'hello' })

const SCRIPT = `
import { DurableObject } from 'cloudflare:workers'

export class Room extends DurableObject {
  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/ping') return new Response('pong')
    if (url.pathname === '/broadcast') {
      const every = Number(url.searchParams.get('every') ?? '1')
      let sent = 0
      for (const socket of this.ctx.getWebSockets()) {
        if (every > 1 && socket.deserializeAttachment().index % every !== 0) continue
        try {
          socket.send(this.env.MESSAGE)
          sent += 1
        } catch {}
      }
      return new Response(String(sent))
    }
    const [client, server] = Object.values(new WebSocketPair())
    this.ctx.acceptWebSocket(server)
    server.serializeAttachment({ index: Number(url.searchParams.get('index')) })
    server.send(this.env.HELLO)
    return new Response(null, { status: 101, webSocket: client })
  }

  async webSocketClose(socket, code, reason) {
    try { socket.close(code === 1005 ? 1000 : code, reason) } catch {}
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url)
    const room = env.ROOM.getByName('floor')
    if (pathname === '/ws' && request.headers.get('Upgrade') === 'websocket') return room.fetch(request)
    if ((pathname === '/broadcast' || pathname === '/ping') && request.method === 'POST') return room.fetch(request)
    return new Response('not found', { status: 404 })
  },
}
`

export type Floor = { all: Target; half: Target; ping: () => Promise<number> }

const PINGS = 21

const broadcastRound = (url: URL, every: number, sockets: number): Round => ({
  send: () => fetch(url, { method: 'POST' }),
  affected: (index) => index % every === 0,
  checkMessage: (index, text) => expectJson(`socket ${index}'s message`, text, MESSAGE),
  checkResponse: (status, text) => expectJson('broadcast answer', [status, text], [200, String(Math.ceil(sockets / every))]),
})

export async function startFloor(): Promise<Floor> {
  const miniflare = new Miniflare({
    modules: true,
    script: SCRIPT,
    compatibilityDate: '2026-04-26',
    compatibilityFlags: ['nodejs_compat'],
    durableObjects: { ROOM: { className: 'Room', useSQLite: true } },
    bindings: { MESSAGE, HELLO },
    host: '127.0.0.1',
    port: 0,
  })
  const url = await miniflare.ready
  const target = (name: Target['name'], every: number, dispose: () => Promise<void>): Target => ({
    name,
    server: 'floor',
    socketUrl: (index) => `ws://${url.host}/ws?index=${index}`,
    checkFirst: (index, text) => expectJson(`socket ${index}'s hello`, text, HELLO),
    prepare: async (sockets) => broadcastRound(new URL(`/broadcast?every=${every}`, url), every, sockets),
    dispose,
  })
  return {
    all: target('floor', 1, () => miniflare.dispose()),
    half: target('floor-half', 2, async () => undefined),
    ping: () => medianPing(new URL('/ping', url)),
  }
}

/** The median time of a request to the object and back, sending nothing to sockets. */
async function medianPing(url: URL): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < PINGS; i++) {
    const start = process.hrtime.bigint()
    await (await fetch(url, { method: 'POST' })).text()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return times.sort((a, b) => a - b)[Math.floor(PINGS / 2)]
}
