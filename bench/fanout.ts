import type WebSocket from 'ws'
import { fanoutComputeMs } from './fanout/compute'
import { startComputeWorker, type ComputeWorker } from './fanout/compute-worker'
import { startEdgeflags } from './fanout/edgeflags'
import { closeAll, openFleet, type Fleet } from './fanout/fleet'
import { startFloor } from './fanout/floor'
import { markdown, type SizeResult } from './fanout/report'
import { runRound } from './fanout/round'
import { statsOf, type RoundStats } from './fanout/stats'
import type { Target } from './fanout/targets'

/**
 * `npm run bench:fanout`: N WebSockets on edgeflags' /v1/stream (Miniflare on 127.0.0.1, no
 * wrangler dev proxy, which delays every socket message), a webhook change that flips promo for
 * half of them, timed from sending the webhook to each patch's arrival; against the floor, a
 * bare Durable Object broadcasting one constant message to N sockets in the same runtime. Two
 * more figures say where the time goes: floor-half (the same message to the same half edgeflags
 * patches) and the Hub's fanout computation alone, in Node and in workerd.
 * Progress goes to stderr, the report to stdout. Exits 1 only if a correctness check failed.
 */

const MAX_SIZE = 10_000
const MAX_ROUNDS = 20
const RUN_MS = 15 * 60_000
const DISPOSE_MS = 10_000

const log = (line: string) => void process.stderr.write(`${line}\n`)

const intList = (text: string | undefined, fallback: number[], max: number) => {
  const values = (text ?? '').split(',').map((part) => Number(part.trim())).filter((n) => Number.isInteger(n) && n > 0)
  return (values.length > 0 ? values : fallback).map((n) => Math.min(n, max))
}

const SIZES = intList(process.env.BENCH_FANOUT_SIZES, [1000, 5000], MAX_SIZE)
const ROUNDS = intList(process.env.BENCH_FANOUT_ROUNDS, [3], MAX_ROUNDS)[0]

type Servers = { targets: Target[]; ping: () => Promise<number>; compute?: ComputeWorker }

async function open(target: Target, size: number, opened: WebSocket[], failures: string[]): Promise<Fleet> {
  const started = Date.now()
  const fleet = await openFleet(size, target.socketUrl, opened)
  const wrong = fleet.firsts.map((text, index) => target.checkFirst(index, text)).filter((error) => error !== undefined)
  failures.push(...wrong.slice(0, 5).map((error) => `${target.name}: ${error}`))
  log(`  ${target.server}: ${size} sockets open in ${Date.now() - started} ms${wrong.length > 0 ? `, ${wrong.length} wrong first messages` : ''}`)
  return fleet
}

async function timed(target: Target, fleet: Fleet, failures: string[], label: string): Promise<RoundStats> {
  const result = await runRound(target, fleet)
  const stats = statsOf(result)
  failures.push(...result.errors.map((error) => `${target.name} ${label}: ${error}`))
  log(`  ${label} ${target.name}: p50 ${stats.p50.toFixed(1)} ms, p99 ${stats.p99.toFixed(1)} ms, max ${stats.max.toFixed(1)} ms, ` +
    `${stats.messages} messages, answer ${stats.responseMs.toFixed(1)} ms${result.errors.length > 0 ? ' FAILED' : ''}`)
  return stats
}

async function benchSize(size: number, servers: Servers, opened: WebSocket[], failures: string[]): Promise<SizeResult> {
  const { targets } = servers
  log(`N = ${size}: opening sockets`)
  const fleets = new Map<string, Fleet>()
  for (const target of targets) {
    if (!fleets.has(target.server)) fleets.set(target.server, await open(target, size, opened, failures))
  }
  const rounds = new Map<Target, RoundStats[]>(targets.map((target) => [target, []]))
  for (const target of targets) await timed(target, fleets.get(target.server)!, failures, 'warm-up')
  for (let round = 1; round <= ROUNDS; round++) {
    // Who goes first alternates (ABBA), so a drift in the machine's speed hits all alike
    const order = round % 2 === 1 ? targets : [...targets].reverse()
    for (const target of order) rounds.get(target)!.push(await timed(target, fleets.get(target.server)!, failures, `round ${round}`))
  }
  const pingMs = await servers.ping()
  for (const fleet of fleets.values()) await fleet.close()
  const byName = Object.fromEntries(targets.map((target) => [target.name, rounds.get(target)!])) as SizeResult['rounds']
  const workerd = await servers.compute!.fanoutMs(size)
  return { size, rounds: byName, pingMs, compute: { node: fanoutComputeMs(size), ...workerd } }
}

async function bench(servers: Servers, opened: WebSocket[], failures: string[]) {
  log('starting edgeflags, the floor and the compute Worker')
  servers.targets.push(await startEdgeflags())
  const floor = await startFloor()
  servers.targets.push(floor.all, floor.half)
  servers.ping = floor.ping
  servers.compute = await startComputeWorker()
  const results: SizeResult[] = []
  for (const size of SIZES) results.push(await benchSize(size, servers, opened, failures))
  console.log(markdown(results, ROUNDS))
}

async function withDeadline(work: Promise<unknown>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(() => resolve(log(`${what} did not stop within ${ms} ms`)), ms)))
  await Promise.race([work.catch((error) => log(`${what} failed to stop: ${error}`)), deadline])
  clearTimeout(timer)
}

async function main(): Promise<number> {
  const servers: Servers = { targets: [], ping: async () => NaN }
  const opened: WebSocket[] = []
  const failures: string[] = []
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`over ${RUN_MS / 60_000} minutes`)), RUN_MS)))
  try {
    await Promise.race([bench(servers, opened, failures), overrun])
  } catch (error) {
    failures.push(`the run stopped: ${error instanceof Error ? error.stack : error}`)
  } finally {
    clearTimeout(timer)
    await closeAll(opened)
    const disposable = [...servers.targets.reverse(), ...(servers.compute ? [{ name: 'compute', ...servers.compute }] : [])]
    for (const server of disposable) await withDeadline(server.dispose(), DISPOSE_MS, server.name)
  }
  for (const failure of failures) log(`FAILED: ${failure}`)
  return failures.length > 0 ? 1 : 0
}

// Exit explicitly: a Miniflare that missed its deadline must not keep the process alive
main().then((code) => process.exit(code))
