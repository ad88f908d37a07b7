import type { JsonValue } from '../model/json'
import type { Change } from '../model/webhook'
import { baselineOf, fallthroughAt, fallthroughOf, flagAtStep, rolloutProblem, type Rollout, type RolloutStep } from './rollouts'
import type { HubState } from './state'
import type { ChangeRejection, ChangeResponse } from './writer'

/**
 * Scheduled changes and progressive rollouts (README, "Schedules and rollouts"), run by the Hub's
 * one alarm. Each item is in storage; applying one and marking it done happen in the same
 * transaction as the change, so an alarm that fails and runs again never applies anything twice.
 */

export type ScheduledChange = { op: 'patch' | 'replace'; flags: Record<string, JsonValue>; segments: Record<string, JsonValue> }

export type Schedule = {
  id: string
  /** When it is due (ms since the epoch). */
  at: number
  change: ScheduledChange
  actor: string
  note?: string
  state: 'pending' | 'applied' | 'failed' | 'cancelled'
  /** The version it produced (applied), or why it was not applied (failed). */
  version?: number
  reasons?: string[]
  /** Items the change touches that existed when it was made: one deleted since fails it. */
  existed: { flags: string[]; segments: string[] }
  createdAt: string
}

/** What the timetable needs of its Hub. */
export type TimetableHost = {
  storage: SyncKvStorage
  state: () => HubState
  now: () => number
  /** Applies a change through the Hub's writer; `mark` runs in the transaction that stores it. */
  apply: (change: Change, mark: (version: number) => void) => Promise<{ rejection?: ChangeRejection; response?: ChangeResponse }>
  /** Sets the alarm for `at` unless it is set earlier already. */
  wake: (at: number) => Promise<void>
}

export type Refusal = { status: 400 | 404 | 409; code: string; message: string }

/** What the admin API asks of the timetable, in one RPC. */
export type TimetableCall =
  | { op: 'schedule'; request: { at: number; change: ScheduledChange; actor: string; note?: string } }
  | { op: 'schedules' }
  | { op: 'cancel-schedule'; id: string }
  | { op: 'rollout'; request: { flag: string; variation: number; baseline?: number; steps: RolloutStep[]; actor: string } }
  | { op: 'rollouts' }
  | { op: 'pause' | 'resume' | 'cancel'; id: string }

export const MAX_PENDING = 1000
/** Finished schedules kept for the list, newest first. */
const KEEP_FINISHED = 100

const SCHEDULE = 'schedule:'
const ROLLOUT = 'rollout:'

const problemsOf = (rejection: ChangeRejection) =>
  rejection.details.length > 0 ? rejection.details.map((detail) => `${detail.path}: ${detail.message}`) : [rejection.message]

export class Timetable {
  constructor(private readonly host: TimetableHost) {}

  /** Runs one admin call; `check` says whether a change would apply now. */
  async call(call: TimetableCall, check: (change: Change) => ChangeRejection | undefined): Promise<unknown> {
    switch (call.op) {
      case 'schedule':
        return this.schedule(call.request, check)
      case 'schedules':
        return this.schedules()
      case 'cancel-schedule':
        return this.cancelSchedule(call.id)
      case 'rollout':
        return this.startRollout(call.request)
      case 'rollouts':
        return this.rollouts()
      default:
        return this.controlRollout(call.id, call.op)
    }
  }

  schedules(): Schedule[] {
    const all = [...this.host.storage.list<Schedule>({ prefix: SCHEDULE })].map(([, schedule]) => schedule)
    const pending = all.filter((schedule) => schedule.state === 'pending').sort((a, b) => a.at - b.at)
    const finished = all.filter((schedule) => schedule.state !== 'pending').sort((a, b) => b.at - a.at)
    return [...pending, ...finished]
  }

  rollouts(): Rollout[] {
    return [...this.host.storage.list<Rollout>({ prefix: ROLLOUT })].map(([, rollout]) => rollout).sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  }

  /** Records a change to apply at `at`; `check` says whether it would apply now (else 400). */
  async schedule(
    request: { at: number; change: ScheduledChange; actor: string; note?: string },
    check: (change: Change) => ChangeRejection | undefined,
  ): Promise<Schedule | Refusal> {
    if (request.at <= this.host.now()) return { status: 400, code: 'time_in_past', message: '"at" must be in the future' }
    const pending = this.schedules().filter((schedule) => schedule.state === 'pending').length
    if (pending >= MAX_PENDING) return { status: 409, code: 'too_many_schedules', message: `${MAX_PENDING} changes are pending already` }
    const state = this.host.state()
    const rejection = check(this.#changeOf(request.change, request.actor))
    if (rejection !== undefined) return { status: 400, code: 'invalid_change', message: `The change would not apply now: ${problemsOf(rejection).join('; ')}` }
    const existed = {
      flags: Object.keys(request.change.flags).filter((key) => state.flags.has(key)),
      segments: Object.keys(request.change.segments).filter((key) => state.segments.has(key)),
    }
    const schedule: Schedule = { id: crypto.randomUUID(), ...request, state: 'pending', existed, createdAt: new Date(this.host.now()).toISOString() }
    this.host.storage.put(SCHEDULE + schedule.id, schedule)
    this.#prune()
    await this.host.wake(schedule.at)
    return schedule
  }

  cancelSchedule(id: string): Schedule | Refusal {
    const schedule = this.host.storage.get<Schedule>(SCHEDULE + id)
    if (schedule === undefined) return { status: 404, code: 'schedule_not_found', message: `No schedule "${id}"` }
    if (schedule.state !== 'pending') return { status: 409, code: 'not_pending', message: `The schedule is ${schedule.state} already` }
    const cancelled = { ...schedule, state: 'cancelled' as const }
    this.host.storage.put(SCHEDULE + id, cancelled)
    return cancelled
  }

  async startRollout(request: { flag: string; variation: number; baseline?: number; steps: RolloutStep[]; actor: string }): Promise<Rollout | Refusal> {
    if (this.rollouts().some((rollout) => rollout.flag === request.flag && (rollout.state === 'running' || rollout.state === 'paused'))) {
      return { status: 409, code: 'rollout_exists', message: `"${request.flag}" has a rollout already: cancel it first` }
    }
    const flag = this.host.state().flags.get(request.flag)
    const problem = rolloutProblem(flag, request)
    if (problem !== undefined) return { status: flag === undefined ? 404 : 400, code: 'invalid_rollout', message: `${request.flag}: ${problem}` }
    const now = this.host.now()
    const rollout: Rollout = {
      id: crypto.randomUUID(),
      flag: request.flag,
      variation: request.variation,
      baseline: baselineOf(flag!, request.baseline),
      steps: request.steps,
      next: 0,
      nextAt: now + request.steps[0].after * 1000,
      state: 'running',
      expected: fallthroughOf(flag),
      applied: [],
      actor: request.actor,
      createdAt: new Date(now).toISOString(),
    }
    this.host.storage.put(ROLLOUT + rollout.id, rollout)
    await this.host.wake(rollout.nextAt!)
    return rollout
  }

  /** Pauses, resumes (taking the flag as it is now as the rollout's own) or cancels a rollout. */
  async controlRollout(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Rollout | Refusal> {
    const rollout = this.host.storage.get<Rollout>(ROLLOUT + id)
    if (rollout === undefined) return { status: 404, code: 'rollout_not_found', message: `No rollout "${id}"` }
    const allowed = { pause: ['running'], resume: ['paused'], cancel: ['running', 'paused'] }[action]
    if (!allowed.includes(rollout.state)) return { status: 409, code: 'invalid_state', message: `The rollout is ${rollout.state}: it cannot ${action}` }
    const now = this.host.now()
    const next: Rollout =
      action === 'pause'
        ? { ...rollout, state: 'paused', nextAt: undefined, reason: 'paused by an admin' }
        : action === 'cancel'
          ? { ...rollout, state: 'cancelled', nextAt: undefined, reason: 'cancelled by an admin' }
          : {
              ...rollout,
              state: 'running',
              reason: undefined,
              expected: fallthroughOf(this.host.state().flags.get(rollout.flag)),
              nextAt: now + rollout.steps[rollout.next].after * 1000,
            }
    this.host.storage.put(ROLLOUT + id, next)
    if (next.nextAt !== undefined) await this.host.wake(next.nextAt)
    return next
  }

  /** Applies everything due, oldest first, then sets the alarm for what comes next. */
  async runDue() {
    for (;;) {
      const due = this.#nextDue()
      if (due === undefined || due.at > this.host.now()) break
      if (due.schedule !== undefined) await this.#applySchedule(due.schedule)
      else await this.#applyStep(due.rollout!)
    }
    const upcoming = this.#nextDue()
    if (upcoming !== undefined) await this.host.wake(upcoming.at)
  }

  #nextDue(): { at: number; schedule?: Schedule; rollout?: Rollout } | undefined {
    let next: { at: number; schedule?: Schedule; rollout?: Rollout } | undefined
    for (const schedule of this.schedules()) {
      if (schedule.state === 'pending' && (next === undefined || schedule.at < next.at)) next = { at: schedule.at, schedule }
    }
    for (const rollout of this.rollouts()) {
      if (rollout.state === 'running' && rollout.nextAt !== undefined && (next === undefined || rollout.nextAt < next.at)) {
        next = { at: rollout.nextAt, rollout }
      }
    }
    return next
  }

  #changeOf(change: ScheduledChange, actor: string): Change {
    return { environment: this.host.state().meta.environment, version: undefined, ...change, settings: undefined, actor }
  }

  async #applySchedule(schedule: Schedule) {
    const state = this.host.state()
    const deleted = [
      ...schedule.existed.flags.filter((key) => !state.flags.has(key) && schedule.change.flags[key] !== null).map((key) => `flag "${key}" was deleted since the change was scheduled`),
      ...schedule.existed.segments.filter((key) => !state.segments.has(key) && schedule.change.segments[key] !== null).map((key) => `segment "${key}" was deleted since the change was scheduled`),
    ]
    const key = SCHEDULE + schedule.id
    if (deleted.length > 0) return this.host.storage.put(key, { ...schedule, state: 'failed', reasons: deleted })
    const result = await this.host.apply(this.#changeOf(schedule.change, schedule.actor), (version) =>
      this.host.storage.put(key, { ...schedule, state: 'applied', version }),
    )
    if (result.rejection !== undefined) this.host.storage.put(key, { ...schedule, state: 'failed', reasons: problemsOf(result.rejection) })
    // a change that changed nothing was not stored, so nothing marked it
    else if (result.response?.unchanged) this.host.storage.put(key, { ...schedule, state: 'applied', version: result.response.version })
    this.#prune()
  }

  async #applyStep(rollout: Rollout) {
    const key = ROLLOUT + rollout.id
    const flag = this.host.state().flags.get(rollout.flag)
    const stop = (state: 'paused' | 'cancelled', reason: string) => this.host.storage.put(key, { ...rollout, state, nextAt: undefined, reason })
    if (flag === undefined) return stop('cancelled', 'the flag was deleted')
    if (fallthroughOf(flag) !== rollout.expected) {
      return stop('paused', `step ${rollout.next + 1} skipped: the flag's fallthrough was changed by someone else (resume to go on from there)`)
    }
    const { percent } = rollout.steps[rollout.next]
    const next = rollout.next + 1
    // Steps keep to their plan: an alarm that fires late applies each overdue step in turn
    const advance = (version: number) => {
      const now = this.host.now()
      const done = next >= rollout.steps.length
      this.host.storage.put(key, {
        ...rollout,
        next,
        state: done ? 'completed' : 'running',
        nextAt: done ? undefined : rollout.nextAt! + rollout.steps[next].after * 1000,
        expected: fallthroughOf({ fallthrough: fallthroughAt(rollout.variation, rollout.baseline, percent) }),
        applied: [...rollout.applied, { percent, version, at: new Date(now).toISOString() }],
      })
    }
    const change = { op: 'patch' as const, flags: { [rollout.flag]: flagAtStep(flag, rollout, percent) }, segments: {} }
    const result = await this.host.apply(this.#changeOf(change, `rollout ${rollout.id}`), advance)
    if (result.rejection !== undefined) stop('paused', `step ${next} could not apply: ${problemsOf(result.rejection).join('; ')}`)
    // the flag served this step already: nothing was stored, so nothing advanced the rollout
    else if (result.response?.unchanged) advance(result.response.version)
  }

  // Finished schedules beyond the newest KEEP_FINISHED go
  #prune() {
    const finished = this.schedules().filter((schedule) => schedule.state !== 'pending')
    for (const schedule of finished.slice(KEEP_FINISHED)) this.host.storage.delete(SCHEDULE + schedule.id)
  }
}
