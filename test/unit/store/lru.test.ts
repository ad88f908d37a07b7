import { describe, expect, it } from 'vitest'
import { lruStrings } from '../../../src/store/lru'

describe('lruStrings', () => {
  it('gives back what it holds', () => {
    const cache = lruStrings({ maxEntries: 10, maxChars: 100 })
    cache.set('a', 'one')
    expect(cache.get('a')).toBe('one')
    expect(cache.get('b')).toBeUndefined()
  })

  it('drops the least recently used entry past maxEntries', () => {
    const cache = lruStrings({ maxEntries: 2, maxChars: 100 })
    cache.set('a', '1')
    cache.set('b', '2')
    cache.get('a')
    cache.set('c', '3')
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['1', undefined, '3'])
    expect(cache.size).toBe(2)
  })

  it('keeps the characters held within maxChars', () => {
    const cache = lruStrings({ maxEntries: 100, maxChars: 10 })
    cache.set('a', 'x'.repeat(4))
    cache.set('b', 'x'.repeat(4))
    cache.set('c', 'x'.repeat(4))
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(2)
  })

  it('never holds a value larger than the whole budget', () => {
    const cache = lruStrings({ maxEntries: 100, maxChars: 10 })
    cache.set('a', 'small')
    cache.set('huge', 'x'.repeat(11))
    expect(cache.get('huge')).toBeUndefined()
    expect(cache.get('a')).toBe('small')
  })

  it('counts a replaced value once', () => {
    const cache = lruStrings({ maxEntries: 100, maxChars: 10 })
    for (let i = 0; i < 20; i += 1) cache.set('a', 'x'.repeat(8))
    cache.set('b', 'yy')
    expect([cache.get('a'), cache.get('b')]).toEqual(['x'.repeat(8), 'yy'])
  })
})
