import { describe, expect, it, vi } from 'vitest'
import { FETCH_TIMEOUT_MS, fetchFlags, readBulk } from '../../../src/client/ofrep'
import type { FetchLike } from '../../../src/client/types'

describe('readBulk', () => {
  it('turns results into states, errors into flags without a value', () => {
    const body = {
      flags: [
        { key: 'a', value: true, reason: 'TARGETING_MATCH', variant: '1', metadata: { flagVersion: 2 } },
        { key: 'b', errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'send a targetingKey' },
      ],
      eventStreams: [],
      metadata: { version: 7 },
    }
    expect(readBulk(body)).toEqual({
      version: 7,
      states: {
        a: { value: true, variant: '1', reason: 'TARGETING_MATCH' },
        b: { errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'send a targetingKey' },
      },
    })
  })

  it.each([null, {}, { flags: {} }, 'text'])('refuses %j', (body) => {
    expect(() => readBulk(body)).toThrow('no flags')
  })
})

type Call = { url: string; init: Parameters<FetchLike>[1] }
const answering = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const calls: Call[] = []
  const send: FetchLike = async (url, init) => {
    calls.push({ url, init })
    return { status, headers: { get: (name) => headers[name] ?? null }, json: async () => body }
  }
  return { calls, send }
}

describe('fetchFlags', () => {
  const request = { baseUrl: 'http://x', key: 'k', context: { targetingKey: 'u' } }

  it('posts the context with the key, and the ETag when it has one', async () => {
    const { calls, send } = answering(200, { flags: [], metadata: { version: 2 } }, { ETag: '"2-client-abc"' })
    expect(await fetchFlags(send, request)).toEqual({ status: 200, states: {}, version: 2, etag: '"2-client-abc"' })
    await fetchFlags(send, { ...request, etag: '"2-client-abc"' })
    expect(calls.map(({ url, init }) => [url, init.method, init.headers, init.body])).toEqual([
      ['http://x/ofrep/v1/evaluate/flags', 'POST', { Authorization: 'Bearer k', 'Content-Type': 'application/json' }, '{"context":{"targetingKey":"u"}}'],
      [
        'http://x/ofrep/v1/evaluate/flags',
        'POST',
        { Authorization: 'Bearer k', 'Content-Type': 'application/json', 'If-None-Match': '"2-client-abc"' },
        '{"context":{"targetingKey":"u"}}',
      ],
    ])
  })

  // [status, body, answer]
  it.each<[number, unknown, object]>([
    [304, undefined, { status: 304 }],
    [401, { errorCode: 'GENERAL', errorDetails: 'unknown key' }, { status: 401, detail: 'unknown key' }],
    [400, { errorCode: 'INVALID_CONTEXT' }, { status: 400, detail: 'INVALID_CONTEXT' }],
    [503, 'not json', { status: 503, detail: undefined }],
  ])('answers %i with the status and the server reason', async (status, body, expected) => {
    const send: FetchLike = async () => ({
      status,
      headers: { get: () => null },
      json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
    })
    expect(await fetchFlags(send, request)).toEqual(expected)
  })

  it('rejects when the network fails', async () => {
    await expect(fetchFlags(() => Promise.reject(new TypeError('fetch failed')), request)).rejects.toThrow('fetch failed')
  })

  // a fetch that answers only by failing when its signal aborts, as fetch does
  const hanging: FetchLike = (_, init) =>
    new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))

  it('gives up after FETCH_TIMEOUT_MS', async () => {
    vi.useFakeTimers()
    try {
      const answer = expect(fetchFlags(hanging, request)).rejects.toThrow('aborted')
      await vi.advanceTimersByTimeAsync(FETCH_TIMEOUT_MS)
      await answer
    } finally {
      vi.useRealTimers()
    }
  })

  it('stops when cancelled, leaving no timer behind', async () => {
    vi.useFakeTimers()
    try {
      const cancel = new AbortController()
      const answer = expect(fetchFlags(hanging, request, cancel.signal)).rejects.toThrow('aborted')
      cancel.abort()
      await answer
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
