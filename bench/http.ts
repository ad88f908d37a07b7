import { FLAG_COUNT, SERVER_KEY, startEdgeflags, type Target } from './http/edgeflags'
import { startHello } from './http/hello'
import { loadOnce, type Load, type Sample } from './http/load'
import { probe } from './http/probe'
import { markdown, medianSample, settings } from './http/report'
import { PATH, requestBodies } from './http/requests'

/**
 * `npm run bench:http`: the Worker served by Miniflare (wrangler dev's proxy caps at ~2,000 req/s
 * here) and loaded with autocannon on 127.0.0.1, OFREP bulk for 200 flags with varying contexts,
 * against a hello-world Worker sending a body of the same bytes, in the same run. Client and
 * servers share the machine, so the targets take turns and each figure is a median over rounds.
 * Progress goes to stderr, the report (Markdown) to stdout. Exits 1 only if a request failed.
 */

const PROBES = 25
const DISPOSE_MS = 10_000

const log = (line: string) => void process.stderr.write(`${line}\n`)

async function withDeadline(work: Promise<unknown>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => resolve(log(`${what} did not stop within ${ms} ms`)), ms)
  })
  await Promise.race([work.catch((error) => log(`${what} failed to stop: ${error}`)), deadline])
  clearTimeout(timer)
}

async function checkBaseline(hello: Target, body: string, expected: string) {
  const response = await fetch(new URL(PATH, hello.url), { method: 'POST', body })
  if (response.status !== 200 || (await response.text()) !== expected) {
    throw new Error('the hello-world Worker does not send the probed body')
  }
}

async function timed(target: Target, load: Load): Promise<Sample> {
  const sample = await loadOnce(target, load)
  log(`  ${target.name}: ${Math.round(sample.reqPerSec)} req/s, p99 ${sample.p99Ms.toFixed(2)} ms`)
  return sample
}

async function bench(started: Target[]): Promise<number> {
  const s = settings()
  const bodies = requestBodies(s.contexts)
  log('starting edgeflags and seeding 200 flags')
  const edgeflags = await startEdgeflags()
  started.push(edgeflags)
  const probed = await probe(edgeflags.url, SERVER_KEY, bodies.slice(0, PROBES), FLAG_COUNT)
  log(`probe: ${PROBES} contexts answered 200 with ${FLAG_COUNT} flags, ${probed.distinct} distinct bodies, ` +
    `median ${probed.bytes} bytes`)
  const hello = await startHello(probed)
  started.push(hello)
  await checkBaseline(hello, bodies[0], probed.body)

  const load = { bodies, key: SERVER_KEY, connections: s.connections, seconds: s.seconds }
  const runs = new Map<Target, Sample[]>([[hello, []], [edgeflags, []]])
  const warm = new Map<Target, Sample[]>()
  log(`warm-up, ${s.warmup} s each`)
  for (const target of [hello, edgeflags]) warm.set(target, [await timed(target, { ...load, seconds: s.warmup })])
  for (let round = 1; round <= s.rounds; round++) {
    log(`round ${round} of ${s.rounds}, ${s.seconds} s each`)
    // Who goes first alternates (ABBA), so a drift in the machine's speed hits both alike.
    const order = round % 2 === 1 ? [hello, edgeflags] : [edgeflags, hello]
    for (const target of order) runs.get(target)!.push(await timed(target, load))
  }

  const summary = (target: Target) => medianSample(runs.get(target)!, warm.get(target))
  const [helloSummary, ourSummary] = [summary(hello), summary(edgeflags)]
  console.log(markdown({ hello: helloSummary, edgeflags: ourSummary, bodyBytes: probed.bytes, settings: s }))
  const failed = [helloSummary, ourSummary].reduce((n, x) => n + x.non2xx + x.errors, 0)
  if (failed > 0) log(`FAILED: ${failed} responses were not 2xx or did not arrive`)
  return failed > 0 ? 1 : 0
}

async function main(): Promise<number> {
  const started: Target[] = []
  try {
    return await bench(started)
  } finally {
    for (const target of started.reverse()) await withDeadline(target.dispose(), DISPOSE_MS, target.name)
  }
}

// Exit explicitly: a Miniflare that missed its deadline must not keep the process alive.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
