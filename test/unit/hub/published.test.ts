import { describe, expect, it } from 'vitest'
import { publishRuleset } from '../../../src/hub/published'
import { boolFlag } from '../../support/flags'

describe('publishRuleset', () => {
  it('writes format and version first, so readers can peek at them before parsing', () => {
    const text = JSON.stringify(publishRuleset({ flags: { a: boolFlag('a') } }, 42, '2026-01-01T00:00:00.000Z'))
    expect(text.startsWith('{"format":1,"version":42,')).toBe(true)
  })

  it('fills LaunchDarkly defaults and refuses what does not parse', () => {
    const published = publishRuleset({ flags: { a: { key: 'a', variations: [true] } } }, 1, '')
    expect(published.flags.a).toMatchObject({ on: false, targets: [], rules: [], salt: '', deleted: false })
    expect(() => publishRuleset({ flags: { a: { key: 7 } } }, 1, '')).toThrow(/invalid/)
  })
})
