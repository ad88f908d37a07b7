import { describe, expect, it } from 'vitest'
import { servedToEveryone } from '../../../src/insights/launched'
import { buildReport } from '../../../src/insights/report'
import { flagStatus, type FlagStatus, type StatusFacts } from '../../../src/insights/status'
import { DAY_MS } from '../../../src/insights/store'
import { boolFlag } from '../../support/flags'

// Which flags can go (src/insights/status.ts, launched.ts), from controlled times: STALE_DAYS 7,
// counting since 60 days before now unless a row says otherwise.

const NOW = Date.UTC(2026, 3, 26, 12)
const daysAgo = (days: number) => NOW - days * DAY_MS

const facts = (overrides: Partial<StatusFacts>): StatusFacts => ({
  now: NOW,
  staleDays: 7,
  countingSince: daysAgo(60),
  createdAt: undefined,
  changedAt: undefined,
  lastEvaluated: undefined,
  servedToEveryone: undefined,
  ...overrides,
})

describe('flagStatus', () => {
  it.each<[string, Partial<StatusFacts>, FlagStatus]>([
    ['an old flag not evaluated for 7 days', { lastEvaluated: daysAgo(7), changedAt: daysAgo(30) }, 'stale'],
    ['an old flag never evaluated', {}, 'stale'],
    ['an old flag evaluated 6 days ago', { lastEvaluated: daysAgo(6) }, 'active'],
    // counting began 3 days ago: a week without evaluations cannot have been seen yet
    ['a flag never evaluated while counting is 3 days old', { countingSince: daysAgo(3) }, 'active'],
    ['a flag created 3 days ago, never evaluated', { createdAt: daysAgo(3), changedAt: daysAgo(3) }, 'inactive-new'],
    ['a flag created 3 days ago, evaluated', { createdAt: daysAgo(3), lastEvaluated: daysAgo(1) }, 'active'],
    ['a flag created 8 days ago, never evaluated', { createdAt: daysAgo(8) }, 'stale'],
    ['one variation for everyone, unchanged for 7 days', { servedToEveryone: 1, changedAt: daysAgo(7), lastEvaluated: daysAgo(0) }, 'launched'],
    ['one variation for everyone since before insights', { servedToEveryone: 0, lastEvaluated: daysAgo(1) }, 'launched'],
    ['one variation for everyone, changed 6 days ago', { servedToEveryone: 1, changedAt: daysAgo(6), lastEvaluated: daysAgo(0) }, 'active'],
    // not evaluated says more than its shape: removing it changes nothing at all
    ['one variation for everyone, not evaluated for 7 days', { servedToEveryone: 1, lastEvaluated: daysAgo(8) }, 'stale'],
  ])('%s: %s', (_, overrides, status) => {
    expect(flagStatus(facts(overrides)).status).toBe(status)
  })

  it('says why', () => {
    expect(flagStatus(facts({ lastEvaluated: daysAgo(9) })).why).toBe('last evaluated 2026-04-17 (9 days ago)')
    expect(flagStatus(facts({ servedToEveryone: 1, changedAt: daysAgo(8), lastEvaluated: NOW })).why).toBe(
      'serves variation 1 to every context, unchanged since 2026-04-18 (8 days)',
    )
  })
})

describe('servedToEveryone', () => {
  const rollout = (weights: number[]) => ({ rollout: { variations: weights.map((weight, variation) => ({ variation, weight })) } })
  it.each<[string, Record<string, unknown>, number | undefined]>([
    ['on, fallthrough to a variation', {}, 1],
    ['off', { on: false }, undefined],
    ['a rule', { rules: [{ id: 'r', variation: 0, clauses: [] }] }, undefined],
    ['a target', { targets: [{ values: ['alice'], variation: 0 }] }, undefined],
    ['a target list left empty', { targets: [{ values: [], variation: 0 }] }, 1],
    ['a context target', { contextTargets: [{ contextKind: 'org', values: ['acme'], variation: 0 }] }, undefined],
    ['a prerequisite', { prerequisites: [{ key: 'other', variation: 1 }] }, undefined],
    ['a 50/50 rollout', { fallthrough: rollout([50_000, 50_000]) }, undefined],
    ['a rollout at 100% of one variation', { fallthrough: rollout([0, 100_000]) }, 1],
    ['no `on` (defaults not filled)', { on: undefined }, undefined],
  ])('%s', (_, extra, expected) => {
    expect(servedToEveryone({ ...boolFlag('f'), ...extra })).toBe(expected)
  })
})

describe('buildReport', () => {
  it('reports every current flag, with counts in the window and the time of its last change', () => {
    const environment = {
      environment: 'prod',
      flags: new Map<string, unknown>([
        ['busy', boolFlag('busy', { rules: [{ id: 'r', variation: 0, clauses: [] }] })],
        ['done', boolFlag('done')],
        ['gone', { ...boolFlag('gone'), deleted: true }],
      ]),
      born: new Map([['busy', new Date(daysAgo(2)).toISOString()]]),
      // the Hub's last change named `done`: before insights kept its own record
      lastChange: { at: new Date(daysAgo(10)).toISOString(), flags: ['done'] },
    }
    const stored = {
      counts: new Map([['busy', new Map([['0', 4], ['default', 1]])]]),
      last: new Map([['busy', daysAgo(1)], ['done', daysAgo(1)]]),
      changed: new Map([['busy', new Date(daysAgo(2)).toISOString()]]),
      since: daysAgo(20),
    }
    const report = buildReport(environment, stored, { days: 7, staleDays: 7, now: NOW })
    expect(report).toMatchObject({ environment: 'prod', from: new Date(daysAgo(7)).toISOString(), to: new Date(NOW).toISOString() })
    expect(report.flags).toEqual([
      {
        key: 'busy',
        status: 'active',
        why: expect.any(String),
        evaluations: 5,
        variations: { 0: 4, default: 1 },
        lastEvaluated: new Date(daysAgo(1)).toISOString(),
        createdAt: new Date(daysAgo(2)).toISOString(),
        changedAt: new Date(daysAgo(2)).toISOString(),
      },
      expect.objectContaining({ key: 'done', status: 'launched', evaluations: 0, changedAt: new Date(daysAgo(10)).toISOString(), createdAt: null }),
    ])
  })
})
