import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { FlagInsight, InsightsReport } from '../src/insights/report'
import { call, type AdminResult, type AdminTarget } from './admin-api'
import { DEV_ENVIRONMENT } from './dev-credentials'
import { isTimetableCommand, parseTimetableCli, TIMETABLE_USAGE } from './timetable'

/**
 * `npm run flags -- insights [--env development] [--days 7] [--url http://127.0.0.1:8787]` prints
 * each flag's evaluations and status (GET /admin/v1/environments/{env}/insights);
 * `npm run flags -- stale` lists the flags that can be removed from code, and why. The schedule
 * and rollout commands are scripts/timetable.ts's. The admin token comes from `--token`, else
 * ADMIN_TOKEN in the environment, `.dev.vars` or `.dev.vars.example` (scripts/admin-api.ts).
 */

export const INSIGHTS_USAGE = [
  'usage: npm run flags -- insights [--days 7] [--json]    npm run flags -- stale [--days 7] [--json]',
  '       (each takes [--env development] [--url http://127.0.0.1:8787] [--token <admin token>])',
].join('\n')
export const USAGE = `${INSIGHTS_USAGE}\n${TIMETABLE_USAGE.replace(/^usage: /, '       ')}`

/** Where `npm run dev` serves (as `npm run push` defaults to). */
const DEFAULT_URL = 'http://127.0.0.1:8787'

const OPTIONS = {
  env: { type: 'string', default: DEV_ENVIRONMENT },
  url: { type: 'string', default: DEFAULT_URL },
  token: { type: 'string' },
  days: { type: 'string', default: '7' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  // scripts/timetable.ts
  at: { type: 'string' },
  note: { type: 'string' },
  variation: { type: 'string' },
  baseline: { type: 'string' },
  steps: { type: 'string' },
  every: { type: 'string' },
} as const

type Run = (target: AdminTarget) => Promise<AdminResult<string[]>>

/** What a command line asks for: a run against the admin API, the usage, or a usage error (exit 2). */
export const parseFlagsCli = (argv: string[]): { ok: true; target: AdminTarget; run: Run | 'help' } | { ok: false; message: string } => {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS })
  } catch (error) {
    return { ok: false, message: (error as Error).message.split('. ')[0] }
  }
  const { values, positionals } = parsed
  const target: AdminTarget = { env: values.env, url: values.url, token: values.token }
  if (values.help) return { ok: true, target, run: 'help' }
  const [command, ...extra] = positionals
  if (isTimetableCommand(command)) {
    const timetable = parseTimetableCli(positionals, values)
    return timetable.ok ? { ok: true, target, run: timetable.run } : timetable
  }
  if (command !== 'insights' && command !== 'stale') return { ok: false, message: `unknown command "${command ?? ''}"` }
  if (extra.length > 0) return { ok: false, message: `unexpected "${extra.join(' ')}"` }
  const days = Number(values.days)
  if (!Number.isInteger(days) || days < 1 || days > 90) return { ok: false, message: `--days must be a whole number from 1 to 90, got "${values.days}"` }
  const print = command === 'stale' ? staleLines : insightsLines
  const run: Run = async (at) => {
    const result = await call<InsightsReport>(at, `/insights?days=${days}`)
    if (!result.ok) return result
    const report = command === 'stale' ? { ...result.value, flags: removable(result.value) } : result.value
    return { ok: true, value: values.json ? [JSON.stringify(report, null, 2)] : print(result.value) }
  }
  return { ok: true, target, run }
}

const number = (value: number) => value.toLocaleString('en-US')
const minute = (iso: string | null) => (iso === null ? 'never' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`)

// Variation keys in index order, "default" last
const byVariation = (variations: Record<string, number>) =>
  Object.entries(variations)
    .sort(([a], [b]) => (a === 'default' ? 1 : b === 'default' ? -1 : Number(a) - Number(b)))
    .map(([variation, count]) => `${variation}: ${number(count)}`)
    .join('  ') || '-'

/** Columns padded to their widest cell; the columns in `right` (numbers) align right. */
const table = (header: string[], rows: string[][], right: ReadonlySet<number>) => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)))
  const line = (row: string[]) =>
    row
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)]
}

const heading = (report: InsightsReport) =>
  `${report.environment}: ${report.flags.length} flags, last ${report.days} days (${report.from.slice(0, 10)} to ${report.to.slice(0, 10)}), ` +
  `STALE_DAYS ${report.staleDays}, counting since ${report.countingSince.slice(0, 10)}`

/** The `insights` table: one line per flag, busiest first. */
export const insightsLines = (report: InsightsReport): string[] => [
  heading(report),
  '',
  ...table(
    ['flag', 'status', 'evaluations', 'by variation', 'last evaluated (UTC)'],
    report.flags.map((flag) => [flag.key, flag.status, number(flag.evaluations), byVariation(flag.variations), minute(flag.lastEvaluated)]),
    new Set([2]),
  ),
]

/** Flags that can be removed from code: stale (nothing evaluates them) or launched (one variation for all). */
export const removable = (report: InsightsReport): FlagInsight[] => report.flags.filter((flag) => flag.status === 'stale' || flag.status === 'launched')

/** The `stale` list: each removable flag with why. */
export const staleLines = (report: InsightsReport): string[] => {
  const flags = removable(report)
  if (flags.length === 0) return [`${report.environment}: no flag is stale or launched (STALE_DAYS ${report.staleDays})`]
  const rows = flags.map((flag) => [flag.key, flag.status, flag.why])
  return [`${report.environment}: ${flags.length} ${flags.length === 1 ? 'flag' : 'flags'} can be removed from code`, '', ...table(['flag', 'status', 'why'], rows, new Set())]
}

// Names the usual failure: nothing listening (undici puts the code on `cause`)
const unreachable = (url: string, error: unknown) => {
  const code = (error as { cause?: { code?: string } }).cause?.code
  if (code === 'ECONNREFUSED') return `no server is running at ${url}; start one with: npm run dev`
  return `cannot reach ${url}: ${code ?? (error as Error).message}`
}

const main = async (argv: string[]): Promise<number> => {
  const cli = parseFlagsCli(argv)
  if (!cli.ok) {
    console.error(`${cli.message}\n${USAGE}`)
    return 2
  }
  if (cli.run === 'help') {
    console.log(USAGE)
    return 0
  }
  let result: AdminResult<string[]>
  try {
    result = await cli.run(cli.target)
  } catch (error) {
    console.error(unreachable(cli.target.url, error))
    return 1
  }
  for (const line of result.ok ? result.value : result.lines) (result.ok ? console.log : console.error)(line)
  return result.ok ? 0 : 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
