import { cpus } from 'node:os'
import { UPLOAD_BUDGET_GZIP_KIB, type DryRun } from '../../scripts/upload-size'
import { median } from '../fanout/stats'
import type { Round } from './first-answer'

/** The Markdown report of `npm run bench:cold`. */

/** How much later than hello-world edgeflags may answer its first request (median, ms). */
export const COLD_BUDGET_MS = 25

export type ColdReport = {
  upload: DryRun
  flagCount: number
  bodyBytes: number
  hello: Round[]
  edgeflags: Round[]
}

const met = (ok: boolean) => (ok ? 'met' : '**NOT met**')
const ms = (value: number) => value.toFixed(1)
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${ms(Math.abs(value))}`

function uploadLine({ status, size }: DryRun): string {
  if (status !== 0 || size === undefined) return `wrangler deploy --dry-run **failed** (exit ${status}): no size to report.`
  const target = `target ≤ ${UPLOAD_BUDGET_GZIP_KIB} KiB gzip: ${met(size.gzipKiB <= UPLOAD_BUDGET_GZIP_KIB)}`
  return `**${size.gzipKiB} KiB gzip** (${size.totalKiB} KiB), as \`wrangler deploy --dry-run\` reports it; ${target}.`
}

type Medians = Record<keyof Round, number>

const medians = (rounds: Round[]): Medians => ({
  startMs: median(rounds.map((r) => r.startMs)),
  coldMs: median(rounds.map((r) => r.coldMs)),
  warmMs: median(rounds.map((r) => r.warmMs)),
})

const row = (name: string, m: Medians, show = ms) => `| ${name} | ${show(m.coldMs)} | ${show(m.warmMs)} | ${show(m.startMs)} |`

export function markdown(report: ColdReport): string {
  const [hello, ours] = [medians(report.hello), medians(report.edgeflags)]
  const difference: Medians = {
    startMs: ours.startMs - hello.startMs,
    coldMs: ours.coldMs - hello.coldMs,
    warmMs: ours.warmMs - hello.warmMs,
  }
  const rounds = report.edgeflags.length
  const perRound = (rows: Round[]) => rows.map((r) => ms(r.coldMs)).join(', ')
  return [
    '## Cold start\n',
    `### Upload\n\n${uploadLine(report.upload)}\n`,
    `### First answer of a fresh runtime: ${report.flagCount.toLocaleString('en-US')} flags\n`,
    'Each round starts a fresh Miniflare (edgeflags on the persisted state the webhook seeded: KV, the',
    "Hub's storage, the Cache API) and times OFREP bulk for a server key from sending to the whole body;",
    `hello-world sends a body of the same ${report.bodyBytes.toLocaleString('en-US')} bytes. ${rounds} rounds, interleaved ABBA, medians in ms.\n`,
    '| target | first request | second request | start → ready |',
    '| --- | ---: | ---: | ---: |',
    row('hello-world', hello),
    row('edgeflags', ours),
    row('difference', difference, signed),
    '',
    `Target: first request ≤ +${COLD_BUDGET_MS} ms over hello-world: ${met(difference.coldMs <= COLD_BUDGET_MS)}` +
      ` (${signed(difference.coldMs)} ms).\n`,
    `First requests by round: edgeflags ${perRound(report.edgeflags)}; hello-world ${perRound(report.hello)}.\n`,
    `Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}.`,
  ].join('\n')
}
