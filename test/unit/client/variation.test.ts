import { describe, expect, it } from 'vitest'
import type { FlagState } from '../../../src/client/flags'
import { detailFor, matchesType } from '../../../src/client/variation'

describe('matchesType', () => {
  // [value, default, matches]
  it.each<[unknown, unknown, boolean]>([
    [true, false, true],
    [0, 1.5, true],
    ['a', '', true],
    [{ a: 1 }, {}, true],
    [[1, 2], [], true],
    [[1], {}, true], // arrays and objects are both JSON objects to a default
    [{}, [], true],
    [null, null, true],
    [null, {}, false], // null is not an object here
    [{}, null, false], // a null default asks for null
    ['true', false, false],
    [1, '1', false],
    [0, false, false],
    [undefined, false, false],
  ])('%j for a default of %j: %s', (value, defaultValue, expected) => {
    expect(matchesType(value, defaultValue)).toBe(expected)
  })
})

describe('detailFor', () => {
  const success: FlagState = { value: 'total', variant: '1', reason: 'TARGETING_MATCH' }
  // [case, state, default, detail]
  it.each<[string, FlagState | undefined, unknown, object]>([
    ['a value of the default type', success, 'count', { value: 'total', variant: '1', reason: 'TARGETING_MATCH' }],
    ['a missing flag', undefined, 'count', { value: 'count', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' }],
    ['another type', success, 0, { value: 0, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' }],
    [
      'an error from the server',
      { errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'send a targetingKey' },
      false,
      { value: false, reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' },
    ],
    ['a bootstrap value', { value: true, reason: 'STATIC' }, false, { value: true, reason: 'STATIC' }],
    ['an object for an object', { value: { limit: 5 }, variant: '0', reason: 'DEFAULT' }, {}, { value: { limit: 5 }, variant: '0', reason: 'DEFAULT' }],
  ])('answers %s', (_, state, defaultValue, expected) => {
    expect(detailFor(state, defaultValue)).toEqual(expected)
  })
})
