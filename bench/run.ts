import { PAIR_MASK, type LdFlag, type Pairs } from './fixtures'
import type { Timed } from './measure'
import type { Peer, Session } from './peers/peer'

/** The three measurements, each the same for every peer. */

/** (a) One random flag for one random context, drawn from the pre-made pairs. */
export function oneFlag(peer: Peer, session: Session, pairs: Pairs): Timed {
  const { flagKeys, contextIndexes } = pairs
  const op = (i: number) => session.one(flagKeys[i & PAIR_MASK], contextIndexes[i & PAIR_MASK])
  return { async: peer.async, op }
}

/** (b) Every flag for one random context. */
export function allFlags(peer: Peer, session: Session, pairs: Pairs): Timed {
  const { contextIndexes } = pairs
  return { async: peer.async, op: (i) => session.all(contextIndexes[i & PAIR_MASK]) }
}

/** (c) Loading a flag set from scratch; translation and closing stay off the clock. */
export function loadRun(peer: Peer, flags: LdFlag[]): () => Promise<bigint> {
  const load = peer.prepare(flags, [])
  return async () => {
    const start = process.hrtime.bigint()
    let session = load()
    if (session instanceof Promise) session = await session
    const ns = process.hrtime.bigint() - start
    await session.close()
    return ns
  }
}

/** A synchronous load that needs no tear-down, such as edgeflags' compile step alone. */
export function syncLoadRun(load: () => unknown): () => Promise<bigint> {
  return async () => {
    const start = process.hrtime.bigint()
    load()
    return process.hrtime.bigint() - start
  }
}
