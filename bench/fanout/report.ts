import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { median, medianRound, type RoundStats } from './stats'
import type { Target } from './targets'

/** The Markdown report: environment, the latency table, p99 ratios, and where the time goes. */

export const TARGET_RATIO = 1.25

export type SizeResult = {
  size: number
  rounds: Record<Target['name'], RoundStats[]>
  /** A request to the floor's object and back, sending nothing. */
  pingMs: number
  /** The Hub's fanout for this many sockets without sockets, in Node and in workerd (compute.ts). */
  compute: { node: number; first: number; warm: number }
}

const NAMES: Target['name'][] = ['edgeflags', 'floor', 'floor-half']
const ms = (value: number) => value.toFixed(1)

export const fileLimit = () => {
  try {
    return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

function environment(rounds: number): string {
  const cpu = cpus()
  return [
    `- node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
    `- cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}; open files (ulimit -n): ${fileLimit()}`,
    `- one client process (ws, no compression) and both Miniflares share the machine; ${rounds} rounds per ` +
      'target after one warm-up each, interleaved ABBA. Each row is the median round (the round with the median ' +
      'p99). Latency runs from sending the request to a socket receiving its message.',
    '- floor: a bare Durable Object sends a constant patch-sized message to all N sockets; floor-half sends it ' +
      'to the same N/2 sockets edgeflags patches, choosing by each socket\'s attachment.',
  ].join('\n')
}

const ratioRow = (size: number, ours: RoundStats, floor: RoundStats, half: RoundStats) => {
  const ratio = ours.p99 / floor.p99
  return `| ${size} | ${ratio.toFixed(2)}× | ${ratio <= TARGET_RATIO ? 'met' : 'missed'} | ${(ours.p99 / half.p99).toFixed(2)}× |`
}

export function markdown(results: SizeResult[], rounds: number): string {
  const lines = [environment(rounds), '', '| N | target | p50 ms | p99 ms | max ms | messages sent |', '|---|---|---|---|---|---|']
  for (const { size, rounds: byName } of results) {
    for (const name of NAMES) {
      const { p50, p99, max, messages } = medianRound(byName[name])
      lines.push(`| ${size} | ${name} | ${ms(p50)} | ${ms(p99)} | ${ms(max)} | ${messages} |`)
    }
  }
  lines.push('', '| N | p99 edgeflags / floor | target ≤ 1.25× | p99 edgeflags / floor-half |', '|---|---|---|---|')
  for (const { size, rounds: byName } of results) {
    lines.push(ratioRow(size, ...(NAMES.map((name) => medianRound(byName[name])) as [RoundStats, RoundStats, RoundStats])))
  }
  lines.push(
    '',
    'Where the time goes, medians over the rounds in ms: the answer to the request (the webhook for edgeflags, ',
    'POST /broadcast for the floors, which answer after sending), the first arrival, a request to the floor\'s object ',
    'that sends nothing (ping), and the Hub\'s fanout computation for N contexts on the same code with stub sockets: ',
    'in Node, and in workerd the first run and the median of the next.',
    '',
    '| N | ping | webhook answer | first patch | floor answer | floor first | floor-half first | compute Node | compute workerd first / warm |',
    '|---|---|---|---|---|---|---|---|---|',
  )
  for (const { size, rounds: byName, pingMs, compute } of results) {
    const pick = (name: Target['name'], key: keyof RoundStats) => median(byName[name].map((round) => round[key]))
    const cells = [pingMs, pick('edgeflags', 'responseMs'), pick('edgeflags', 'first'), pick('floor', 'responseMs'),
      pick('floor', 'first'), pick('floor-half', 'first'), compute.node]
    lines.push(`| ${size} | ${cells.map(ms).join(' | ')} | ${ms(compute.first)} / ${ms(compute.warm)} |`)
  }
  lines.push('', 'Every round, p99 ms (edgeflags / floor / floor-half):', '')
  for (const { size, rounds: byName } of results) {
    const each = byName.edgeflags.map((_, i) => NAMES.map((name) => ms(byName[name][i]?.p99 ?? NaN)).join(' / '))
    lines.push(`- N = ${size}: ${each.join(', ')}`)
  }
  return lines.join('\n')
}
