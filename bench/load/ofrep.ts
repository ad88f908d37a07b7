import autocannon from 'autocannon'
import { ADMIN_TOKEN, WEBHOOK_SECRET } from '../fanout/flags'
import { makeContexts, makeFlags } from '../fixtures'
import { PATH, requestBodies, requestHeaders } from '../http/requests'
import { answersChanged, changeOf, checkBulk, contextOfBody } from './bulk-check'
import { History, registerKey } from './history'
import { workerdRssKiB } from './rss'

/**
 * Part 1: OFREP bulk (200 flags, a server key, 1,000 contexts) under autocannon for `seconds`,
 * while LOAD_CHANGES signed patches land evenly spread. Every SAMPLE_EVERY-th response is checked
 * against the evaluator for the version it names.
 */

export const LOAD_CHANGES = 50
const ENVIRONMENT = 'load'
const SERVER_KEY = 'load-server-key'
const FLAG_COUNT = 200
const CONTEXTS = 1000
const CONNECTIONS = 20
const SAMPLE_EVERY = 50
const MAX_EXAMPLES = 5

export type LoadResult = {
  seconds: number
  tried: number
  ok: number
  non2xx: number
  errors: number
  reqPerSec: number
  p99Ms: number
  changes: number
  failedChanges: string[]
  /** Context × flag answers the accepted changes altered, among the 1,000 contexts. */
  answersChanged: number
  samples: number
  wrong: number
  examples: string[]
  versionsSeen: number
  rssKiB: { start: number; middle: number; end: number }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runLoad(url: URL, seconds: number, log: (line: string) => void): Promise<LoadResult> {
  const history = new History(url, ENVIRONMENT, WEBHOOK_SECRET)
  const flags = new Map(makeFlags(FLAG_COUNT).map((flag) => [flag.key, flag]))
  const seeded = await history.change('replace', Object.fromEntries(flags))
  if (seeded !== undefined) throw new Error(`seeding ${ENVIRONMENT}: ${seeded}`)
  await registerKey(url, ADMIN_TOKEN, ENVIRONMENT, 'server', SERVER_KEY)
  const bodies = requestBodies(CONTEXTS)
  const contexts = bodies.map(contextOfBody)
  const countries = [...new Set(makeContexts(CONTEXTS).map((context) => context.country))].sort()

  const sampled = { count: 0, samples: 0, wrong: 0, examples: [] as string[], versions: new Set<number>() }
  const onResponse = (index: number) => (status: number, text: string) => {
    if (++sampled.count % SAMPLE_EVERY !== 0 || status !== 200) return
    sampled.samples += 1
    const { version, problem } = checkBulk(text, contexts[index], history)
    sampled.versions.add(version ?? NaN)
    if (problem === undefined) return
    sampled.wrong += 1
    if (sampled.examples.length < MAX_EXAMPLES) sampled.examples.push(`${bodies[index]}: ${problem}`)
  }

  const rssKiB = { start: workerdRssKiB(), middle: NaN, end: NaN }
  log(`part 1: OFREP bulk for ${seconds} s, ${CONNECTIONS} connections, ${LOAD_CHANGES} changes`)
  const started = Date.now()
  const loaded = new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: new URL(PATH, url).href,
        method: 'POST',
        headers: requestHeaders(SERVER_KEY),
        requests: bodies.map((body, index) => ({ method: 'POST', path: PATH, body, onResponse: onResponse(index) })),
        connections: CONNECTIONS,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
  const middle = sleep((seconds * 1000) / 2).then(() => void (rssKiB.middle = workerdRssKiB()))

  // Change k lands at k / (LOAD_CHANGES + 1) of the run, so all of them fall inside it
  const failedChanges: string[] = []
  let changed = 0
  for (let k = 1; k <= LOAD_CHANGES; k++) {
    await sleep(started + (k * seconds * 1000) / (LOAD_CHANGES + 1) - Date.now())
    const flag = changeOf(k, flags, countries)
    const problem = await history.change('patch', { [flag.key]: flag })
    if (problem !== undefined) failedChanges.push(problem)
    else changed += answersChanged(history, history.version, flag.key, contexts)
  }
  const result = await loaded
  await middle
  rssKiB.end = workerdRssKiB()
  log(`  ${result.requests.sent} requests, ${sampled.samples} checked, ${sampled.wrong} wrong`)
  return {
    seconds,
    tried: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    reqPerSec: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    changes: LOAD_CHANGES - failedChanges.length,
    failedChanges,
    answersChanged: changed,
    samples: sampled.samples,
    wrong: sampled.wrong,
    examples: sampled.examples,
    versionsSeen: sampled.versions.size,
    rssKiB,
  }
}
