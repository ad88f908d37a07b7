import { describe, expect, it } from 'vitest'
import { compileOperator } from '../../../src/evaluation/operators'

// One row per surprising corner of LaunchDarkly's operator semantics: [op, clause values,
// context value, expected].
const ROWS: [string, unknown[], unknown, boolean][] = [
  ['in', ['a', 'b'], 'b', true],
  ['in', [1], 1, true],
  ['in', [1], '1', false], // no type coercion
  ['in', [true], true, true],
  ['in', [null], null, true],
  ['in', [{ a: 1 }], { a: 1 }, false], // objects compare by identity, as in LaunchDarkly's JS SDKs
  ['in', [[1]], [1], false],
  ['startsWith', ['ab'], 'abc', true],
  ['startsWith', ['ab'], 1, false],
  ['startsWith', [1], '1x', false],
  ['endsWith', ['.com'], 'x@y.com', true],
  ['contains', ['ell'], 'hello', true],
  ['contains', [''], 'anything', true],
  ['matches', ['^a.c$'], 'abc', true],
  ['matches', ['('], 'abc', false], // an invalid pattern never matches
  ['matches', ['\\d+'], 123, false],
  ['matches', ['^a+$'], 'a'.repeat(1024), true],
  ['matches', ['^a+$'], 'a'.repeat(1025), false], // longer values never match (a DoS guard)
  ['lessThan', [10], 9, true],
  ['lessThan', [10], '9', false],
  ['lessThanOrEqual', [10], 10, true],
  ['greaterThan', [10], 10.5, true],
  ['greaterThanOrEqual', [10], 10, true],
  ['before', ['2020-01-01T00:00:00Z'], 0, true],
  ['before', [1577836800000], '2019-12-31T23:59:59Z', true],
  ['before', ['2020-01-01T00:00:00Z'], '2020-01-01', false], // not RFC 3339: no time part
  ['after', ['2020-01-01T00:00:00Z'], '2020-01-01T00:00:00.001Z', true],
  ['after', ['2020-01-01T01:00:00+01:00'], '2020-01-01T00:00:01Z', true],
  ['after', ['not a date'], 1e15, false],
  ['semVerEqual', ['2.0.0'], '2', true],
  ['semVerEqual', ['2.0.0'], 'v2.0.0', false],
  ['semVerLessThan', ['2.0.0'], '2.0.0-rc.1', true],
  ['semVerGreaterThan', ['1.9.9'], '2.0', true],
  ['semVerGreaterThan', ['1.0.0'], 2, false],
  ['segmentMatch', ['s'], 's', false], // handled by clauses, never by the operator table
  ['unknownOperator', ['x'], 'x', false],
  ['__proto__', ['x'], 'x', false],
]

describe('compileOperator', () => {
  it.each(ROWS)('%s %j against %j is %s', (op, values, value, expected) => {
    expect(compileOperator(op, values)(value)).toBe(expected)
  })

  it('never throws, whatever the clause values', () => {
    const odd = [undefined, null, {}, [], NaN, Symbol.iterator.toString(), '(?', -0]
    for (const op of ROWS.map(([name]) => name)) {
      expect(() => compileOperator(op, odd)('x')).not.toThrow()
    }
  })
})
