import { describe, expect, it } from 'vitest'
import { describeChange } from '../../../scripts/history'

// `npm run push -- --history`: one line a change (scripts/history.ts).

const AT = '2026-12-01T02:00:00.000Z'

describe('describeChange', () => {
  it('names what a change touched', () => {
    expect(describeChange({ version: 3, at: AT, op: 'patch', actor: 'ops', flags: ['a', 'b'], segments: [] })).toBe(
      'v3  2026-12-01 02:00:00  patch by ops  (flags: a, b; segments: none)',
    )
  })

  it('says how many more keys a change named than the listing shows', () => {
    const listed = { version: 4, at: AT, op: 'rollback' as const, toVersion: 2, actor: 'admin', flags: ['a', 'b'], segments: ['s'], totals: { flags: 150, segments: 1 } }
    expect(describeChange(listed)).toBe('v4  2026-12-01 02:00:00  rollback to 2 by admin  (flags: a, b and 148 more; segments: s)')
  })
})
