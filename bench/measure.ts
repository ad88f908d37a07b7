/**
 * Timing helpers. A run repeats an operation for a fixed wall-clock duration
 * and reports operations per second. The clock is read once per batch, and
 * batches grow until one takes ~0.1 ms, so reading the clock costs next to
 * nothing even for sub-microsecond operations.
 */

export type Measurement = { ops: number; seconds: number; opsPerSec: number }

/** An operation to time; `op` receives the running op count. Async ops are awaited one by one. */
export type Timed = { op: (i: number) => unknown; async: boolean }

const BATCH_TARGET_NS = 100_000n
const MAX_BATCH = 1 << 16

// Results land here so the optimiser can never treat a call as dead code.
let blackhole: unknown

function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** Seconds of timing per measurement and peer (env BENCH_SECONDS, default 2). */
export const benchSeconds = () => fromEnv('BENCH_SECONDS', 2)

/** How many interleaved rounds those seconds are split into (env BENCH_ROUNDS, default 10). */
export const benchRounds = () => Math.round(fromEnv('BENCH_ROUNDS', 10))

// flagd-core compiles each flag's targeting with new Function(); with 200 flags sharing the calls,
// it takes ~1.75 s to reach its steady rate (measured here). Warm-up covers that for every peer.
export const warmupSeconds = (seconds: number) => Math.max(0.5, Math.min(2, 2 * seconds))

function result(ops: number, ns: bigint): Measurement {
  const seconds = Number(ns) / 1e9
  return { ops, seconds, opsPerSec: ops / seconds }
}

function nextBatch(batch: number, batchNs: bigint): number {
  return batchNs < BATCH_TARGET_NS && batch < MAX_BATCH ? batch * 2 : batch
}

function runSync(op: (i: number) => unknown, seconds: number): Measurement {
  const budget = BigInt(Math.round(seconds * 1e9))
  const start = process.hrtime.bigint()
  let now = start
  let ops = 0
  let batch = 1
  while (now - start < budget) {
    const batchStart = now
    for (let end = ops + batch; ops < end; ops++) blackhole = op(ops)
    now = process.hrtime.bigint()
    batch = nextBatch(batch, now - batchStart)
  }
  return result(ops, now - start)
}

async function runAsync(op: (i: number) => unknown, seconds: number): Promise<Measurement> {
  const budget = BigInt(Math.round(seconds * 1e9))
  const start = process.hrtime.bigint()
  let now = start
  let ops = 0
  let batch = 1
  while (now - start < budget) {
    const batchStart = now
    // Await every call: a request handler waits for its flag before going on.
    for (let end = ops + batch; ops < end; ops++) blackhole = await op(ops)
    now = process.hrtime.bigint()
    batch = nextBatch(batch, now - batchStart)
  }
  return result(ops, now - start)
}

/** One timed run of `timed` for `seconds`. */
export function throughput({ op, async }: Timed, seconds: number): Promise<Measurement> {
  return async ? runAsync(op, seconds) : Promise.resolve(runSync(op, seconds))
}

/** The run with the median rate: robust to a neighbour process stealing a core for a moment. */
export function median(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec)
  return sorted[Math.floor(sorted.length / 2)]
}

/** The indexes 0…count-1 in round `round`'s turn: forwards, then backwards (ABBA), and so on. */
function turns(count: number, round: number): number[] {
  const order = [...Array(count).keys()]
  return round % 2 === 0 ? order : order.reverse()
}

/**
 * Times every operation in `rounds` short runs, taking turns round by round
 * (in ABBA order, so none always runs first or last), after warming each up,
 * and keeps each one's median run: on a shared machine a burst of outside
 * load then hits all peers alike, not one peer's whole run.
 */
export async function interleaved(
  timed: Timed[],
  seconds: number,
  rounds: number,
): Promise<Measurement[]> {
  for (const t of timed) await throughput(t, warmupSeconds(seconds))
  const runs: Measurement[][] = timed.map(() => [])
  for (let r = 0; r < rounds; r++) {
    for (const i of turns(timed.length, r)) runs[i].push(await throughput(timed[i], seconds / rounds))
  }
  return runs.map(median)
}

/**
 * Rates of slow operations that time themselves (loads, whose set-up and
 * tear-down must stay off the clock): each `run` returns the nanoseconds that
 * count. They take turns, one run each per round, for at least `minRounds`
 * rounds and until about `seconds` per operation has passed on the wall clock;
 * each gets its median run.
 */
export async function interleavedRuns(
  runs: (() => Promise<bigint>)[],
  seconds = benchSeconds(),
  minRounds = 5,
): Promise<Measurement[]> {
  for (const run of runs) for (let i = 0; i < 2; i++) await run()
  const budget = BigInt(Math.round(seconds * 1e9)) * BigInt(runs.length)
  const start = process.hrtime.bigint()
  const samples: Measurement[][] = runs.map(() => [])
  for (let round = 0; round < minRounds || process.hrtime.bigint() - start < budget; round++) {
    for (const i of turns(runs.length, round)) samples[i].push(result(1, await runs[i]()))
  }
  return samples.map(median)
}
