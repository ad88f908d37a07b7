import { DAY_MS } from './store'

/**
 * What a flag's evaluations and shape say about it:
 * - `stale`: not evaluated for `staleDays`, and watched that long (it existed and was counted);
 * - `launched`: on and serving one variation to every context, unchanged for `staleDays`;
 * - `inactive-new`: created within `staleDays` and not evaluated yet;
 * - `active`: anything else.
 * `stale` and `launched` flags are the ones ready to be removed from code.
 */
export type FlagStatus = 'stale' | 'launched' | 'inactive-new' | 'active'

/** Times in ms since the epoch. */
export type StatusFacts = {
  now: number
  staleDays: number
  /** When the environment started counting: an absence of evaluations before it means nothing. */
  countingSince: number
  /** Undefined for flags older than that record: they count as old. */
  createdAt: number | undefined
  /** When the flag last changed; undefined when unknown (long ago). */
  changedAt: number | undefined
  lastEvaluated: number | undefined
  /** The variation every context gets (see servedToEveryone), if there is one. */
  servedToEveryone: number | undefined
}

export type StatusVerdict = { status: FlagStatus; why: string }

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const daysAgo = (now: number, ms: number) => Math.floor((now - ms) / DAY_MS)

export const flagStatus = (facts: StatusFacts): StatusVerdict => {
  const { now, createdAt, changedAt, lastEvaluated } = facts
  const window = facts.staleDays * DAY_MS
  if (createdAt !== undefined && now - createdAt < window && lastEvaluated === undefined) {
    return { status: 'inactive-new', why: `created ${day(createdAt)}, not evaluated yet` }
  }
  const watchedFrom = Math.max(facts.countingSince, createdAt ?? -Infinity)
  if ((lastEvaluated === undefined || now - lastEvaluated >= window) && now - watchedFrom >= window) {
    const why =
      lastEvaluated === undefined
        ? `not evaluated since ${day(watchedFrom)} (${daysAgo(now, watchedFrom)} days)`
        : `last evaluated ${day(lastEvaluated)} (${daysAgo(now, lastEvaluated)} days ago)`
    return { status: 'stale', why }
  }
  if (facts.servedToEveryone !== undefined && (changedAt === undefined || now - changedAt >= window)) {
    const since = changedAt === undefined ? 'before insights began' : `${day(changedAt)} (${daysAgo(now, changedAt)} days)`
    return { status: 'launched', why: `serves variation ${facts.servedToEveryone} to every context, unchanged since ${since}` }
  }
  return { status: 'active', why: lastEvaluated === undefined ? 'not evaluated yet' : `last evaluated ${new Date(lastEvaluated).toISOString()}` }
}
