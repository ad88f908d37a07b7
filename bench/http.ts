import { loadavg } from 'node:os'
import { makeFlags, makeHeavyFlags, workload, type LdFlag, type LdHeavyFlag } from './fixtures'
import { checkAgreement } from './http/agreement'
import { FLAG_COUNT, startEdgeflags, type Edgeflags } from './http/edgeflags'
import { startHello } from './http/hello'
import { launchDarklyKvKey, startLaunchDarkly } from './http/launchdarkly'
import { clientCost, loadOnce, type Bodies, type Sample } from './http/load'
import type { Target } from './http/miniflare'
import { probe, type Probe } from './http/probe'
import { failures, markdown, medianSample, settings, type Mode, type Row, type Settings } from './http/report'
import { countingCost, countingWork } from './http/counting'
import { freshBodies, PATH, requestBodies, targetedBodies } from './http/requests'

/**
 * `npm run bench:http`: the Worker served by Miniflare (wrangler dev's proxy caps at ~2,000 req/s
 * here) and loaded with autocannon on 127.0.0.1, OFREP bulk for 200 flags in three modes (fresh
 * contexts, a heavy flag set, a small pool of repeated contexts), each against a hello-world
 * Worker sending a body of the same bytes, plus LaunchDarkly's Cloudflare SDK in a Worker of its
 * own with the same flags and fresh contexts, and edgeflags again with INSIGHTS=off, so the report
 * says what counting evaluations costs. Client and servers share the machine, so the runs
 * take turns and each figure is a median over rounds. Progress goes to stderr, the report
 * (Markdown) to stdout. Exits 1 only if a request failed or LaunchDarkly and edgeflags disagreed.
 */

const ENVIRONMENTS = { standard: 'bench', heavy: 'bench-heavy' }
const LD_CLIENT_SIDE_ID = 'bench-client-side-id'
// Fresh contexts probed and compared with LaunchDarkly, plus contexts that flags target by key
const PROBES = { fresh: 20, targeted: 5 }
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

async function startBaseline(probed: Probe, body: string): Promise<Target> {
  const hello = await startHello(probed)
  const response = await fetch(new URL(PATH, hello.url), { method: 'POST', body })
  if (response.status !== 200 || (await response.text()) !== probed.body) {
    await hello.dispose()
    throw new Error('the hello-world Worker does not send the probed body')
  }
  return hello
}

const describeProbe = (name: string, { texts, distinct, bytes }: Probe) =>
  `probe ${name}: ${texts.length} contexts answered 200 with ${FLAG_COUNT} flags, ` +
  `${distinct} distinct bodies, median ${bytes} bytes`

type Run = { mode: Mode; target: Target; bodies: Bodies; key: string }

/** Every Worker this run started, to dispose of at the end whatever happens. */
type Started = <T extends Target>(target: T) => T

type FlagSets = { standard: LdFlag[]; heavy: LdHeavyFlag[] }

/** edgeflags with both flag sets loaded the admin's way, probed with `checked` and as many fresh bodies. */
async function startOurs(started: Started, flags: FlagSets, checked: string[], heavyChecked: string[], counting = true) {
  log(`starting edgeflags${counting ? '' : ' with INSIGHTS=off'}; seeding through the signed webhook and the admin API`)
  const edgeflags = started(await startEdgeflags({ counting }))
  const settings = { launchDarklyClientSideId: LD_CLIENT_SIDE_ID }
  const keys = {
    standard: (await edgeflags.seed(ENVIRONMENTS.standard, flags.standard, settings)).serverKey,
    heavy: (await edgeflags.seed(ENVIRONMENTS.heavy, flags.heavy)).serverKey,
  }
  const probed = {
    standard: await probe(edgeflags.url, keys.standard, checked, FLAG_COUNT),
    heavy: await probe(edgeflags.url, keys.heavy, heavyChecked, FLAG_COUNT),
  }
  log(describeProbe(`${edgeflags.name} standard`, probed.standard))
  log(describeProbe(`${edgeflags.name} heavy`, probed.heavy))
  return { edgeflags, keys, probed }
}

// Answers of two edgeflags Workers differ in their event stream URL (port, key) only
const flagsOf = (text: string) => JSON.stringify((JSON.parse(text) as { flags: unknown }).flags)

/** Counting must not change an answer: the Worker with INSIGHTS=off answers the probes alike. */
function checkSameAnswers(counted: Probe, uncounted: Probe) {
  const differing = counted.texts.filter((text, i) => flagsOf(text) !== flagsOf(uncounted.texts[i])).length
  if (differing > 0) throw new Error(`edgeflags with INSIGHTS=off answered ${differing} probes differently`)
}

/** LaunchDarkly's SDK Worker with the record edgeflags' Hub wrote, checked against `ours`. */
async function startTheirs(started: Started, edgeflags: Edgeflags, checked: string[], ours: Probe) {
  log("starting LaunchDarkly's SDK Worker with the LD-Env record edgeflags' Hub wrote")
  const record = await edgeflags.readKv(launchDarklyKvKey(LD_CLIENT_SIDE_ID))
  if (record === null) throw new Error(`edgeflags' KV has no ${launchDarklyKvKey(LD_CLIENT_SIDE_ID)}`)
  const launchDarkly = started(await startLaunchDarkly(LD_CLIENT_SIDE_ID, record))
  const agreement = await checkAgreement(launchDarkly.url, checked, ours.texts)
  log(`agreement: ${agreement.values} values over ${agreement.contexts} contexts are equal`)
  return { launchDarkly, agreement }
}

/** Starts the Workers, seeds and checks them; the runs to time and what the report needs. */
async function setUp(started: Started, s: Settings) {
  const fresh = freshBodies()
  const flags = { standard: makeFlags(FLAG_COUNT), heavy: makeHeavyFlags(FLAG_COUNT) }
  const checked = [...Array.from({ length: PROBES.fresh }, fresh), ...targetedBodies(flags.standard, PROBES.targeted)]
  const heavyChecked = Array.from({ length: checked.length }, fresh)
  const { edgeflags, keys, probed } = await startOurs(started, flags, checked, heavyChecked)
  const uncounted = await startOurs(started, flags, checked, heavyChecked, false)
  checkSameAnswers(probed.standard, uncounted.probed.standard)
  checkSameAnswers(probed.heavy, uncounted.probed.heavy)
  const { launchDarkly, agreement } = await startTheirs(started, edgeflags, checked, probed.standard)
  const hello = started(await startBaseline(probed.standard, fresh()))
  const helloHeavy = started(await startBaseline(probed.heavy, fresh()))
  const pool = requestBodies(s.pool)
  const off = { target: uncounted.edgeflags, keys: uncounted.keys }
  const runs: Run[] = [
    { mode: 'fresh', target: hello, bodies: fresh, key: keys.standard },
    { mode: 'fresh', target: edgeflags, bodies: fresh, key: keys.standard },
    { mode: 'fresh', target: off.target, bodies: fresh, key: off.keys.standard },
    { mode: 'fresh', target: launchDarkly, bodies: fresh, key: keys.standard },
    { mode: 'heavy', target: helloHeavy, bodies: fresh, key: keys.heavy },
    { mode: 'heavy', target: edgeflags, bodies: fresh, key: keys.heavy },
    { mode: 'heavy', target: off.target, bodies: fresh, key: off.keys.heavy },
    { mode: 'repeated', target: hello, bodies: pool, key: keys.standard },
    { mode: 'repeated', target: edgeflags, bodies: pool, key: keys.standard },
    { mode: 'repeated', target: off.target, bodies: pool, key: off.keys.standard },
  ]
  const report = {
    bytes: { standard: probed.standard.bytes, heavy: probed.heavy.bytes, launchDarkly: agreement.medianBytes },
    workloads: { standard: workload(flags.standard), heavy: workload(flags.heavy) },
    client: clientCost(freshBodies(), keys.standard),
    agreement,
    launchDarklyVersion: launchDarkly.version,
  }
  return { runs, report }
}

async function timed(run: Run, s: Settings, seconds: number): Promise<Sample> {
  const sample = await loadOnce(run.target, { bodies: run.bodies, key: run.key, connections: s.connections, seconds })
  const figures = `${Math.round(sample.reqPerSec)} req/s, p99 ${sample.p99Ms.toFixed(2)} ms`
  log(`  ${run.mode}, ${run.target.name}: ${figures}`)
  return sample
}

// How far one target's rounds lie apart, against their middle: the noise any difference must beat
const spreadOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return (sorted[sorted.length - 1] - sorted[0]) / sorted[Math.floor(sorted.length / 2)]
}

async function bench(started: Started): Promise<number> {
  const s = settings()
  // first, while no workerd runs beside this process: a few percent drown in their noise
  log('counting evaluations in-process, on against INSIGHTS=off')
  const counting = { work: countingWork(), costs: await countingCost() }
  const { runs, report } = await setUp(started, s)
  log(`client: a fresh request costs ${report.client.requestUs.toFixed(2)} µs to build`)
  const samples = new Map<Run, Sample[]>(runs.map((run) => [run, []]))
  const warm = new Map<Run, Sample[]>()
  const before = loadavg()[0]
  log(`warm-up, ${s.warmup} s each`)
  for (const run of runs) warm.set(run, [await timed(run, s, s.warmup)])
  for (let round = 1; round <= s.rounds; round++) {
    log(`round ${round} of ${s.rounds}, ${s.seconds} s each`)
    // The order reverses every round (ABBA), so a drift in the machine's speed hits all alike.
    for (const run of round % 2 === 1 ? runs : [...runs].reverse()) samples.get(run)!.push(await timed(run, s, s.seconds))
  }

  const after = loadavg()[0]
  const roundSpread = Math.max(...runs.map((run) => spreadOf(samples.get(run)!.map((sample) => sample.reqPerSec))))
  const rows: Row[] = runs.map((run) => ({
    mode: run.mode,
    target: run.target.name,
    sample: medianSample(samples.get(run)!, warm.get(run)),
  }))
  console.log(markdown({ rows, ...report, counting, roundSpread, loadAverage: { before, after }, settings: s }))
  const failed = failures(rows)
  if (failed > 0) log(`FAILED: ${failed} responses were not 2xx or did not arrive`)
  return failed > 0 ? 1 : 0
}

async function main(): Promise<number> {
  const started: Target[] = []
  try {
    return await bench((target) => (started.push(target), target))
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
