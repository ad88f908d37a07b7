import { describe, expect, it } from 'vitest'
import { keyOf, kindsOf, parseContext, valueOf } from '../../../src/evaluation/context'
import { parseAttributeReference } from '../../../src/evaluation/attribute-reference'

const valid = (json: unknown) => {
  const context = parseContext(json)
  if (!context.valid) throw new Error(context.message)
  return context
}

const ref = (text: string) => parseAttributeReference(text)

describe('parseContext', () => {
  it('reads a single-kind context', () => {
    const context = valid({ kind: 'org', key: 'o1', name: 'Acme' })
    expect(kindsOf(context)).toEqual(['org'])
    expect(keyOf(context, 'org')).toBe('o1')
    expect(keyOf(context, 'user')).toBeUndefined()
  })

  it('reads a multi-kind context', () => {
    const context = valid({ kind: 'multi', user: { key: 'u' }, org: { key: 'o' } })
    expect(kindsOf(context)).toEqual(['user', 'org'])
    expect(keyOf(context, 'org')).toBe('o')
  })

  it('reads a legacy user, coercing its key and lifting custom attributes', () => {
    const context = valid({ key: 42, email: 'a@b.c', custom: { plan: 'pro', email: 'x' } })
    expect(keyOf(context, 'user')).toBe('42')
    expect(valueOf(context, ref('plan'), 'user')).toBe('pro')
    // built-in attributes win over custom ones of the same name
    expect(valueOf(context, ref('email'), 'user')).toBe('a@b.c')
  })

  it('accepts an empty key only from a legacy user', () => {
    expect(parseContext({ key: '' }).valid).toBe(true)
    expect(parseContext({ kind: 'user', key: '' }).valid).toBe(false)
  })

  it.each([
    ['nothing', undefined],
    ['a string', 'user-1'],
    ['an array', []],
    ['a user without key', { name: 'x' }],
    ['the kind "kind"', { kind: 'kind', key: 'k' }],
    ['a kind with spaces', { kind: 'a b', key: 'k' }],
    ['a numeric kind', { kind: 5, key: 'k' }],
    ['an empty multi-kind context', { kind: 'multi' }],
    ['a multi-kind part without key', { kind: 'multi', user: { name: 'x' } }],
    ['a multi-kind part that is not an object', { kind: 'multi', user: 'u' }],
  ])('refuses %s', (_, json) => {
    expect(parseContext(json).valid).toBe(false)
  })
})

describe('valueOf', () => {
  const context = valid({
    kind: 'user',
    key: 'k',
    address: { city: 'Oslo', 'a/b': 1 },
    list: ['x', 'y'],
    _meta: { privateAttributes: ['address'] },
  })

  it('follows attribute references into objects', () => {
    expect(valueOf(context, ref('/address/city'), 'user')).toBe('Oslo')
    expect(valueOf(context, ref('/address/a~1b'), 'user')).toBe(1)
  })

  it('never indexes into arrays', () => {
    expect(valueOf(context, ref('/list/0'), 'user')).toBeUndefined()
    expect(valueOf(context, ref('list'), 'user')).toEqual(['x', 'y'])
  })

  it('reads an absent anonymous attribute as false', () => {
    expect(valueOf(context, ref('anonymous'), 'user')).toBe(false)
  })

  it('answers the context kinds for the kind attribute', () => {
    expect(valueOf(context, ref('kind'), 'org')).toEqual(['user'])
  })

  it('finds nothing through inherited properties', () => {
    expect(valueOf(context, ref('/address/constructor'), 'user')).toBeUndefined()
    expect(valueOf(context, ref('toString'), 'user')).toBeUndefined()
  })
})
