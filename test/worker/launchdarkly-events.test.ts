import { exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newEnvironment } from './support/environments'

// LaunchDarkly's event endpoints (src/routes/launchdarkly/handlers.ts receiveEvents): checked,
// bounded, answered 202, counted and dropped.

const BASE = 'http://edgeflags.test'

const summary = {
  kind: 'summary',
  startDate: 1,
  endDate: 2,
  features: {
    'dark-theme': { default: false, counters: [{ value: true, variation: 1, version: 1, count: 3 }, { value: false, count: 2, unknown: true }] },
  },
}

const post = (path: string, body: BodyInit, headers: Record<string, string>) =>
  exports.default.fetch(`${BASE}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })

const gzip = async (text: string) =>
  new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer())

afterEach(() => vi.restoreAllMocks())

describe('event endpoints', () => {
  it("accept each SDK kind's payloads with 202, at the paths its SDK posts to", async () => {
    const { keys } = await newEnvironment()
    const bulk = JSON.stringify([{ kind: 'index', creationDate: 1, context: { kind: 'user', key: 'u' } }, summary])
    const diagnostic = JSON.stringify({ kind: 'diagnostic-init', id: { diagnosticId: 'x' } })
    const sends = [
      post(`/events/bulk/${keys.client}`, bulk, {}),
      post(`/events/diagnostic/${keys.client}`, diagnostic, {}),
      post('/mobile/events/bulk', bulk, { Authorization: `api_key ${keys.mobile}` }),
      post('/mobile/events', bulk, { Authorization: `api_key ${keys.mobile}` }),
      post('/mobile/events/diagnostic', diagnostic, { Authorization: `api_key ${keys.mobile}` }),
      post('/bulk', bulk, { Authorization: keys.server }),
      post('/diagnostic', diagnostic, { Authorization: keys.server }),
    ]
    for (const res of await Promise.all(sends)) expect(res.status).toBe(202)
  })

  it('count the evaluations in summary events, and keep nothing else', async () => {
    const { environment, keys } = await newEnvironment()
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    expect((await post('/bulk', JSON.stringify([summary, { kind: 'custom', key: 'clicked' }]), { Authorization: keys.server })).status).toBe(202)
    const lines = log.mock.calls.map(([line]) => JSON.parse(String(line)))
    expect(lines).toContainEqual({ event: 'sdk_events', environment, keyKind: 'server', events: 2, kinds: { summary: 1, custom: 1 }, evaluations: 5 })
  })

  it('take gzip bodies, counting the inflated bytes against the limit', async () => {
    const { keys } = await newEnvironment()
    const headers = { Authorization: keys.server, 'Content-Encoding': 'gzip' }
    expect((await post('/bulk', await gzip(JSON.stringify([summary])), headers)).status).toBe(202)
    // 40 bytes of gzip that inflate to 200 KiB
    const bomb = await post('/bulk', await gzip(`[${' '.repeat(200 * 1024)}]`), headers)
    expect(bomb.status).toBe(413)
    const garbage = await post('/bulk', 'not gzip at all', headers)
    expect(garbage.status).toBe(400)
    expect(await garbage.json()).toMatchObject({ error: { code: 'invalid_encoding' } })
  })

  it('refuse what is not an events payload with 4xx and a reason', async () => {
    const { keys } = await newEnvironment()
    const auth = { Authorization: keys.server }
    const cases: [string, string, Record<string, string>, number, string][] = [
      ['/bulk', '{"kind":"summary"}', auth, 400, 'invalid_events'],
      ['/bulk', '[{"no":"kind"}]', auth, 400, 'invalid_events'],
      ['/bulk', '[{"kind":"summary","features":{"f":{"counters":[{"count":-1}]}}}]', auth, 400, 'invalid_events'],
      ['/bulk', '[{"kind":"summary","features":{"f":{}}}]', auth, 400, 'invalid_events'],
      ['/diagnostic', '[]', auth, 400, 'invalid_events'],
      ['/bulk', '[', auth, 400, 'parse_error'],
      ['/bulk', '[]', { ...auth, 'Content-Type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['/bulk', '[]', { ...auth, 'Content-Encoding': 'br' }, 415, 'unsupported_encoding'],
      ['/bulk', `[${'{"kind":"custom"},'.repeat(5000)}{"kind":"custom"}]`, auth, 413, 'payload_too_large'],
    ]
    for (const [path, body, headers, status, code] of cases) {
      const res = await post(path, body, headers)
      expect({ body: body.slice(0, 40), status: res.status }).toEqual({ body: body.slice(0, 40), status })
      expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } })
    }
  })
})
