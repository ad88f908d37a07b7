import { describe, expect, it } from 'vitest'
import { readStored, storageKey, writeStored } from '../../../src/client/storage'
import type { FlagStorage } from '../../../src/client/types'

describe('storageKey', () => {
  const base = storageKey('https://flags.example', 'k1', { targetingKey: 'u-1', country: 'no' })

  // [case, base URL, key, context, same entry as `base`]
  it.each<[string, string, string, Record<string, unknown>, boolean]>([
    ['the same context', 'https://flags.example', 'k1', { targetingKey: 'u-1', country: 'no' }, true],
    ['attributes in another order', 'https://flags.example', 'k1', { country: 'no', targetingKey: 'u-1' }, true],
    ['another targeting key', 'https://flags.example', 'k1', { targetingKey: 'u-2', country: 'no' }, false],
    ['another attribute value', 'https://flags.example', 'k1', { targetingKey: 'u-1', country: 'se' }, false],
    ['one attribute fewer', 'https://flags.example', 'k1', { targetingKey: 'u-1' }, false],
    ['another key', 'https://flags.example', 'k2', { targetingKey: 'u-1', country: 'no' }, false],
    ['another server', 'https://staging.flags.example', 'k1', { targetingKey: 'u-1', country: 'no' }, false],
  ])('%s: same entry %s', (_, baseUrl, key, context, same) => {
    expect(storageKey(baseUrl, key, context) === base).toBe(same)
  })

  it('sorts nested objects too', () => {
    const a = storageKey('u', 'k', { user: { name: 'a', age: 3 }, tags: ['x', 'y'] })
    const b = storageKey('u', 'k', { tags: ['x', 'y'], user: { age: 3, name: 'a' } })
    expect(a).toBe(b)
    expect(storageKey('u', 'k', { tags: ['y', 'x'] })).not.toBe(storageKey('u', 'k', { tags: ['x', 'y'] }))
  })
})

const memory = (entries: Record<string, string> = {}): FlagStorage & { entries: Record<string, string> } => ({
  entries,
  getItem: (key) => entries[key] ?? null,
  setItem: (key, value) => {
    entries[key] = value
  },
})

describe('readStored and writeStored', () => {
  it('reads back what was written, with values marked CACHED', async () => {
    const storage = memory()
    await writeStored(storage, 'e', { a: { value: true, variant: '1', reason: 'TARGETING_MATCH' }, b: { errorCode: 'GENERAL' } })
    expect(await readStored(storage, 'e')).toEqual({ a: { value: true, variant: '1', reason: 'CACHED' }, b: { errorCode: 'GENERAL' } })
  })

  it('works with storage that answers with promises (AsyncStorage)', async () => {
    const entries: Record<string, string> = {}
    const storage: FlagStorage = {
      getItem: async (key) => entries[key] ?? null,
      setItem: async (key, value) => {
        entries[key] = value
      },
    }
    await writeStored(storage, 'e', { a: { value: 3, reason: 'DEFAULT' } })
    expect(await readStored(storage, 'e')).toEqual({ a: { value: 3, reason: 'CACHED' } })
  })

  // [case, stored text]
  it.each<[string, string | undefined]>([
    ['nothing stored', undefined],
    ['text that is not JSON', '{oops'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a number', '42'],
  ])('ignores %s', async (_, text) => {
    expect(await readStored(memory(text === undefined ? {} : { e: text }), 'e')).toBeUndefined()
  })

  it('drops entries that are not states', async () => {
    expect(await readStored(memory({ e: '{"a":1,"b":null,"c":{"value":"x","reason":"DEFAULT"}}' }), 'e')).toEqual({
      c: { value: 'x', reason: 'CACHED' },
    })
  })

  it('rejects when storage fails, for the client to log', async () => {
    const broken: FlagStorage = {
      getItem: () => {
        throw new Error('SecurityError')
      },
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
    }
    await expect(readStored(broken, 'e')).rejects.toThrow('SecurityError')
    await expect(writeStored(broken, 'e', {})).rejects.toThrow('QuotaExceededError')
  })
})
