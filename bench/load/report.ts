import { cpus } from 'node:os'
import { LOAD_CHANGES, type LoadResult } from './ofrep'
import { SOAK_CHANGES, SOAK_SOCKETS, type SoakResult } from './soak'

/** The Markdown summary, and the correctness figures that must all be 0. */

const count = (n: number) => n.toLocaleString('en-US')
const mib = (kib: number) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : 'not found')
const growth = (from: number, to: number) =>
  Number.isFinite(from) && Number.isFinite(to) ? `${to >= from ? '+' : ''}${((to / from - 1) * 100).toFixed(1)}%` : 'n/a'
const cell = (value: string | number) => (typeof value === 'number' ? count(value) : value)
const table = (rows: [string, string | number][]) =>
  ['| figure | value |', '| --- | ---: |', ...rows.map(([name, value]) => `| ${name} | ${cell(value)} |`)]

/** Each correctness figure of the run by name; any non-zero one fails it. */
export function failures(load?: LoadResult, soak?: SoakResult): [string, number][] {
  const figures: [string, number][] = []
  if (load) {
    figures.push(['part 1 non-2xx', load.non2xx], ['part 1 errors', load.errors], ['part 1 wrong answers', load.wrong],
      ['part 1 failed changes', load.failedChanges.length], ['part 1 no samples', load.samples === 0 ? 1 : 0])
  }
  if (soak) {
    figures.push(['part 2 missed', soak.missed], ['part 2 out of order', soak.outOfOrder],
      ['part 2 duplicated', soak.duplicated], ['part 2 unexpected', soak.unexpected], ['part 2 wrong', soak.wrong],
      ['part 2 wrong puts', soak.wrongPuts], ['part 2 sockets lost', soak.lost],
      ['part 2 failed changes', soak.failedChanges.length])
  }
  return figures.filter(([, value]) => value !== 0)
}

function loadSection(r: LoadResult): string[] {
  return [
    `### 1. OFREP bulk under load, ${r.seconds} s, while ${LOAD_CHANGES} changes land`, '',
    ...table([
      ['requests tried', r.tried], ['2xx', r.ok], ['non-2xx (expected 0)', r.non2xx], ['errors (expected 0)', r.errors],
      ['still in flight when the load stopped', r.tried - r.ok - r.non2xx],
      ['req/s', Math.round(r.reqPerSec)], ['p99 ms', r.p99Ms],
      ['changes accepted', `${r.changes} of ${LOAD_CHANGES}`],
      ['answers the changes altered (of 1,000 contexts × flag)', r.answersChanged],
      ['responses checked (every 50th)', r.samples], ['versions named by checked responses', r.versionsSeen],
      ['wrong answers (expected 0)', r.wrong],
      ['workerd RSS start / middle / end', [r.rssKiB.start, r.rssKiB.middle, r.rssKiB.end].map(mib).join(' / ')],
      ['RSS growth start → end / middle → end', `${growth(r.rssKiB.start, r.rssKiB.end)} / ${growth(r.rssKiB.middle, r.rssKiB.end)}`],
    ]),
    ...[...r.failedChanges, ...r.examples].map((line) => `- ${line}`),
  ]
}

function soakSection(r: SoakResult): string[] {
  const rss = r.rssKiB
  return [
    `### 2. ${count(SOAK_SOCKETS)} WebSockets held ${r.seconds} s through ${SOAK_CHANGES} changes`, '',
    ...table([
      ['sockets open', r.sockets], ['changes accepted', `${r.changes} of ${SOAK_CHANGES}`],
      ['sockets a change patches: fewest / most', `${r.affected.min} / ${r.affected.max}`],
      ['changes that patch no socket', r.affected.none],
      ['messages expected', r.expected], ['messages received', r.received], ['missed (expected 0)', r.missed],
      ['out of order (expected 0)', r.outOfOrder], ['duplicated (expected 0)', r.duplicated],
      ['unexpected (expected 0)', r.unexpected], ['wrong content (expected 0)', r.wrong],
      ['wrong first put (expected 0)', r.wrongPuts], ['sockets lost (expected 0)', r.lost],
      ['workerd RSS before / open / middle / end', [rss.start, rss.open, rss.middle, rss.end].map(mib).join(' / ')],
      ['RSS growth open → end / middle → end', `${growth(rss.open, rss.end)} / ${growth(rss.middle, rss.end)}`],
    ]),
    ...[...r.failedChanges, ...r.examples].map((line) => `- ${line}`),
  ]
}

export function markdown(command: string, load?: LoadResult, soak?: SoakResult, stopped?: string): string {
  const cpu = cpus()
  const failed = failures(load, soak)
  return [
    '## Load and soak', '',
    `\`${command}\`: Miniflare on 127.0.0.1; node ${process.version}; cpu ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}, ` +
      'shared by the clients and workerd.', '',
    ...(load ? loadSection(load) : ['### 1. OFREP bulk: did not finish']), '',
    ...(soak ? soakSection(soak) : ['### 2. WebSocket soak: did not finish']), '',
    stopped ? `**FAILED**: the run stopped: ${stopped}` :
      failed.length === 0 ? '**Result: passed** (every correctness figure is 0).' :
        `**FAILED**: ${failed.map(([name, value]) => `${name} ${count(value)}`).join(', ')}.`,
  ].join('\n')
}
