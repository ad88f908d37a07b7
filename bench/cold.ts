import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalWorker } from '../scripts/local-worker'
import { dryRun } from '../scripts/upload-size'
import { checkOfrep, timeRound, type Answer, type Round } from './cold/first-answer'
import { markdown } from './cold/report'
import { ENVIRONMENT, SERVER_KEY, seedPersisted, VARS } from './cold/seed'
import type { Target } from './http/miniflare'
import { startHello } from './http/hello'
import { probe, type Probe } from './http/probe'
import { requestBodies } from './http/requests'

/**
 * `npm run bench:cold`: what a cold start costs. First the upload as deployed (`wrangler deploy
 * --dry-run`), then the first answer of a fresh runtime: 1,000 flags are seeded once through the
 * webhook into persisted state, and each round starts a new Miniflare on that state and times its
 * first and second OFREP bulk requests, against a hello-world Worker started and timed the same
 * way, in the same run (ABBA). Progress goes to stderr, the report (Markdown) to stdout.
 * BENCH_COLD_ROUNDS (default 7) and BENCH_COLD_FLAGS (default 1000) change the run. Exits 1 if
 * the dry run failed or an answer was wrong; targets missed are reported, not failed.
 */

const log = (line: string) => void process.stderr.write(`${line}\n`)

function fromEnv(name: string, fallback: number, min: number): number {
  const value = Number(process.env[name] || fallback)
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}`)
  return value
}

const ROUNDS = fromEnv('BENCH_COLD_ROUNDS', 7, 1)
const FLAG_COUNT = fromEnv('BENCH_COLD_FLAGS', 1000, 0)
// Two contexts: the first request evaluates one, the second another (no reuse of a result)
const BODIES = requestBodies(2) as [string, string]

const startEdgeflags = (persist: string) => async (): Promise<Target> => {
  const worker = await startLocalWorker({ vars: VARS, persist })
  return { name: 'edgeflags', url: worker.url, dispose: worker.dispose }
}

const sameBody = (expected: Probe) => (answer: Answer) => {
  if (answer.status !== 200 || answer.text !== expected.body) throw new Error('the hello-world Worker sent another body')
}

async function rounds(persist: string, sample: Probe) {
  const hello = { name: 'hello-world', start: () => startHello(sample), check: sameBody(sample), rounds: [] as Round[] }
  const edgeflags = {
    name: 'edgeflags',
    start: startEdgeflags(persist),
    check: (answer: Answer) => checkOfrep(answer, FLAG_COUNT),
    rounds: [] as Round[],
  }
  for (let round = 1; round <= ROUNDS; round++) {
    // Who goes first alternates (ABBA), so a drift in the machine's speed hits both alike
    const order = round % 2 === 1 ? [hello, edgeflags] : [edgeflags, hello]
    for (const target of order) {
      const result = await timeRound(target.start, SERVER_KEY, BODIES, target.check)
      target.rounds.push(result)
      log(`round ${round}/${ROUNDS} ${target.name}: first ${result.coldMs.toFixed(1)} ms, ` +
        `second ${result.warmMs.toFixed(1)} ms (ready after ${result.startMs.toFixed(0)} ms)`)
    }
  }
  return { hello: hello.rounds, edgeflags: edgeflags.rounds }
}

async function bench(persist: string): Promise<number> {
  log('wrangler deploy --dry-run')
  const upload = await dryRun()
  if (upload.status !== 0) log(`FAILED: wrangler deploy --dry-run exited ${upload.status}:\n${upload.output}`)

  log(`seeding ${FLAG_COUNT} flags into "${ENVIRONMENT}" through the webhook (state in ${persist})`)
  const sample = await seedPersisted(persist, FLAG_COUNT, (url) => probe(url, SERVER_KEY, [BODIES[0]], FLAG_COUNT))
  const timed = await rounds(persist, sample)
  console.log(markdown({ upload, flagCount: FLAG_COUNT, bodyBytes: sample.bytes, ...timed }))
  return upload.status === 0 && upload.size !== undefined ? 0 : 1
}

async function main(): Promise<number> {
  const persist = mkdtempSync(join(tmpdir(), 'edgeflags-cold-'))
  try {
    return await bench(persist)
  } finally {
    rmSync(persist, { recursive: true, force: true })
  }
}

// Exit explicitly: a Miniflare that missed its deadline must not keep the process alive
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
