import { describe, expect, it } from 'vitest'
import { describeRollout, parseAt, parseDuration, parseTimetableCli } from '../../../scripts/timetable'

// The command line of `npm run flags` for schedules and rollouts (scripts/timetable.ts).

describe('times and durations', () => {
  it('reads durations with a unit, or seconds without', () => {
    expect([parseDuration('30s'), parseDuration('10m'), parseDuration('1h'), parseDuration('2d'), parseDuration('90')]).toEqual([30, 600, 3600, 172800, 90])
    expect(parseDuration('1 hour')).toBeUndefined()
    expect(parseDuration('-5m')).toBeUndefined()
  })

  it('reads an ISO time, or one relative to now', () => {
    const now = Date.parse('2026-12-01T00:00:00Z')
    expect(parseAt('+10m', now)).toBe('2026-12-01T00:10:00.000Z')
    expect(parseAt('2026-12-24T18:00:00+01:00', now)).toBe('2026-12-24T17:00:00.000Z')
    expect(parseAt('tomorrow', now)).toBeUndefined()
  })
})

describe('parseTimetableCli', () => {
  it.each([
    ['schedule', ['schedule', 'a.json'], { at: '+10m' }],
    ['schedules', ['schedules'], {}],
    ['rollout', ['rollout', 'new-checkout'], { variation: '1', steps: '1,5,25,100', every: '1h' }],
    ['pause', ['pause', 'id-1'], {}],
    ['cancel', ['cancel', 'id-1'], {}],
  ])('takes %s', (_name, positionals, values) => {
    expect(parseTimetableCli(positionals, values).ok).toBe(true)
  })

  it.each([
    ['a schedule without --at', ['schedule', 'a.json'], {}, /--at/],
    ['a schedule at no time', ['schedule', 'a.json'], { at: 'soon' }, /--at/],
    ['a rollout without steps', ['rollout', 'f'], { variation: '1', every: '1h' }, /--steps/],
    ['a rollout past 100%', ['rollout', 'f'], { variation: '1', steps: '50,150', every: '1h' }, /--steps/],
    ['a rollout without --every', ['rollout', 'f'], { variation: '1', steps: '50' }, /--every/],
    ['a rollout to no variation', ['rollout', 'f'], { steps: '50', every: '1h' }, /--variation/],
    ['pause without an id', ['pause'], {}, /one argument/],
  ])('refuses %s', (_name, positionals, values, message) => {
    const parsed = parseTimetableCli(positionals, values)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toMatch(message)
  })
})

describe('describeRollout', () => {
  it('marks the steps done and says what comes next', () => {
    const line = describeRollout({
      id: 'r1',
      flag: 'new-checkout',
      variation: 1,
      baseline: 0,
      state: 'running',
      next: 2,
      nextAt: Date.parse('2026-12-01T02:00:00Z'),
      steps: [{ percent: 1 }, { percent: 5 }, { percent: 25 }, { percent: 100 }],
    })
    expect(line).toBe('r1  new-checkout: 0 → 1  [1%] → [5%] → 25% → 100%  running, next at 2026-12-01 02:00:00')
  })
})
