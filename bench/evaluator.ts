import { agreement, decidedByTargetOrRule, reasonKinds, type Agreement } from './check'
import {
  firstPairs, makeContexts, makeFlags, makePairs, targetedCases, workload, PAIR_COUNT,
  type BenchContext, type LdFlag, type Pairs,
} from './fixtures'
import { benchRounds, benchSeconds, interleaved, interleavedRuns } from './measure'
import { edgeflags, prepareCompileOnly } from './peers/edgeflags'
import { flagdPeer } from './peers/flagd'
import { growthBook } from './peers/growthbook'
import { launchDarkly } from './peers/launchdarkly'
import type { Peer, Session } from './peers/peer'
import { environment, table, type Row } from './report'
import { allFlags, loadRun, oneFlag, syncLoadRun } from './run'

/**
 * `npm run bench`: loads the same generated flags into edgeflags, LaunchDarkly's
 * Node SDK, flagd-core and GrowthBook, checks that edgeflags agrees with
 * LaunchDarkly, and prints throughput with ratios measured in this same run.
 * Progress goes to stderr, the report (Markdown) to stdout.
 */

// flagd-core compiles targeting with new Function(), which Workers forbid;
// BENCH_FLAGD_INTERPRETER=1 adds a column for the interpreter mode a Worker would have to use.
const WITH_INTERPRETER = process.env.BENCH_FLAGD_INTERPRETER === '1'
const PEERS = [launchDarkly, flagdPeer(), growthBook,
  ...(WITH_INTERPRETER ? [flagdPeer({ disableDynamicCodeGeneration: true })] : [])]
const NAME = 'edgeflags'
const COLUMNS = [NAME, ...PEERS.map((p) => p.name)]
const RATIOS: [string, number, number][] = [['edgeflags/LD', 0, 1], ['edgeflags/flagd', 0, 2]]
const CHECKED_PAIRS = 1_000

const seconds = benchSeconds()
const rounds = benchRounds()
const log = (line: string) => process.stderr.write(`${line}\n`)
const n = (count: number) => count.toLocaleString('en-US')

type Loaded = { peer: Peer; session: Session }

function report(name: string, result: Agreement, contexts: BenchContext[]): string {
  const lines = [`${result.agreed}/${result.total}`]
  for (const m of result.mismatches.slice(0, 5)) {
    lines.push(`  - differs on ${m.flagKey} for ${JSON.stringify(contexts[m.contextIndex])}: ` +
      `LaunchDarkly ${JSON.stringify(m.expected)}, ${name} ${JSON.stringify(m.actual)}`)
  }
  return lines.join('\n')
}

/** Prints the agreement checks; returns false if edgeflags disagreed with LaunchDarkly. */
async function checkAgreement(
  loaded: Loaded[],
  flags: LdFlag[],
  contexts: BenchContext[],
  pairs: Pairs,
) {
  const [ours, baseline, ...others] = loaded.map((l) => l.session)
  const checked = firstPairs(pairs, CHECKED_PAIRS)
  const targeted = targetedCases(flags)
  console.log('## Agreement with LaunchDarkly (value and variation index)\n')
  const reasons = JSON.stringify(await reasonKinds(baseline, checked))
  console.log(`- LaunchDarkly's reasons over the first ${n(CHECKED_PAIRS)} pairs: ${reasons}`)
  const random = await agreement(baseline, ours, checked)
  const hits = await agreement(baseline, ours, targeted)
  console.log(`- edgeflags, first ${n(CHECKED_PAIRS)} random pairs: ${report(NAME, random, contexts)}`)
  console.log(`- edgeflags, all ${n(targeted.length)} targeted pairs: ${report(NAME, hits, contexts)}`)
  // The other peers hash rollouts their own way: only target and rule decisions can agree.
  for (const [i, session] of others.entries()) {
    const name = COLUMNS[i + 2]
    const result = await agreement(baseline, session, [...checked, ...targeted], decidedByTargetOrRule)
    console.log(`- ${name}, where LaunchDarkly matched a target or rule: ${report(name, result, contexts)}`)
  }
  console.log('')
  return random.mismatches.length + hits.mismatches.length === 0
}

async function evaluationRows(loaded: Loaded[], pairs: Pairs): Promise<Row[]> {
  log('measuring (a) one flag…')
  const ones = loaded.map((l) => oneFlag(l.peer, l.session, pairs))
  const one = await interleaved(ones, seconds, rounds)
  log('measuring (b) all flags…')
  const alls = loaded.map((l) => allFlags(l.peer, l.session, pairs))
  const all = await interleaved(alls, seconds, rounds)
  return [
    { label: '(a) one flag, one context', unit: 'rate', cells: one },
    { label: '(b) all 200 flags, one context', unit: 'rate', cells: all },
  ]
}

async function loadRows(peers: Peer[], sets: LdFlag[][]): Promise<Row[]> {
  const rows: Row[] = []
  for (const set of sets) {
    log(`measuring (c) load ${n(set.length)} flags…`)
    const cells = await interleavedRuns(peers.map((peer) => loadRun(peer, set)), seconds)
    rows.push({ label: `(c) load ${n(set.length)} flags`, unit: 'time', cells })
  }
  for (const set of sets) {
    const cells = await interleavedRuns([syncLoadRun(prepareCompileOnly(set))], seconds)
    rows.push({ label: `(c) edgeflags compile only, ${n(set.length)} flags`, unit: 'time', cells })
  }
  return rows
}

async function main() {
  const peers = [edgeflags, ...PEERS]
  const flags = makeFlags(200)
  const contexts = makeContexts()
  const pairs = makePairs(flags)

  const work = workload(flags)
  console.log(`# edgeflags benchmark\n\n${environment(seconds, rounds)}`)
  console.log(`- workload: ${work.flags} flags, ${work.rules} rules, ${work.clauses} clauses, ` +
    `${work.targets} targeted keys; ${n(contexts.length)} contexts; ` +
    `${n(PAIR_COUNT)} random (flag, context) pairs\n`)

  const loaded: Loaded[] = []
  for (const peer of peers) loaded.push({ peer, session: await peer.prepare(flags, contexts)() })
  const agreed = await checkAgreement(loaded, flags, contexts, pairs)
  const rows = await evaluationRows(loaded, pairs)
  for (const l of loaded) await l.session.close()
  rows.push(...(await loadRows(peers, [flags, makeFlags(1_000)])))

  console.log(`## Results\n\n${table(COLUMNS, RATIOS, rows)}\n`)
  console.log('Rates are operations per second; loads are milliseconds per load. ' +
    'Ratios are speed-ups: above 1× means edgeflags is faster. Loads include validation ' +
    '(edgeflags: zod; flagd: JSON.parse and its schema; ' +
    'LaunchDarkly: the TestData copy and the client start).')
  if (!agreed) {
    console.log('\n**edgeflags disagreed with LaunchDarkly; see the agreement section.**')
    process.exitCode = 1
  }
}

await main()
