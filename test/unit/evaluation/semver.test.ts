import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import parse from 'semver/functions/parse.js'
import compare from 'semver/functions/compare.js'
import { compareSemVer, parseSemVer } from '../../../src/evaluation/semver'

// `semver` is what LaunchDarkly's JavaScript SDKs parse with; our parser must read every string
// the same way, plus LaunchDarkly's padding of "2" and "2.0" and its refusal of a leading "v".

describe('parseSemVer', () => {
  it.each([
    ['1.2.3', [1, 2, 3, []]],
    ['2', [2, 0, 0, []]],
    ['2.1', [2, 1, 0, []]],
    ['2-rc.1', [2, 0, 0, ['rc', 1]]],
    ['2.0+build', [2, 0, 0, []]],
    ['1.2.3-beta.11+sha.5', [1, 2, 3, ['beta', 11]]],
    [' 1.2.3 ', [1, 2, 3, []]],
  ] as const)('reads %j', (text, [major, minor, patch, prerelease]) => {
    expect(parseSemVer(text)).toEqual({ major, minor, patch, prerelease })
  })

  it.each([
    // a leading v is refused even though semver itself allows it
    'v1.2.3',
    '01.2.3',
    '1.2.3.4',
    '1..2',
    '',
    'x',
    '1.2.3-',
    '1.2.3-01',
    '1.2.3+',
    '9007199254740992.0.0',
  ])('refuses %j', (text) => {
    expect(parseSemVer(text)).toBeUndefined()
  })

  it('refuses values that are not strings', () => {
    for (const value of [1, 1.2, true, null, undefined, ['1.2.3'], { major: 1 }]) {
      expect(parseSemVer(value)).toBeUndefined()
    }
  })

  it('agrees with the semver package on random version-like strings', () => {
    const part = fc.constantFrom('0', '1', '2', '10', '01', '99999999999999999', 'a', 'rc', '-', '')
    const text = fc
      .array(fc.tuple(part, fc.constantFrom('.', '-', '+', '')), { maxLength: 6 })
      .map((pieces) => pieces.map(([a, b]) => a + b).join(''))
    fc.assert(
      fc.property(text, (input) => {
        const ours = parseSemVer(input)
        if (input.startsWith('v')) return ours === undefined
        const theirs = parse(input) ?? ldPadded(input)
        expect(ours === undefined, input).toBe(theirs === null)
        if (ours && theirs) {
          expect([ours.major, ours.minor, ours.patch, ours.prerelease]).toEqual([
            theirs.major,
            theirs.minor,
            theirs.patch,
            theirs.prerelease,
          ])
        }
      }),
      { numRuns: 5000, seed: 42 },
    )
  })
})

// LaunchDarkly's own fallback, written out here so the property test has an oracle for it
const ldPadded = (input: string) => {
  const leading = /^\d+(\.\d+)?(\.\d+)?/.exec(input)
  if (!leading) return null
  const padded = leading[0] + (leading[1] ? '' : '.0') + (leading[2] ? '' : '.0')
  return parse(padded + input.slice(leading[0].length))
}

describe('compareSemVer', () => {
  const versions = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.1.0',
    '2.0.0',
  ]

  it('orders the SemVer 2.0 precedence example', () => {
    const parsed = versions.map((text) => parseSemVer(text)!)
    const sorted = [...parsed].sort(compareSemVer)
    expect(sorted).toEqual(parsed)
  })

  it('ignores build metadata', () => {
    expect(compareSemVer(parseSemVer('1.0.0+a')!, parseSemVer('1.0.0+b')!)).toBe(0)
  })

  it('agrees with the semver package on every pair', () => {
    for (const a of versions) {
      for (const b of versions) {
        expect(Math.sign(compareSemVer(parseSemVer(a)!, parseSemVer(b)!)), `${a} vs ${b}`).toBe(
          compare(a, b),
        )
      }
    }
  })
})
