import { readFile } from 'node:fs/promises'
import { call, type AdminResult, type AdminTarget } from './admin-api'

/**
 * The `npm run flags` commands for scheduled changes and progressive rollouts (README,
 * "Schedules and rollouts"): `schedule`, `schedules`, `rollout`, `rollouts`, `pause`, `resume`,
 * `cancel`. Each returns the lines to print.
 */

type Schedule = { id: string; at: number; state: string; note?: string; version?: number; reasons?: string[]; change: { flags: object; segments: object } }
type Rollout = { id: string; flag: string; variation: number; baseline: number; state: string; reason?: string; next: number; nextAt?: number; steps: { percent: number }[] }

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** Seconds in `30s`, `10m`, `1h`, `2d` (or plain seconds); undefined for anything else. */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim())
  return match === null ? undefined : Math.round(Number(match[1]) * (UNITS[match[2] || 's']))
}

/** An ISO time, or `+10m`-style from `now`; undefined when it is neither. */
export const parseAt = (text: string, now = Date.now()): string | undefined => {
  if (text.startsWith('+')) {
    const seconds = parseDuration(text.slice(1))
    return seconds === undefined ? undefined : new Date(now + seconds * 1000).toISOString()
  }
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

const when = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19))

export const describeSchedule = ({ id, at, state, note, version, reasons, change }: Schedule) => {
  const items = [...Object.keys(change.flags), ...Object.keys(change.segments)].join(', ')
  const outcome = state === 'applied' ? ` as version ${version}` : state === 'failed' ? `: ${(reasons ?? []).join('; ')}` : ''
  return `${id}  ${when(at)}  ${state}${outcome}  (${items})${note ? `  ${note}` : ''}`
}

export const describeRollout = ({ id, flag, variation, baseline, state, reason, next, nextAt, steps }: Rollout) => {
  const plan = steps.map((step, i) => (i < next ? `[${step.percent}%]` : `${step.percent}%`)).join(' → ')
  const upcoming = state === 'running' ? `, next at ${when(nextAt)}` : reason ? `: ${reason}` : ''
  return `${id}  ${flag}: ${baseline} → ${variation}  ${plan}  ${state}${upcoming}`
}

const lines = <T>(result: AdminResult<T>, describe: (value: T) => string[]): AdminResult<string[]> =>
  result.ok ? { ok: true, value: describe(result.value) } : result

/** Schedules the webhook body in `file` (its `environment` and `version`, if any, left out). */
export const schedule = async (target: AdminTarget, file: string, at: string, note?: string) => {
  const { environment: _, version: __, ...change } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  const body = JSON.stringify({ at, change, actor: 'npm run flags', ...(note === undefined ? {} : { note }) })
  return lines(await call<Schedule>(target, '/schedules', { method: 'POST', body }), (made) => [`scheduled: ${describeSchedule(made)}`])
}

export const schedules = async (target: AdminTarget) =>
  lines(await call<{ schedules: Schedule[] }>(target, '/schedules'), ({ schedules: all }) =>
    all.length > 0 ? all.map(describeSchedule) : [`${target.env}: no schedules`],
  )

export const rollout = async (target: AdminTarget, request: { flag: string; variation: number; baseline?: number; percents: number[]; every: number }) => {
  const steps = request.percents.map((percent) => ({ percent, after: request.every }))
  const body = JSON.stringify({ flag: request.flag, variation: request.variation, baseline: request.baseline, steps, actor: 'npm run flags' })
  return lines(await call<Rollout>(target, '/rollouts', { method: 'POST', body }), (made) => [`started: ${describeRollout(made)}`])
}

export const rollouts = async (target: AdminTarget) =>
  lines(await call<{ rollouts: Rollout[] }>(target, '/rollouts'), ({ rollouts: all }) =>
    all.length > 0 ? all.map(describeRollout) : [`${target.env}: no rollouts`],
  )

/** Pauses or resumes a rollout; `cancel` takes a schedule's id or a rollout's. */
export const control = async (target: AdminTarget, action: 'pause' | 'resume' | 'cancel', id: string) => {
  if (action === 'cancel') {
    const cancelled = await call<Schedule>(target, `/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' })
    if (cancelled.ok || !cancelled.lines[0].includes('schedule_not_found')) {
      return lines(cancelled, (schedule) => [`cancelled: ${describeSchedule(schedule)}`])
    }
  }
  const result = await call<Rollout>(target, `/rollouts/${encodeURIComponent(id)}/${action}`, { method: 'POST' })
  return lines(result, (done) => [`${action}: ${describeRollout(done)}`])
}

export const TIMETABLE_USAGE = [
  'usage: npm run flags -- schedule <file.json> --at <ISO time | +10m> [--note "…"]',
  '       npm run flags -- schedules',
  '       npm run flags -- rollout <flag> --variation 1 --steps 1,5,25,100 --every 1h [--baseline 0]',
  '       npm run flags -- rollouts',
  '       npm run flags -- pause|resume <rollout id>    npm run flags -- cancel <schedule or rollout id>',
  '       (each takes [--env development] [--url http://127.0.0.1:8787] [--token <admin token>])',
].join('\n')

const COMMANDS = ['schedule', 'schedules', 'rollout', 'rollouts', 'pause', 'resume', 'cancel'] as const
type Command = (typeof COMMANDS)[number]

export const isTimetableCommand = (command: string | undefined): command is Command => COMMANDS.includes(command as Command)

/** What to run for a timetable command line, or why it is not one (a usage error). */
export const parseTimetableCli = (
  positionals: string[],
  values: { at?: string; note?: string; variation?: string; baseline?: string; steps?: string; every?: string },
  now = Date.now(),
): { ok: true; run: (target: AdminTarget) => Promise<AdminResult<string[]>> } | { ok: false; message: string } => {
  const [command, ...args] = positionals as [Command, ...string[]]
  const arity = { schedule: 1, schedules: 0, rollout: 1, rollouts: 0, pause: 1, resume: 1, cancel: 1 }[command]
  if (args.length !== arity) return { ok: false, message: `${command} takes ${arity === 0 ? 'no arguments' : 'one argument'}` }
  switch (command) {
    case 'schedule': {
      const at = values.at === undefined ? undefined : parseAt(values.at, now)
      if (at === undefined) return { ok: false, message: '--at must be an ISO time or +<number><s|m|h|d>' }
      return { ok: true, run: (target) => schedule(target, args[0], at, values.note) }
    }
    case 'rollout': {
      const variation = Number(values.variation)
      const baseline = values.baseline === undefined ? undefined : Number(values.baseline)
      const percents = (values.steps ?? '').split(',').map(Number)
      const every = parseDuration(values.every ?? '')
      if (!Number.isInteger(variation) || variation < 0) return { ok: false, message: '--variation must be a variation index' }
      if (baseline !== undefined && (!Number.isInteger(baseline) || baseline < 0)) return { ok: false, message: '--baseline must be a variation index' }
      if (percents.some((percent) => !(percent > 0 && percent <= 100))) return { ok: false, message: '--steps must be percentages, like 1,5,25,100' }
      if (every === undefined) return { ok: false, message: '--every must be a duration, like 30m or 1h' }
      return { ok: true, run: (target) => rollout(target, { flag: args[0], variation, baseline, percents, every }) }
    }
    case 'schedules':
      return { ok: true, run: schedules }
    case 'rollouts':
      return { ok: true, run: rollouts }
    default:
      return { ok: true, run: (target) => control(target, command, args[0]) }
  }
}
