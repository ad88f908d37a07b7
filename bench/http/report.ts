import { cpus } from 'node:os'
import type { Agreement } from './agreement'
import { countingLine as inProcessLine, type CountingCost } from './counting'
import type { ClientCost, Sample } from './load'
import { TARGETS } from './miniflare'

/** Settings from the environment, the median of interleaved rounds, and the Markdown report. */

function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

export type Settings = { seconds: number; warmup: number; rounds: number; connections: number; pool: number }

export function settings(): Settings {
  return {
    seconds: fromEnv('BENCH_HTTP_SECONDS', 10),
    warmup: fromEnv('BENCH_HTTP_WARMUP', 2),
    rounds: Math.round(fromEnv('BENCH_HTTP_ROUNDS', 2)),
    connections: Math.round(fromEnv('BENCH_HTTP_CONNECTIONS', 20)),
    pool: Math.round(fromEnv('BENCH_HTTP_POOL', 20)),
  }
}

/** The modes, each measured against hello-world, with the share of its req/s edgeflags aims for. */
export const MODES = {
  fresh: { title: 'fresh contexts', target: 0.7 },
  heavy: { title: 'heavy flag set', target: 0.6 },
  repeated: { title: 'repeated contexts', target: 0.9 },
} as const

export type Mode = keyof typeof MODES

/** edgeflags' req/s over LaunchDarkly's SDK Worker, both with fresh contexts. */
export const LAUNCHDARKLY_TARGET = 20

/** The most req/s counting evaluations (flag insights) may cost, against INSIGHTS=off. */
export const COUNTING_COST_TARGET = 0.03

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Each figure is the median over the rounds on its own. Failure counts are summed instead, over
 * `alsoCounted` (the warm-up) too, since a single failed request anywhere fails the benchmark.
 */
export function medianSample(samples: Sample[], alsoCounted: Sample[] = []): Sample {
  const pick = (field: keyof Sample) => median(samples.map((s) => s[field]))
  const sum = (field: keyof Sample) => [...samples, ...alsoCounted].reduce((n, s) => n + s[field], 0)
  return {
    requests: samples.reduce((n, s) => n + s.requests, 0),
    reqPerSec: pick('reqPerSec'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
  }
}

export type Row = { mode: Mode; target: string; sample: Sample }

export type Report = {
  rows: Row[]
  /** Response bytes: the median probed answer for each flag set, and LaunchDarkly's. */
  bytes: { standard: number; heavy: number; launchDarkly: number }
  workloads: { standard: object; heavy: object }
  client: ClientCost
  agreement: Agreement
  launchDarklyVersion: string
  /** The widest spread between rounds of one target, (max − min) / median: how much noise there is. */
  roundSpread: number
  /** What counting evaluations costs, measured in-process (bench/http/counting.ts). */
  counting: { costs: CountingCost[]; work: { renderedNs: number; cachedNs: number } }
  /** The machine's 1-minute load average around the timed runs: other work skews every figure. */
  loadAverage: { before: number; after: number }
  settings: Settings
}

export const failures = (rows: Row[]) => rows.reduce((n, { sample }) => n + sample.non2xx + sample.errors, 0)

const number = (value: number) => Math.round(value).toLocaleString('en-US')

function tableRow({ mode, target, sample: s }: Row): string {
  const figures = [number(s.reqPerSec), s.p50Ms.toFixed(2), s.p99Ms.toFixed(2), String(s.non2xx), String(s.errors)]
  return `| ${[MODES[mode].title, target, ...figures].join(' | ')} |`
}

const verdict = (ratio: number, target: number) => `target ≥ ${target}: ${ratio >= target ? 'met' : 'NOT met'}`

function ratioLines(rows: Row[]): string[] {
  const find = (mode: Mode, target: string) => rows.find((r) => r.mode === mode && r.target === target)!.sample
  const lines = (Object.keys(MODES) as Mode[]).map((mode) => {
    const [ours, hello] = [find(mode, TARGETS.edgeflags), find(mode, TARGETS.hello)]
    const ratio = ours.reqPerSec / hello.reqPerSec
    const p99 = (ours.p99Ms / hello.p99Ms).toFixed(2)
    return `- ${MODES[mode].title}: edgeflags/hello req/s **${ratio.toFixed(2)}** (${verdict(ratio, MODES[mode].target)}); p99 ${p99}×`
  })
  const ratio = find('fresh', TARGETS.edgeflags).reqPerSec / find('fresh', TARGETS.launchDarkly).reqPerSec
  const verdictLd = verdict(ratio, LAUNCHDARKLY_TARGET)
  lines.push(`- edgeflags / LaunchDarkly SDK req/s, fresh contexts: **${ratio.toFixed(1)}×** (${verdictLd})`)
  return lines
}

// What counting costs: edgeflags as deployed against the same Worker with INSIGHTS=off
function countingLine(rows: Row[], roundSpread: number): string {
  const find = (mode: Mode, target: string) => rows.find((r) => r.mode === mode && r.target === target)!.sample
  const costs = (Object.keys(MODES) as Mode[]).map((mode) => ({
    mode,
    cost: 1 - find(mode, TARGETS.edgeflags).reqPerSec / find(mode, TARGETS.edgeflagsUncounted).reqPerSec,
  }))
  const figures = costs.map(({ mode, cost }) => `${MODES[mode].title} ${(cost * 100).toFixed(1)}%`).join(', ')
  const met = costs.every(({ cost }) => cost <= COUNTING_COST_TARGET)
  const noise = `rounds of one target differ by up to ${(roundSpread * 100).toFixed(0)}% in this run`
  return `- flag insights, req/s lost to counting (edgeflags against INSIGHTS=off): **${figures}** (target ≤ ${COUNTING_COST_TARGET * 100}%: ${met ? 'met' : 'NOT met'}; ${noise})`
}

// workerd serves each Worker on one thread and is the limit, so 1/(req/s) is its time per request
function costLine(rows: Row[]): string {
  const modes = (Object.keys(MODES) as Mode[]).map((mode) => {
    const costs = rows.filter((r) => r.mode === mode).map((r) => `${r.target} ${number(1e6 / r.sample.reqPerSec)}`)
    return `${MODES[mode].title}: ${costs.join(', ')}`
  })
  return `- workerd time per request (1 / req/s), µs: ${modes.join('; ')}`
}

function notes({ bytes, workloads, client, agreement, launchDarklyVersion, loadAverage, settings: s }: Report): string[] {
  const cpu = cpus()
  return [
    '- modes: fresh contexts send a context never sent before on every request (targetingKey `fresh-{n}`, n counting ' +
      'up over the whole run, attributes of bench context n mod 10,000); repeated contexts cycle through ' +
      `${s.pool} bench contexts without If-None-Match; the heavy flag set gets fresh contexts. In each mode ` +
      'hello-world gets the same requests as edgeflags',
    `- flag sets, 200 flags each: standard ${JSON.stringify(workloads.standard)}; heavy ` +
      `${JSON.stringify(workloads.heavy)} (two clauses per rule, rollouts in every rule and the fallthrough)`,
    `- response bodies: standard ${number(bytes.standard)} bytes, heavy ${number(bytes.heavy)} bytes (hello-world ` +
      `sends the same bytes); LaunchDarkly's allFlagsState JSON ${number(bytes.launchDarkly)} bytes`,
    `- client cost of a fresh request: ${client.bodyUs.toFixed(2)} µs for the body, ${client.requestUs.toFixed(2)} µs ` +
      "with autocannon's encoding (paid for hello-world alike); repeated contexts are encoded once up front",
    `- LaunchDarkly SDK: @launchdarkly/cloudflare-server-sdk ${launchDarklyVersion} in a Worker of its own (Miniflare, ` +
      'same runtime), its client initialised once per isolate (the most favourable setup; its README initialises ' +
      "per request); it reads `LD-Env-{id}` from KV (copied from what edgeflags' Hub wrote) on every allFlagsState",
    `- agreement before timing: ${agreement.contexts} contexts × 200 flags, all ${agreement.values} values of ` +
      "LaunchDarkly's allFlagsState equal to edgeflags' OFREP values",
    "- seeding: both environments through the signed webhook and a server key from the admin API, timed once the " +
      "Hub's KV write landed",
    `- node ${process.version}, ${process.platform}/${process.arch}; cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}; ` +
      `load average (1 min) ${loadAverage.before.toFixed(1)} before timing, ${loadAverage.after.toFixed(1)} after`,
    `- ${s.connections} connections, ${s.warmup} s warm-up, ${s.seconds} s × ${s.rounds} interleaved rounds per row ` +
      '(median; non-2xx and errors summed over all runs, warm-up included)',
  ]
}

export function markdown(report: Report): string {
  return [
    "## OFREP bulk over HTTP: edgeflags against hello-world and LaunchDarkly's Cloudflare SDK\n",
    '| mode | target | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(tableRow),
    '',
    ...ratioLines(report.rows),
    costLine(report.rows),
    countingLine(report.rows, report.roundSpread),
    `- counting work per bulk answer of 200 flags alone (Node): ${report.counting.work.renderedNs.toFixed(0)} ns rendered, ` +
      `${report.counting.work.cachedNs.toFixed(0)} ns served from the rendered-answer cache`,
    inProcessLine(report.counting.costs),
    ...notes(report),
  ].join('\n')
}
