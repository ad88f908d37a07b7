import type WebSocket from 'ws'
import { isDeepStrictEqual } from 'node:util'
import { parseContext } from '../../src/evaluation'
import { toLaunchDarklyContext } from '../../src/ofrep/context'
import { ADMIN_TOKEN, WEBHOOK_SECRET, encodeContext } from '../fanout/flags'
import { closeAll, openFleet } from '../fanout/fleet'
import { History, registerKey } from './history'
import { workerdRssKiB } from './rss'
import { emptyTally, expectedPatches, statesOf, tallySocket, type Tally } from './sequence'
import { soakChange, soakContext, soakFlags } from './soak-flags'

/**
 * Part 2: SOAK_SOCKETS WebSockets on /v1/stream held for `seconds` while SOAK_CHANGES patches
 * land evenly spread; then each socket's messages are compared with the patches the evaluator
 * says it should have had, in version order.
 */

export const SOAK_SOCKETS = 1000
export const SOAK_CHANGES = 100
const ENVIRONMENT = 'soak'
const CLIENT_KEY = 'soak-client-key'
const SETTLE_MS = 30_000
const QUIET_MS = 1000
const MAX_EXAMPLES = 5

export type SoakResult = Tally & {
  seconds: number
  sockets: number
  changes: number
  failedChanges: string[]
  wrongPuts: number
  lost: number
  /** Sockets each change should patch: fewest, most, and how many changes patch nobody. */
  affected: { min: number; max: number; none: number }
  examples: string[]
  rssKiB: { start: number; open: number; middle: number; end: number }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Sockets go into `opened` as they open, so the caller can close them even if this throws. */
export async function runSoak(
  url: URL,
  seconds: number,
  log: (line: string) => void,
  opened: WebSocket[],
): Promise<SoakResult> {
  const history = new History(url, ENVIRONMENT, WEBHOOK_SECRET)
  const flags = soakFlags()
  const seeded = await history.change('replace', Object.fromEntries(flags))
  if (seeded !== undefined) throw new Error(`seeding ${ENVIRONMENT}: ${seeded}`)
  await registerKey(url, ADMIN_TOKEN, ENVIRONMENT, 'client', CLIENT_KEY)
  const first = history.version
  const raw = Array.from({ length: SOAK_SOCKETS }, (_, index) => soakContext(index))
  const contexts = raw.map((context) => parseContext(toLaunchDarklyContext(context), { allowMissingKey: true }))
  const examples: string[] = []
  const rssKiB = { start: workerdRssKiB(), open: NaN, middle: NaN, end: NaN }

  log(`part 2: opening ${SOAK_SOCKETS} sockets`)
  const base = `ws://${url.host}/v1/stream?key=${CLIENT_KEY}&context=`
  const fleet = await openFleet(SOAK_SOCKETS, (index) => base + encodeContext(raw[index]), opened)
  const wrongPuts = fleet.firsts.filter((text, index) => {
    const put = JSON.parse(text)
    const states = statesOf(history.compiled(first)!, contexts[index])
    const right = isDeepStrictEqual([put.type, put.version, put.flags], ['put', first, states])
    if (!right && examples.length < MAX_EXAMPLES) examples.push(`socket ${index}'s put: ${text.slice(0, 300)}`)
    return !right
  }).length
  rssKiB.open = workerdRssKiB()

  log(`  held for ${seconds} s through ${SOAK_CHANGES} changes`)
  const started = Date.now()
  const interval = (seconds * 1000) / SOAK_CHANGES
  const failedChanges: string[] = []
  for (let k = 1; k <= SOAK_CHANGES; k++) {
    // Change k lands in the middle of its slot, so the sockets stay open the whole time
    await sleep(started + (k - 0.5) * interval - Date.now())
    const flag = soakChange(k, flags)
    const problem = await history.change('patch', { [flag.key]: flag })
    if (problem !== undefined) failedChanges.push(problem)
    if (k === SOAK_CHANGES / 2) rssKiB.middle = workerdRssKiB()
  }
  await sleep(started + seconds * 1000 - Date.now())

  const expected = contexts.map((context) => expectedPatches(history, context, first, history.version))
  const total = expected.reduce((sum, patches) => sum + patches.length, 0)
  const arrived = () => fleet.inboxes.reduce((sum, inbox) => sum + inbox.length, 0)
  for (const deadline = Date.now() + SETTLE_MS; arrived() < total && Date.now() < deadline; ) await sleep(100)
  await sleep(QUIET_MS)
  rssKiB.end = workerdRssKiB()

  const tally = emptyTally()
  fleet.inboxes.forEach((inbox, index) => {
    const problem = tallySocket(expected[index], inbox.map((arrival) => arrival.data.toString()), tally)
    if (problem !== undefined && examples.length < MAX_EXAMPLES) examples.push(`socket ${index}: ${problem}`)
  })
  const perChange = Array.from({ length: history.version - first }, (_, i) =>
    expected.filter((patches) => patches.some((patch) => patch.version === first + 1 + i)).length)
  const lost = fleet.lost()
  await closeAll(opened)
  log(`  ${tally.received} of ${tally.expected} messages, ${tally.missed} missed`)
  return {
    ...tally,
    seconds,
    sockets: fleet.size,
    changes: SOAK_CHANGES - failedChanges.length,
    failedChanges,
    wrongPuts,
    lost,
    affected: { min: Math.min(...perChange), max: Math.max(...perChange), none: perChange.filter((n) => !n).length },
    examples,
    rssKiB,
  }
}
