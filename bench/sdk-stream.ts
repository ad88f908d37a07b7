import { markdown } from './sdk-stream/report'
import { watchSdk, watchSocket, type Watcher } from './sdk-stream/watchers'
import { startBenchWorker, type BenchWorker } from './sdk-stream/worker'

/**
 * `npm run bench:sdk`: how soon a webhook push reaches LaunchDarkly's Node server SDK (its
 * `update` event, over edgeflags' `/all` stream), beside how soon the same push reaches a
 * WebSocket client of edgeflags' own `/v1/stream`: both watch one context, and each push is timed
 * on both, so the WebSocket is the baseline of the same run. Progress goes to stderr, the report
 * to stdout. Exits 1 if a client missed a change or saw a wrong value.
 */

const PUSHES = Math.max(1, Number(process.env.BENCH_SDK_PUSHES) || 200)
const WARM_UP = 10
const DEADLINE_MS = 10_000
// A pause between pushes, so one change's writes are done before the next is timed
const GAP_MS = 20

const log = (line: string) => void process.stderr.write(`${line}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const since = (start: bigint, at: bigint) => Number(at - start) / 1e6

/** One push: its webhook answer time and each watcher's latency, in milliseconds. */
async function timePush(worker: BenchWorker, watchers: Watcher[], round: number) {
  const send = await worker.change(round)
  const arrivals = watchers.map((watcher) => watcher.next(DEADLINE_MS))
  const start = process.hrtime.bigint()
  const answered = send().then(async (response) => {
    const at = process.hrtime.bigint()
    if (!response.ok) throw new Error(`webhook: HTTP ${response.status} ${await response.text()}`)
    return at
  })
  const [answer, ...stamps] = await Promise.all([answered, ...arrivals])
  for (const watcher of watchers) {
    const wrong = await watcher.check(round)
    if (wrong !== undefined) throw new Error(wrong)
  }
  return { webhook: since(start, answer), latencies: stamps.map((at) => since(start, at)) }
}

async function bench(worker: BenchWorker, watchers: Watcher[]) {
  const latencies: number[][] = watchers.map(() => [])
  const webhook: number[] = []
  for (let round = 1; round <= WARM_UP + PUSHES; round++) {
    const timed = await timePush(worker, watchers, round)
    if (round > WARM_UP) {
      webhook.push(timed.webhook)
      timed.latencies.forEach((latency, i) => latencies[i].push(latency))
    }
    if (round > WARM_UP && (round - WARM_UP) % 50 === 0) log(`  ${round - WARM_UP} of ${PUSHES} pushes`)
    await sleep(GAP_MS)
  }
  const series = watchers.map((watcher, i) => ({ name: watcher.name, latencies: latencies[i] }))
  return markdown(series, series[1], webhook, WARM_UP)
}

async function main(): Promise<number> {
  log('starting the Worker, the server SDK and the WebSocket')
  const worker = await startBenchWorker()
  const watchers: Watcher[] = []
  try {
    watchers.push(await watchSdk(worker.url), await watchSocket(worker.url))
    console.log(await bench(worker, watchers))
    return 0
  } catch (error) {
    log(`FAILED: ${error instanceof Error ? error.stack : error}`)
    return 1
  } finally {
    for (const watcher of watchers) await watcher.close()
    await worker.dispose()
  }
}

// Exit explicitly: the SDK's timers must not keep the process alive
main().then((code) => process.exit(code))
