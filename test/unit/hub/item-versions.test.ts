import { describe, expect, it } from 'vitest'
import { applyItems, emptyMeta, type HubState } from '../../../src/hub/state'
import { planChange } from '../../../src/hub/writer'
import type { Change } from '../../../src/model/webhook'
import { boolFlag } from '../../support/flags'

// LaunchDarkly's SDKs (src/routes/launchdarkly-*.ts) drop an update whose version is not above
// the one they hold, so the Hub raises item versions itself whatever the webhook sent.

const emptyState = (): HubState => ({
  meta: emptyMeta('env'),
  flags: new Map(),
  segments: new Map(),
  tombstones: { flags: new Map(), segments: new Map() },
  born: { flags: new Map(), segments: new Map() },
})

// The webhook's schema parsed these bodies in the Worker; the planner takes them as sent
const apply = (state: HubState, change: { op: string; flags: Record<string, unknown>; segments: Record<string, unknown> }) => {
  const plan = planChange(state, { environment: 'env', ...change } as unknown as Change, new Date())
  if (plan.type !== 'apply') return plan
  state.meta = plan.meta
  applyItems(state, plan.flags, plan.segments, plan.meta.updatedAt)
  return plan
}

const versionOf = (state: HubState, key: string) => (state.flags.get(key) as { version?: number } | undefined)?.version

describe('item versions', () => {
  it('keeps the version sent for a new item', () => {
    const state = emptyState()
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 7 }) }, segments: {} })
    expect(versionOf(state, 'a')).toBe(7)
  })

  it('raises the version of a changed item sent with the same or an older one', () => {
    const state = emptyState()
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 7 }) }, segments: {} })
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 7, on: false }) }, segments: {} })
    expect(versionOf(state, 'a')).toBe(8)
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 2, on: true }) }, segments: {} })
    expect(versionOf(state, 'a')).toBe(9)
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 20, on: false }) }, segments: {} })
    expect(versionOf(state, 'a')).toBe(20)
  })

  it('treats the same content again as unchanged, whatever older version it names', () => {
    const state = emptyState()
    apply(state, { op: 'patch', flags: { a: boolFlag('a') }, segments: {} })
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { on: false }) }, segments: {} })
    // a redelivery of the last change: its flag still says version 0, the Hub holds 1
    const again = apply(state, { op: 'patch', flags: { a: boolFlag('a', { on: false }) }, segments: {} })
    expect(again.type).toBe('unchanged')
    expect(versionOf(state, 'a')).toBe(1)
  })

  it('gives a deletion the next version, and an item that comes back one above that', () => {
    const state = emptyState()
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 3 }), b: boolFlag('b') }, segments: {} })
    const deletion = apply(state, { op: 'patch', flags: { a: null }, segments: {} })
    expect(deletion.type === 'apply' && deletion.flags.tombstones.get('a')).toBe(4)
    // the SDKs keep the deletion at 4 and would drop the item at 4 again
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { version: 1 }) }, segments: {} })
    expect(versionOf(state, 'a')).toBe(5)
    expect(state.tombstones.flags.has('a')).toBe(false)
  })

  it('records deletions by replace with their versions', () => {
    const state = emptyState()
    apply(state, { op: 'replace', flags: { a: boolFlag('a', { version: 5 }), b: boolFlag('b') }, segments: {} })
    apply(state, { op: 'replace', flags: { b: boolFlag('b') }, segments: {} })
    expect(state.tombstones.flags.get('a')).toBe(6)
  })

  it('records when each item was created, and forgets it with the item', () => {
    const state = emptyState()
    const first = apply(state, { op: 'patch', flags: { a: boolFlag('a') }, segments: {} })
    const created = first.type === 'apply' ? first.meta.updatedAt : ''
    apply(state, { op: 'patch', flags: { a: boolFlag('a', { on: false }) }, segments: {} })
    expect(state.born.flags.get('a')).toBe(created)
    apply(state, { op: 'patch', flags: { a: null }, segments: {} })
    expect(state.born.flags.has('a')).toBe(false)
  })
})
