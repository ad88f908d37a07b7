import type { Fleet } from './fleet'
import type { Target } from './targets'

/**
 * One timed round: the clock starts just before the request leaves and each affected socket's
 * latency ends at its message's arrival stamp. After the last expected arrival the round waits
 * QUIET_MS, then checks that every affected socket got exactly one right message and every other
 * socket got nothing.
 */

export type RoundResult = {
  target: Target['name']
  /** Sorted, in milliseconds. */
  latencies: number[]
  /** Messages that arrived in the round, on any socket. */
  messages: number
  /** Until the answer to the request was read. */
  responseMs: number
  errors: string[]
}

const QUIET_MS = 300
const DEADLINE_MS = 30_000
const MAX_ERRORS = 5

const since = (start: bigint, at: bigint) => Number(at - start) / 1e6
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runRound(target: Target, fleet: Fleet): Promise<RoundResult> {
  const round = await target.prepare(fleet.size)
  const errors: string[] = []
  const lostBefore = fleet.lost()
  const affected = Array.from({ length: fleet.size }, (_, index) => round.affected(index))
  fleet.reset()
  const start = process.hrtime.bigint()
  const answered = round.send().then(async (response) => ({ at: process.hrtime.bigint(), status: response.status, body: await response.text() }))
  try {
    await fleet.waitFilled(affected.filter(Boolean).length, DEADLINE_MS)
  } catch (error) {
    errors.push(String(error))
  }
  const answer = await answered
  await sleep(QUIET_MS)
  const responseMs = since(start, answer.at)
  const add = (error: string | undefined) => void (error !== undefined && errors.push(error))
  try {
    add(round.checkResponse(answer.status, answer.body))
  } catch {
    add(`unreadable answer: ${answer.status} ${answer.body}`)
  }
  const latencies: number[] = []
  let messages = 0
  fleet.inboxes.forEach((inbox, index) => {
    messages += inbox.length
    if (!affected[index]) return add(inbox.length === 0 ? undefined : `socket ${index} is unaffected but got ${inbox.length} message(s)`)
    if (inbox.length !== 1) return add(`socket ${index} got ${inbox.length} messages, expected 1`)
    latencies.push(since(start, inbox[0].at))
    add(round.checkMessage(index, inbox[0].data.toString()))
  })
  if (fleet.lost() > lostBefore) add(`${fleet.lost() - lostBefore} socket(s) closed during the round`)
  latencies.sort((a, b) => a - b)
  return { target: target.name, latencies, messages, responseMs, errors: summarise(errors) }
}

// The first few errors and how many more, so a broken run does not print 5,000 lines
const summarise = (errors: string[]) =>
  errors.length <= MAX_ERRORS ? errors : [...errors.slice(0, MAX_ERRORS), `… and ${errors.length - MAX_ERRORS} more`]
