import { describe, expect, it } from 'vitest'
import { applyPatch, applyPut, fromValues, type FlagStates } from '../../../src/client/flags'

const on = (value: unknown, variant = '0', reason = 'DEFAULT') => ({ value, variant, reason }) as FlagStates[string]
const before: FlagStates = {
  a: on(true),
  b: on('x'),
  c: on({ size: 1, color: 'red' }),
  d: { errorCode: 'TARGETING_KEY_MISSING' },
}

describe('applyPut', () => {
  // [case, new states, changed keys]
  it.each<[string, FlagStates, string[]]>([
    ['the same values', { ...before }, []],
    ['a new value', { ...before, a: on(false, '1') }, ['a']],
    ['a new reason or variant only', { ...before, a: on(true, '2', 'TARGETING_MATCH') }, []],
    ['the same object with keys in another order', { ...before, c: on({ color: 'red', size: 1 }) }, []],
    ['a changed object', { ...before, c: on({ color: 'blue', size: 1 }) }, ['c']],
    ['a missing flag (it was removed)', { a: before.a, c: before.c, d: before.d }, ['b']],
    ['a new flag', { ...before, e: on(1) }, ['e']],
    ['an error in place of a value', { ...before, a: { errorCode: 'GENERAL' } }, ['a']],
    ['a value in place of an error', { ...before, d: on('y') }, ['d']],
    ['an empty put', {}, ['a', 'b', 'c']],
  ])('reports %s', (_, states, changed) => {
    const applied = applyPut(before, states)
    expect(applied.states).toBe(states)
    expect(applied.changed.sort()).toEqual(changed)
  })
})

describe('applyPatch', () => {
  // [case, patched flags, removed, changed keys, resulting keys]
  it.each<[string, FlagStates, string[] | undefined, string[], string[]]>([
    ['nothing new', {}, [], [], ['a', 'b', 'c', 'd']],
    ['one new value', { b: on('y') }, [], ['b'], ['a', 'b', 'c', 'd']],
    ['a value equal to the one held', { b: on('x', '3') }, [], [], ['a', 'b', 'c', 'd']],
    ['a new flag', { e: on(false) }, [], ['e'], ['a', 'b', 'c', 'd', 'e']],
    ['a removed flag', {}, ['a'], ['a'], ['b', 'c', 'd']],
    ['a removed flag that had no value', {}, ['d'], [], ['a', 'b', 'c']],
    ['a removed flag never held', {}, ['zzz'], [], ['a', 'b', 'c', 'd']],
    ['no removed list', { a: on(false) }, undefined, ['a'], ['a', 'b', 'c', 'd']],
  ])('applies %s', (_, flags, removed, changed, keys) => {
    const applied = applyPatch(before, flags, removed)
    expect(applied.changed.sort()).toEqual(changed)
    expect(Object.keys(applied.states).sort()).toEqual(keys)
    // the states held before are never modified
    expect(Object.keys(before)).toEqual(['a', 'b', 'c', 'd'])
  })
})

describe('fromValues', () => {
  it('marks each value with the reason given', () => {
    expect(fromValues({ a: true, b: [1] }, 'STATIC')).toEqual({ a: { value: true, reason: 'STATIC' }, b: { value: [1], reason: 'STATIC' } })
  })
})
