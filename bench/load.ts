import type WebSocket from 'ws'
import { startLocalWorker, type LocalWorker } from '../scripts/local-worker'
import { ADMIN_TOKEN, WEBHOOK_SECRET } from './fanout/flags'
import { closeAll } from './fanout/fleet'
import { runLoad, type LoadResult } from './load/ofrep'
import { failures, markdown } from './load/report'
import { runSoak, type SoakResult } from './load/soak'

/**
 * `npm run bench:load` (issue 7): the Worker served by Miniflare on 127.0.0.1, then
 * 1. OFREP bulk under autocannon for LOAD_SECONDS (default 60) while 50 signed patches land,
 *    sampled responses checked against the evaluator for the version they name;
 * 2. 1,000 WebSockets held for SOAK_SECONDS (default 300) through 100 patches, each socket's
 *    messages checked against the patches the evaluator says it should get, in order.
 * workerd's RSS is read from /proc along the way. Progress goes to stderr, the Markdown summary
 * to stdout. Exits 1 if any correctness figure is not 0 or the run did not finish.
 */

const seconds = (name: string, fallback: number, max: number) => {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback
}

const LOAD_SECONDS = seconds('LOAD_SECONDS', 60, 3600)
const SOAK_SECONDS = seconds('SOAK_SECONDS', 300, 3600)
// Setup, opening sockets, settling and checking take well under this on 2 cores
const SLACK_MS = 5 * 60_000
const DISPOSE_MS = 10_000

const log = (line: string) => void process.stderr.write(`${line}\n`)
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

async function main(): Promise<number> {
  const command = `LOAD_SECONDS=${LOAD_SECONDS} SOAK_SECONDS=${SOAK_SECONDS} npm run bench:load`
  const opened: WebSocket[] = []
  let worker: LocalWorker | undefined
  let load: LoadResult | undefined
  let soak: SoakResult | undefined
  let stopped: string | undefined
  const budget = (LOAD_SECONDS + SOAK_SECONDS) * 1000 + SLACK_MS
  const overrun = sleep(budget).then(() => Promise.reject(new Error(`over the ${budget / 1000} s budget`)))
  try {
    const run = async () => {
      log('starting the Worker (Miniflare, 127.0.0.1)')
      worker = await startLocalWorker({ vars: { WEBHOOK_SECRET, ADMIN_TOKEN } })
      load = await runLoad(worker.url, LOAD_SECONDS, log)
      soak = await runSoak(worker.url, SOAK_SECONDS, log, opened)
    }
    await Promise.race([run(), overrun])
  } catch (error) {
    stopped = error instanceof Error ? (error.stack ?? error.message) : String(error)
  } finally {
    await closeAll(opened)
    const disposed = worker?.dispose().catch((error) => log(`disposing Miniflare failed: ${error}`))
    if (disposed) await Promise.race([disposed, sleep(DISPOSE_MS)])
  }
  console.log(markdown(command, load, soak, stopped))
  return stopped === undefined && failures(load, soak).length === 0 ? 0 : 1
}

// Exit explicitly: a Miniflare that missed its deadline must not keep the process alive
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
