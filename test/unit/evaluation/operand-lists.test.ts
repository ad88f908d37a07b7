import { describe, expect, it } from 'vitest'
import { compileOperator } from '../../../src/evaluation/operators'

// A clause with one value gets that operator's matcher directly, one with several tries each in
// turn, and `in` scans a short list but hashes a long one: one row per path. [op, clause values,
// context value, expected].
const MANY = Array.from({ length: 20 }, (_, i) => `v${i}`)

const ROWS: [string, unknown[], unknown, boolean][] = [
  ['in', MANY.slice(0, 8), 'v7', true],
  ['in', MANY, 'v19', true],
  ['in', MANY, 'v20', false],
  ['in', [...MANY, 3], 3, true],
  ['in', [...MANY, 3], '3', false], // no type coercion in the hashed list either
  ['startsWith', ['x', 1, 'ab'], 'abc', true], // values of another type are dropped
  ['endsWith', ['.org', '.com'], 'x@y.com', true],
  ['endsWith', ['.org', '.com'], 'x@y.net', false],
  ['contains', ['zz', 'ell'], 'hello', true],
  ['matches', ['(', '^h'], 'hello', true], // an invalid pattern is dropped, not fatal
  ['lessThan', [1, 10], 5, true],
  ['lessThan', [1, 10], 50, false],
  ['greaterThanOrEqual', ['x', 10], 10, true],
  ['before', ['not a date', '2020-01-01T00:00:00Z'], '2019-06-01T00:00:00Z', true],
  ['after', [0, 1e15], 1, true],
  ['semVerEqual', ['1.0.0', '2.0.0'], '2.0.0', true],
  ['semVerEqual', ['1.0.0', '2.0.0'], '2', true], // padded by parseSemVer, not the fast path
  ['semVerLessThan', ['1.0.0', '2.0.0'], '1.5.0', true],
  ['semVerGreaterThan', ['2.0.0', '3.0.0'], '2.0.0', false],
  ['semVerGreaterThan', ['2.0.0'], '2.0.1-rc.1', true],
  ['semVerGreaterThan', ['2.0.0-rc.1'], '2.0.0', true], // a release sorts after its pre-release
  ['semVerLessThan', ['2.0.0'], 'not a version', false],
]

describe('compileOperator with several values', () => {
  it.each(ROWS)('%s %j against %j is %s', (op, values, value, expected) => {
    expect(compileOperator(op, values)(value)).toBe(expected)
  })

  it('reads each version afresh, whichever form came before', () => {
    const greater = compileOperator('semVerGreaterThan', ['1.5.0'])
    const sequence = ['2.0.0', '1.0.0-rc.1', '2.0.0', '1.0.0', '1.0.0-rc.1', '1.5.0-rc.1', '1.5.1']
    expect(sequence.map(greater)).toEqual([true, false, true, false, false, false, true])
  })
})
