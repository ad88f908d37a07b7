import type { CompiledRuleset } from '../evaluation'
import type { HubTally } from '../insights/hub-tally'
import { affectedFlags } from './affected'
import { sameState, stateIn, type FlagState } from './flag-states'
import type { SocketInfo } from './sockets'

/** A socket's changes; `updatedAt` is when the change was accepted, so clients can show the delay. */
export type Patch = { type: 'patch'; version: number; updatedAt: string; flags: Record<string, FlagState>; removed: string[] }

/** What changed for one client: new or different states, and flags it may no longer see. */
export type StateChanges<S> = { flags: Record<string, S>; removed: string[] }

/**
 * What changed for one client among the flags a change can affect, given its state of a flag
 * before and after (undefined where it may not see the flag). Undefined when nothing did.
 */
export const changedStates = <S>(
  affected: Iterable<string>,
  before: (key: string) => S | undefined,
  after: (key: string) => S | undefined,
  same: (a: S | undefined, b: S | undefined) => boolean,
): StateChanges<S> | undefined => {
  const flags: Record<string, S> = {}
  const removed: string[] = []
  let changed = false
  for (const key of affected) {
    const previous = before(key)
    const next = after(key)
    if (next === undefined) {
      if (previous !== undefined) removed.push(key)
      else continue
    } else if (!same(previous, next)) {
      flags[key] = next
    } else continue
    changed = true
  }
  return changed ? { flags, removed } : undefined
}

/**
 * What changed for one socket between two rulesets, among the flags the change can affect: new
 * or different states, and flags it may no longer see (deleted, or made invisible to its kind).
 * Undefined when nothing it sees changed.
 */
export const patchFor = (
  socket: SocketInfo,
  affected: Iterable<string>,
  before: CompiledRuleset | undefined,
  after: CompiledRuleset,
  version: number,
  updatedAt: string,
): Patch | undefined => {
  const changes = changedStates(
    affected,
    (key) => stateIn(before, key, socket.context, socket.kind),
    (key) => stateIn(after, key, socket.context, socket.kind),
    sameState,
  )
  return changes && { type: 'patch', version, updatedAt, ...changes }
}

export type FanoutResult = { sockets: number; sent: number }

/**
 * Sends each socket the patch for its own context, and nothing to sockets whose values did not
 * change. Sockets that fail to take a message are skipped (they are closing).
 */
export const fanout = (
  sockets: Iterable<{ socket: WebSocket; info: SocketInfo }>,
  change: {
    before: CompiledRuleset | undefined
    after: CompiledRuleset
    version: number
    updatedAt: string
    flags: string[]
    segments: string[]
  },
  /** Counts what each socket was sent (flag insights). */
  tally?: Pick<HubTally, 'countStates'>,
): FanoutResult => {
  const affected = [...affectedFlags([change.before, change.after], change.flags, change.segments)]
  let count = 0
  let sent = 0
  for (const { socket, info } of sockets) {
    count += 1
    const patch = patchFor(info, affected, change.before, change.after, change.version, change.updatedAt)
    if (patch === undefined) continue
    try {
      socket.send(JSON.stringify(patch))
      sent += 1
      tally?.countStates(patch.flags)
    } catch {
      // the socket is closing; its close handler forgets it
    }
  }
  return { sockets: count, sent }
}
