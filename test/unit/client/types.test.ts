import { describe, expectTypeOf, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type FlagValue, type WebSocketConstructor } from '../../../src/client'

// Checked by tsc (npm run typecheck): what the public types promise their callers
describe('the client types', () => {
  const client = createClient({ baseUrl: 'http://x', key: 'k', context: {}, WebSocket: null, fetch: () => new Promise(() => {}) })
  client.close()

  it('answers variation with the default widened to its type', () => {
    expectTypeOf(client.variation('a', false)).toEqualTypeOf<boolean>()
    expectTypeOf(client.variation('a', 3)).toEqualTypeOf<number>()
    expectTypeOf(client.variation('a', 'x')).toEqualTypeOf<string>()
    expectTypeOf(client.variation('a', ['x'])).toEqualTypeOf<string[]>()
    expectTypeOf(client.variation('a', { limit: 5 })).toEqualTypeOf<{ limit: number }>()
    expectTypeOf(client.variationDetail('a', false).value).toEqualTypeOf<boolean>()
  })

  it('types listeners by event', () => {
    client.on('change', (keys) => expectTypeOf(keys).toEqualTypeOf<string[]>())
    client.on('change:dark-theme', (value, previous) => {
      expectTypeOf(value).toEqualTypeOf<FlagValue | undefined>()
      expectTypeOf(previous).toEqualTypeOf<FlagValue | undefined>()
    })
    client.on('offline', (offline) => expectTypeOf(offline).toEqualTypeOf<boolean>())
    client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<Error>())
  })

  it('takes the ws package and the runtime fetch as they are', () => {
    expectTypeOf(WebSocket).toExtend<WebSocketConstructor>()
    createClient({ baseUrl: 'http://x', key: 'k', context: {}, WebSocket, fetch, storage: { getItem: () => null, setItem: () => {} } }).close()
  })
})
