import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseSemVer, readPlainSemVer, type PlainSemVer } from '../../../src/evaluation/semver'

// readPlainSemVer is the fast path for the usual `major.minor.patch`: whatever it accepts, it
// must read exactly as parseSemVer does, and it must leave every other form to parseSemVer.

const read = (text: string) => {
  const version: PlainSemVer = { major: -1, minor: -1, patch: -1, prerelease: [] }
  return readPlainSemVer(text, version) ? version : undefined
}

describe('readPlainSemVer', () => {
  it.each([
    ['1.2.3', [1, 2, 3]],
    ['0.0.0', [0, 0, 0]],
    ['10.20.30', [10, 20, 30]],
    ['999999999999999.0.1', [999999999999999, 0, 1]],
  ] as const)('reads %j', (text, [major, minor, patch]) => {
    expect(read(text)).toEqual({ major, minor, patch, prerelease: [] })
  })

  // Forms parseSemVer reads differently (or refuses), so they must not take the fast path
  it.each([
    ...['1.2', '2', '1.2.3-rc.1', '1.2.3+build', ' 1.2.3', 'v1.2.3', '01.2.3', '1.02.3', '1.2.03'],
    ...['1.2.3.4', '1..3', '.1.2', '1.2.', '', '1000000000000000.0.0'],
  ])('leaves %j to parseSemVer', (text) => {
    expect(read(text)).toBeUndefined()
  })

  it('agrees with parseSemVer on every text it accepts', () => {
    const part = fc.constantFrom('0', '1', '7', '10', '01', '123456789012345', '1234567890123456', 'a', '')
    const text = fc
      .array(fc.tuple(part, fc.constantFrom('.', '.', '-', '+', '')), { maxLength: 5 })
      .map((pieces) => pieces.map(([a, b]) => a + b).join(''))
    fc.assert(
      fc.property(text, (input) => {
        const fast = read(input)
        if (fast !== undefined) expect(parseSemVer(input)).toEqual(fast)
      }),
      { numRuns: 5000, seed: 5 },
    )
  })
})
