import { describe, expect, it } from 'vitest'
import type { Counts } from '../../../src/insights/counts'
import { RulesetTally, servedCode, servedText } from '../../../src/insights/tally'
import { boolFlag } from '../../support/flags'
import { loadedRuleset, plain } from './support'

// A ruleset's counts in one flat array (src/insights/tally.ts), and the codes a bulk answer and
// its cached text carry.

const ruleset = loadedRuleset('prod', {
  a: boolFlag('a'),
  colour: boolFlag('colour', { variations: ['red', 'green', 'blue'] }),
  b: boolFlag('b'),
})

const countsOf = (tally: RulesetTally) => {
  const counts: Counts = new Map()
  tally.addTo(counts)
  return plain(counts)
}

describe('RulesetTally', () => {
  it('counts a bulk answer flag by flag, skipping flags it did not evaluate', () => {
    const tally = new RulesetTally(ruleset)
    // a: variation 1, colour: not visible, b: no variation served
    tally.countServed(Uint16Array.of(servedCode(1), 0, servedCode(null)))
    expect(countsOf(tally)).toEqual({ a: { 1: 1 }, b: { default: 1 } })
  })

  it('counts a cached answer from its text just as the answer itself', () => {
    const served = Uint16Array.of(servedCode(0), servedCode(2), servedCode(1))
    const direct = new RulesetTally(ruleset)
    direct.countServed(served)
    const cached = new RulesetTally(ruleset)
    cached.countServedText(servedText(served, 3) + '{"flags":…}')
    expect(countsOf(cached)).toEqual(countsOf(direct))
    expect(countsOf(cached)).toEqual({ a: { 0: 1 }, colour: { 2: 1 }, b: { 1: 1 } })
  })

  it('counts single flags by key, and ignores keys and variations the ruleset does not have', () => {
    const tally = new RulesetTally(ruleset)
    tally.countFlag('colour', 2)
    tally.countFlag('colour', 2)
    tally.countFlag('nope', 0)
    // variation 2 of a two-variation flag would land in the next flag's slots
    tally.countFlag('a', 2)
    expect(countsOf(tally)).toEqual({ colour: { 2: 2 } })
  })

  it('writes long served lists as text in slices', () => {
    const served = new Uint16Array(10_000).fill(servedCode(3))
    expect(servedText(served, 9_000)).toBe(String.fromCharCode(5).repeat(9_000))
  })
})
