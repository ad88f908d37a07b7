import { compileRuleset, type CompiledRuleset } from '../../src/evaluation'
import { fanout } from '../../src/hub/fanout'
import type { SocketInfo } from '../../src/hub/sockets'
import { parseRuleset } from '../../src/model/ruleset'
import { readOfrepContext } from '../../src/ofrep/context'
import { contextFor, initialRuleset, promoChange } from './flags'

/**
 * The Hub's own work for one change, without a runtime around it: `fanout` over N socket
 * contexts (find the affected flags, evaluate before and after per socket, build and stringify
 * the patches), with sockets that only count what they are sent. Run in Node here, and inside
 * workerd by compute-worker.ts, it tells how much of a round is evaluation.
 */

const REPEATS = 7

const compiled = (flags: Record<string, unknown>): CompiledRuleset => {
  const parsed = parseRuleset({ flags, segments: {} })
  if (!parsed.ok) throw new Error(`bench ruleset is invalid: ${JSON.stringify(parsed.errors)}`)
  return compileRuleset(parsed.ruleset)
}

/** A function that runs one fanout of the bench's change over `count` sockets and returns how many patches it sent. */
export function fanoutSetup(count: number): () => number {
  const before = compiled(initialRuleset().flags)
  const after = compiled({ ...initialRuleset().flags, ...promoChange(1).flags })
  let sent = 0
  const socket = { send: () => void (sent += 1) } as unknown as WebSocket
  const sockets = Array.from({ length: count }, (_, index): { socket: WebSocket; info: SocketInfo } => {
    const { context, canonical } = readOfrepContext({ context: contextFor(index) })
    return { socket, info: { id: String(index), kind: 'client', context, raw: canonical } }
  })
  const change = { before, after, version: 2, updatedAt: new Date(0).toISOString(), flags: ['promo'], segments: [] }
  return () => {
    sent = 0
    fanout(sockets, change)
    return sent
  }
}

/** The median time of one fanout over `count` sockets in this process, in milliseconds. */
export function fanoutComputeMs(count: number): number {
  const run = fanoutSetup(count)
  const times: number[] = []
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint()
    const sent = run()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (sent !== Math.ceil(count / 2)) throw new Error(`fanout sent ${sent} patches, expected ${Math.ceil(count / 2)}`)
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]
}
