import { isJsonObject } from '../model/json'
import { totalOf } from './counts'
import { servedToEveryone } from './launched'
import { flagStatus, type FlagStatus } from './status'
import { DAY_MS, type StoredInsights } from './store'

/** One flag in `GET /admin/v1/environments/{env}/insights`. */
export type FlagInsight = {
  key: string
  status: FlagStatus
  /** Why the status, in words (what `npm run flags -- stale` prints). */
  why: string
  /** Evaluations in the window, and by variation key (index, or "default"). */
  evaluations: number
  variations: Record<string, number>
  /** ISO times, null when unknown. */
  lastEvaluated: string | null
  createdAt: string | null
  changedAt: string | null
}

export type InsightsReport = {
  environment: string
  days: number
  staleDays: number
  /** The window, ISO times (before the last 30 days, counts are whole UTC days). */
  from: string
  to: string
  countingSince: string
  flags: FlagInsight[]
}

/** The environment as the Hub holds it: flags in LaunchDarkly's JSON, and what it knows of their times. */
export type ReportedEnvironment = {
  environment: string
  flags: ReadonlyMap<string, unknown>
  /** Flag → ISO creation time; absent for flags older than that record. */
  born: ReadonlyMap<string, string>
  /** The last change the Hub applied (it names its flags). */
  lastChange: { at: string; flags: readonly string[] } | undefined
}

export type ReportOptions = { days: number; staleDays: number; now: number }

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
const ms = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text))

/** When `key` last changed: insights' own record, else the Hub's last change if it named the flag, else its creation. */
const changedAtOf = (key: string, { born, lastChange }: ReportedEnvironment, stored: StoredInsights) =>
  stored.changed.get(key) ?? (lastChange?.flags.includes(key) ? lastChange.at : undefined) ?? born.get(key)

/** Every current flag with its evaluations in the window and its status, busiest first. */
export const buildReport = (environment: ReportedEnvironment, stored: StoredInsights, { days, staleDays, now }: ReportOptions): InsightsReport => {
  const countingSince = stored.since ?? now
  const live = [...environment.flags].filter(([, json]) => !(isJsonObject(json) && json.deleted === true))
  const flags = live.map(([key, json]): FlagInsight => {
    const byVariation = stored.counts.get(key)
    const createdAt = environment.born.get(key)
    const changedAt = changedAtOf(key, environment, stored)
    const lastEvaluated = stored.last.get(key)
    const verdict = flagStatus({
      now,
      staleDays,
      countingSince,
      createdAt: ms(createdAt),
      changedAt: ms(changedAt),
      lastEvaluated,
      servedToEveryone: servedToEveryone(json),
    })
    return {
      key,
      ...verdict,
      evaluations: totalOf(byVariation),
      variations: Object.fromEntries(byVariation ?? []),
      lastEvaluated: iso(lastEvaluated),
      createdAt: createdAt ?? null,
      changedAt: changedAt ?? null,
    }
  })
  flags.sort((a, b) => b.evaluations - a.evaluations || a.key.localeCompare(b.key))
  return {
    environment: environment.environment,
    days,
    staleDays,
    from: new Date(now - days * DAY_MS).toISOString(),
    to: new Date(now).toISOString(),
    countingSince: new Date(countingSince).toISOString(),
    flags,
  }
}
