import { createHash } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import type { Env } from '../../src/env'
import { compileRuleset } from '../../src/evaluation'
import { EvaluationAccumulator } from '../../src/insights/accumulator'
import { servedCode, servedText } from '../../src/insights/tally'
import { publishRuleset } from '../../src/hub/published'
import { ofrepBulk } from '../../src/routes/ofrep-bulk'
import { apiKeyRecordKey, rulesetKey } from '../../src/store/kv-keys'
import { makeFlags, makeHeavyFlags } from '../fixtures'
import { freshBodies, PATH, requestBodies } from './requests'

/**
 * What counting evaluations (flag insights) costs the OFREP bulk function, measured in one Node
 * process: the same function, ruleset and requests with counting on and with INSIGHTS=off,
 * alternating in short blocks (ABBA) so that drift hits both alike, timed in this process's CPU
 * time. HTTP runs on a shared machine swing by more than the few percent this is about; here only
 * our code runs, its KV and Hub are in memory (a flush every 10 s goes to a Hub stub that answers
 * at once).
 * `npx tsx bench/http/counting.ts` runs it alone.
 */

const KEY = 'counting-server-key'
type Mode = 'fresh' | 'heavy' | 'repeated'

export type CountingCost = { mode: Mode; onUs: number; offUs: number; cost: number }

const kvWith = (entries: [string, string][]) => {
  const store = new Map(entries)
  return { get: async (key: string, type?: string) => (type === 'json' ? JSON.parse(store.get(key) ?? 'null') : (store.get(key) ?? null)) }
}

const envsFor = (environment: string, flags: { key: string }[]) => {
  const ruleset = publishRuleset({ flags: Object.fromEntries(flags.map((flag) => [flag.key, flag])), segments: {} }, 1, '')
  const record = JSON.stringify({ environment, kind: 'server', name: 'counting', createdAt: '' })
  const kv = kvWith([
    [rulesetKey(environment), JSON.stringify(ruleset)],
    [apiKeyRecordKey(createHash('sha256').update(KEY).digest('hex')), record],
  ])
  const hub = { getByName: () => ({ recordEvaluations: async () => undefined }) }
  const on = { FLAGS: kv, HUB: hub, REFRESH_MS: '600000' } as unknown as Env
  return { on, off: { ...on, INSIGHTS: 'off' } as Env }
}

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext

const request = (body: string) =>
  new Request(`http://bench${PATH}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body })

// CPU time of this process (user and system), in µs: on a shared machine, wall time also counts
// the moments other processes had the CPU, which swamps a difference of a few percent
const cpuUs = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** CPU µs per request over `ms` of requests. */
async function block(env: Env, next: () => string, ms: number) {
  let count = 0
  const started = cpuUs()
  const until = performance.now() + ms
  while (performance.now() < until) {
    const res = await ofrepBulk(request(next()), env, ctx)
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`)
    await res.text()
    count += 1
  }
  return (cpuUs() - started) / count
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Both variants of each mode, `rounds` blocks of `ms` each, after a warm-up block each. */
export async function countingCost({ rounds = 100, ms = 100 } = {}): Promise<CountingCost[]> {
  const standard = envsFor('counting', makeFlags(200))
  const heavy = envsFor('counting-heavy', makeHeavyFlags(200))
  const pool = requestBodies(20)
  let cycle = 0
  const modes: [Mode, { on: Env; off: Env }, () => string][] = [
    ['fresh', standard, freshBodies()],
    ['heavy', heavy, freshBodies()],
    ['repeated', standard, () => pool[cycle++ % pool.length]],
  ]
  const costs: CountingCost[] = []
  for (const [mode, envs, next] of modes) {
    const times = { on: [] as number[], off: [] as number[] }
    for (const variant of ['on', 'off'] as const) await block(envs[variant], next, ms)
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        times[variant].push(await block(envs[variant], next, ms))
      }
    }
    const [onUs, offUs] = [median(times.on), median(times.off)]
    costs.push({ mode, onUs, offUs, cost: 1 - offUs / onUs })
  }
  return costs
}

/**
 * The counting work of one bulk answer alone, in CPU ns: finding the tally (a map lookup and the
 * clock) and counting 200 flags' codes, from the array (a rendered answer) and from the cached
 * text (a cache hit), over a million answers.
 */
export function countingWork(answers = 1_000_000) {
  const flags = makeFlags(200)
  const stored = publishRuleset({ flags: Object.fromEntries(flags.map((flag) => [flag.key, flag])), segments: {} }, 1, '')
  const ruleset = { serial: 1, environment: 'work', version: 1, stored, compiled: compileRuleset(stored) }
  const accumulator = new EvaluationAccumulator()
  // no deadline sends here: this times the counting alone
  const outlet = { send: async () => undefined, waitUntil: () => undefined, sleep: () => new Promise<void>(() => undefined) }
  const served = Uint16Array.from(flags, (_, i) => servedCode(i % 3 === 0 ? null : i % 2))
  const text = servedText(served, served.length)
  const time = (count: (i: number) => void) => {
    for (let i = 0; i < answers / 10; i++) count(i)
    const started = cpuUs()
    for (let i = 0; i < answers; i++) count(i)
    return ((cpuUs() - started) * 1000) / answers
  }
  return {
    renderedNs: time(() => accumulator.tallyFor(ruleset, outlet).countServed(served)),
    cachedNs: time(() => accumulator.tallyFor(ruleset, outlet).countServedText(text)),
  }
}

/** One report line: each mode's µs per request on and off, and the share of throughput counting costs. */
export const countingLine = (costs: CountingCost[]) =>
  '- flag insights in-process (Node, `ofrepBulk` alone, CPU µs per request on vs INSIGHTS=off, medians of ABBA blocks): ' +
  costs.map(({ mode, onUs, offUs, cost }) => `${mode} ${onUs.toFixed(1)} vs ${offUs.toFixed(1)} µs (${(cost * 100).toFixed(1)}% fewer req/s)`).join('; ')

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const work = countingWork()
  console.log(`- counting work per bulk answer of 200 flags: ${work.renderedNs.toFixed(0)} ns rendered, ${work.cachedNs.toFixed(0)} ns from the cache`)
  console.log(countingLine(await countingCost()))
}
