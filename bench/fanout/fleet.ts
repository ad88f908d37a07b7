import WebSocket from 'ws'

/**
 * N client sockets in this process, each with an inbox of what arrived since the last `reset`,
 * stamped with `process.hrtime.bigint()` as the first thing the message handler does (parsing
 * waits until the round is over, so it never delays the next socket's stamp).
 */

export type Arrival = { at: bigint; data: Buffer }

export type Fleet = {
  size: number
  /** Each socket's first message (its put or hello), as text. */
  firsts: string[]
  inboxes: Arrival[][]
  /** Empties the inboxes; `waitFilled(count)` then resolves once `count` of them hold a message. */
  reset: () => void
  waitFilled: (count: number, ms: number) => Promise<void>
  /** Sockets that closed or failed after opening. */
  lost: () => number
  close: () => Promise<void>
}

const BATCH = 100
const OPEN_MS = 30_000
const CLOSE_MS = 10_000

// Resolves with the first message, so a socket counts as open only once the server has sent it
const openOne = (url: string) =>
  new Promise<{ socket: WebSocket; first: string }>((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false })
    const timer = setTimeout(() => fail(new Error(`no first message within ${OPEN_MS} ms`)), OPEN_MS)
    const fail = (error: Error) => {
      clearTimeout(timer)
      socket.terminate()
      reject(error)
    }
    socket.once('error', fail)
    socket.once('close', (code, reason) => fail(new Error(`closed before its first message: ${code} ${reason}`)))
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer)
      socket.removeAllListeners()
      resolve({ socket, first: data.toString() })
    })
  })

/** Opens `count` sockets, BATCH at a time; `urlFor(i)` gives socket i's address. */
export async function openFleet(count: number, urlFor: (index: number) => string, opened: WebSocket[] = []): Promise<Fleet> {
  const sockets: WebSocket[] = []
  const firsts: string[] = []
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => openOne(urlFor(start + i)))
    const settled = await Promise.allSettled(batch)
    for (const result of settled) if (result.status === 'fulfilled') opened.push(result.value.socket)
    const failed = settled.find((result) => result.status === 'rejected')
    if (failed !== undefined) throw new Error(`socket ${start}+ failed to open: ${(failed as PromiseRejectedResult).reason}`)
    for (const result of settled as PromiseFulfilledResult<{ socket: WebSocket; first: string }>[]) {
      sockets.push(result.value.socket)
      firsts.push(result.value.first)
    }
  }
  return fleetOf(sockets, firsts)
}

function fleetOf(sockets: WebSocket[], firsts: string[]): Fleet {
  let inboxes: Arrival[][] = sockets.map(() => [])
  let filled = 0
  let want = Infinity
  let done = () => {}
  let lost = 0
  sockets.forEach((socket, index) => {
    socket.on('message', (data: Buffer) => {
      const at = process.hrtime.bigint()
      const inbox = inboxes[index]
      inbox.push({ at, data })
      if (inbox.length === 1 && ++filled >= want) done()
    })
    socket.on('close', () => void (lost += 1))
    socket.on('error', () => undefined)
  })
  const reset = () => {
    inboxes = sockets.map(() => [])
    filled = 0
    want = Infinity
  }
  const waitFilled = (count: number, ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (filled >= count) return resolve()
      const timer = setTimeout(() => reject(new Error(`${filled} of ${count} sockets got a message within ${ms} ms`)), ms)
      want = count
      done = () => {
        clearTimeout(timer)
        want = Infinity
        resolve()
      }
    })
  return { size: sockets.length, firsts, get inboxes() { return inboxes }, reset, waitFilled, lost: () => lost, close: () => closeAll(sockets) }
}

/** Closes every socket, and terminates those whose close handshake does not finish in time. */
export async function closeAll(sockets: WebSocket[]) {
  const closed = sockets.map((socket) =>
    socket.readyState === WebSocket.CLOSED ? undefined : new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.close(1000)
    }))
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_MS)))])
  clearTimeout(timer)
  for (const socket of sockets) if (socket.readyState !== WebSocket.CLOSED) socket.terminate()
}
