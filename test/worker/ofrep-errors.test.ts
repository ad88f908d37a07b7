import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { newEnvironment } from './support/environments'
import { get, ofrepPost } from './support/requests'

// Every OFREP error body carries errorCode: OpenFeature's providers reject one without it.

describe('OFREP request errors', () => {
  it('answers 401 without a key', async () => {
    const res = await ofrepPost('', undefined, {})
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL', errorDetails: expect.stringContaining('API key') })
  })

  it('answers 401 for an unknown key', async () => {
    const res = await ofrepPost('', 'not-a-key', {})
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL', errorDetails: expect.stringContaining('unknown') })
  })

  it('accepts the key in X-API-Key', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', undefined, {}, { 'X-API-Key': keys.client })
    expect(res.status).toBe(200)
  })

  // a body without Content-Length (chunked) is counted as it streams
  const streamed = (key: string, text: string, chunks: number) =>
    exports.default.fetch('http://edgeflags.test/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(text)
          const size = Math.ceil(bytes.length / chunks)
          for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.slice(at, at + size))
          controller.close()
        },
      }),
    })

  it('reads a streamed body without Content-Length', async () => {
    const { keys } = await newEnvironment()
    const res = await streamed(keys.client, JSON.stringify({ context: { targetingKey: 'u1', note: 'x'.repeat(1000) } }), 7)
    expect(res.status).toBe(200)
  })

  it('answers 413 for a streamed body past 64 KiB', async () => {
    const { keys } = await newEnvironment()
    const res = await streamed(keys.client, JSON.stringify({ context: { targetingKey: 'u1', note: 'x'.repeat(70_000) } }), 9)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL' })
  })

  it('answers 415 for a body that is not JSON', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, 'context=1', { 'Content-Type': 'text/plain' })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL' })
  })

  it('answers 400 PARSE_ERROR for malformed JSON', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, '{"context":')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errorCode: 'PARSE_ERROR' })
  })

  it('answers 413 for a body over 64 KiB', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'u', blob: 'x'.repeat(70 * 1024) } })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ errorCode: 'GENERAL' })
  })

  it('answers 400 INVALID_CONTEXT for a context with too many attributes', async () => {
    const { keys } = await newEnvironment()
    const context = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i]))
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'u', ...context } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' })
  })

  it('answers 400 INVALID_CONTEXT for a context nested deeper than it may count', async () => {
    const { keys } = await newEnvironment()
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`
    const res = await ofrepPost('', keys.client, `{"context":{"targetingKey":"u","deep":${deep}}}`)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' })
  })

  it('answers 400 INVALID_CONTEXT for a context LaunchDarkly would refuse', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, { context: { targetingKey: 'u', kind: 'no spaces allowed' } })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' })
  })

  it('answers 400 INVALID_CONTEXT when the body is not an object', async () => {
    const { keys } = await newEnvironment()
    const res = await ofrepPost('', keys.client, [1, 2])
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' })
  })
})

describe('errors outside OFREP', () => {
  it('have one JSON shape', async () => {
    const res = await get('/nowhere')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'No route for GET /nowhere', details: [] },
    })
  })
})
