import { cpus } from 'node:os'
import { readFileSync } from 'node:fs'
import type { Measurement } from './measure'

/** Markdown output: the environment, then one table with ratios against the baselines. */

export type Row = {
  label: string
  /** Rates print as operations per second, loads as milliseconds per load. */
  unit: 'rate' | 'time'
  /** One cell per column, in the table's column order; undefined when not measured. */
  cells: (Measurement | undefined)[]
}

const PEER_PACKAGES = [
  '@launchdarkly/node-server-sdk',
  '@openfeature/flagd-core',
  '@growthbook/growthbook',
]

function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url)
    return JSON.parse(readFileSync(url, 'utf8')).version
  } catch {
    return 'unknown'
  }
}

export function environment(seconds: number, rounds: number): string {
  const cpu = cpus()
  const versions = PEER_PACKAGES.map((name) => `${name} ${packageVersion(name)}`)
  return [
    `- node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
    `- cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    `- peers: ${versions.join(', ')}`,
    `- BENCH_SECONDS=${seconds} per measurement and peer, after a warm-up; rates are the median ` +
      `of BENCH_ROUNDS=${rounds} interleaved runs (in ABBA order), loads the median load`,
  ].join('\n')
}

function rate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`
  return `${opsPerSec.toFixed(1)} /s`
}

function time(opsPerSec: number): string {
  const ms = 1000 / opsPerSec
  return ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`
}

function cell(row: Row, m: Measurement | undefined): string {
  if (m === undefined) return '—'
  return row.unit === 'rate' ? rate(m.opsPerSec) : time(m.opsPerSec)
}

// Ratios are speed-ups either way: above 1× means edgeflags is faster.
function ratio(ours: Measurement | undefined, theirs: Measurement | undefined): string {
  if (ours === undefined || theirs === undefined) return '—'
  return `${(ours.opsPerSec / theirs.opsPerSec).toFixed(2)}×`
}

/**
 * `columns` name the peers; `ratios` pairs a label with the column indexes
 * compared (ours, theirs).
 */
export function table(columns: string[], ratios: [string, number, number][], rows: Row[]): string {
  const header = ['measurement', ...columns, ...ratios.map(([label]) => label)]
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ]
  for (const row of rows) {
    const cells = columns.map((_, i) => cell(row, row.cells[i]))
    const speedups = ratios.map(([, ours, theirs]) => ratio(row.cells[ours], row.cells[theirs]))
    lines.push(`| ${[row.label, ...cells, ...speedups].join(' | ')} |`)
  }
  return lines.join('\n')
}
