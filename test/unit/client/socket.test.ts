import { describe, expect, it } from 'vitest'
import { parseMessage, streamUrl } from '../../../src/client/socket'

describe('streamUrl', () => {
  // [base URL, expected start]
  it.each([
    ['http://127.0.0.1:8787', 'ws://127.0.0.1:8787/v1/stream?key=k%2F1&context='],
    ['https://flags.example', 'wss://flags.example/v1/stream?key=k%2F1&context='],
    ['https://example.com/flags', 'wss://example.com/flags/v1/stream?key=k%2F1&context='],
  ])('turns %s into a WebSocket address', (baseUrl, start) => {
    expect(streamUrl(baseUrl, 'k/1', {}).startsWith(start)).toBe(true)
  })

  it.each([{}, { targetingKey: 'u-42', country: 'no' }, { targetingKey: 'ærøskøbing ✓', n: [1, 2, 3] }, { k: '>>>???' }])(
    'encodes %j as base64url JSON the server decodes',
    (context) => {
      const encoded = new URL(streamUrl('http://x', 'k', context)).searchParams.get('context')!
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/)
      expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toEqual(context)
    },
  )
})

describe('parseMessage', () => {
  // [text, parsed]
  it.each<[string, unknown]>([
    ['{"type":"put","version":3,"flags":{"a":{"value":true}}}', { type: 'put', version: 3, flags: { a: { value: true } } }],
    ['{"type":"patch","version":4,"flags":{},"removed":["a"]}', { type: 'patch', version: 4, flags: {}, removed: ['a'] }],
    ['{"type":"error","code":"unauthorized","message":"no"}', { type: 'error', code: 'unauthorized', message: 'no' }],
    ['pong', undefined],
    ['null', undefined],
    ['{"type":"put","flags":{}}', undefined], // no version
    ['{"type":"put","version":1,"flags":null}', undefined],
    ['{"type":"hello"}', undefined], // a type from a newer server
  ])('reads %s', (text, expected) => {
    expect(parseMessage(text)).toEqual(expected)
  })
})
