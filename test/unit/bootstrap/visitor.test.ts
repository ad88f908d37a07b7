import { describe, expect, it } from 'vitest'
import { browserFamily, cookieValue, MAX_CTX_ATTRIBUTES, pageAttributes } from '../../../src/bootstrap/visitor'

const ctx = (value: unknown) => encodeURIComponent(JSON.stringify(value))

describe('browserFamily', () => {
  it.each([
    ['Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/130.0 Safari/537.36', 'Chrome'],
    ['Mozilla/5.0 Chrome/130.0 Safari/537.36 Edg/130.0', 'Edge'],
    ['Mozilla/5.0 (Macintosh) AppleWebKit/605 Version/17.0 Safari/605.1.15', 'Safari'],
    ['Mozilla/5.0 (X11; rv:130.0) Gecko/20100101 Firefox/130.0', 'Firefox'],
    ['curl/8.0', 'Other'],
  ])('%s is %s', (agent, family) => expect(browserFamily(agent)).toBe(family))
})

describe('cookieValue', () => {
  it('finds a cookie among others, and not one whose name only ends the same', () => {
    expect(cookieValue('xef_key=1; ef_key=abc', 'ef_key')).toBe('abc')
    expect(cookieValue('xef_key=1', 'ef_key')).toBeUndefined()
  })
})

describe('pageAttributes', () => {
  it.each([
    ['keeps primitive attributes', ctx({ plan: 'pro', seats: 3, beta: true }), { plan: 'pro', seats: 3, beta: true }],
    ['drops what the edge sets, and nested values', ctx({ targetingKey: 'x', kind: 'org', country: 'FR', a: { b: 1 }, c: 'd' }), { c: 'd' }],
    ['ignores text that is not JSON', 'not%20json', {}],
    ['ignores an array', ctx([1, 2]), {}],
    ['ignores a cookie over the size bound', ctx({ a: 'x'.repeat(1100) }), {}],
  ])('%s', (_, cookie, expected) => expect(pageAttributes(cookie)).toEqual(expected))

  it(`reads at most ${MAX_CTX_ATTRIBUTES} attributes`, () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`a${i}`, i]))
    expect(Object.keys(pageAttributes(ctx(many)))).toHaveLength(MAX_CTX_ATTRIBUTES)
  })
})
