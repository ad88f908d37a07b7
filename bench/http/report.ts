import { cpus } from 'node:os'
import type { Sample } from './load'

/** Settings from the environment, the median of interleaved rounds, and the Markdown report. */

function fromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

export type Settings = { seconds: number; warmup: number; rounds: number; connections: number; contexts: number }

export function settings(): Settings {
  return {
    seconds: fromEnv('BENCH_HTTP_SECONDS', 10),
    warmup: fromEnv('BENCH_HTTP_WARMUP', 2),
    rounds: Math.round(fromEnv('BENCH_HTTP_ROUNDS', 2)),
    connections: Math.round(fromEnv('BENCH_HTTP_CONNECTIONS', 20)),
    contexts: Math.round(fromEnv('BENCH_HTTP_CONTEXTS', 1000)),
  }
}

export const TARGET_RATIO = 0.8

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

function row(name: string, s: Sample): string {
  const cells = [name, Math.round(s.reqPerSec).toLocaleString('en-US'), s.p50Ms.toFixed(2),
    s.p99Ms.toFixed(2), String(s.non2xx), String(s.errors)]
  return `| ${cells.join(' | ')} |`
}

export type Report = { hello: Sample; edgeflags: Sample; bodyBytes: number; settings: Settings }

export function markdown({ hello, edgeflags, bodyBytes, settings: s }: Report): string {
  const ratio = edgeflags.reqPerSec / hello.reqPerSec
  const cpu = cpus()
  return [
    '## OFREP bulk over HTTP: edgeflags against a hello-world Worker\n',
    '| target | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('hello-world', hello),
    row('edgeflags', edgeflags),
    '',
    `- edgeflags/hello req/s: **${ratio.toFixed(2)}** (target ≥ ${TARGET_RATIO}: ` +
      `${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
    `- edgeflags/hello p99: ${(edgeflags.p99Ms / hello.p99Ms).toFixed(2)}`,
    `- response body: ${bodyBytes.toLocaleString('en-US')} bytes (200 flags), the same bytes from both`,
    `- node ${process.version}, ${process.platform}/${process.arch}; cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    `- ${s.connections} connections, ${s.contexts.toLocaleString('en-US')} contexts, ${s.warmup} s warm-up, ` +
      `${s.seconds} s × ${s.rounds} interleaved rounds per target (median; non-2xx and errors summed over all runs, warm-up included)`,
  ].join('\n')
}
