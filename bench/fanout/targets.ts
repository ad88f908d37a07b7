/**
 * What a round needs from a server: where socket i connects, what its first message must be,
 * and for round r the request that makes the server send, which sockets must get a message
 * and what it must say.
 */

export type Round = {
  /** Sends the request; everything slow (signing, JSON) is done before this is called. */
  send: () => Promise<Response>
  affected: (index: number) => boolean
  /** Why socket `index`'s message is wrong, or undefined when it is right. */
  checkMessage: (index: number, text: string) => string | undefined
  checkResponse: (status: number, body: string) => string | undefined
}

export type Target = {
  name: 'edgeflags' | 'floor' | 'floor-half'
  /** Targets with the same server share one fleet of sockets. */
  server: string
  socketUrl: (index: number) => string
  checkFirst: (index: number, text: string) => string | undefined
  /** The next round, for a fleet of `sockets` (every call is one more change). */
  prepare: (sockets: number) => Promise<Round>
  dispose: () => Promise<void>
}

/** `what` when `actual` is not `expected` (both as JSON). */
export const expectJson = (what: string, actual: unknown, expected: unknown) =>
  JSON.stringify(actual) === JSON.stringify(expected) ? undefined : `${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`
