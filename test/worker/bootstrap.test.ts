import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import examples from '../../examples/flags.json'
import type { Env } from '../../src/env'
import worker from '../../src/index'
import { newEnvironment } from './support/environments'

// Zero-flicker pages (issue #15): the Worker entry with ORIGIN set, and the origin played by a
// stub of `fetch`, so each test decides what the origin answers.

const HOSTILE = '</script><script>alert(1)</script><!-- \u2028\u2029 & </SCRIPT >'
const PAGE = '<!doctype html><html><head><title>shop</title></head><body><p>hello</p></body></html>'
const flag = (key: string, variations: unknown[]) => ({
  ...examples.flags['dark-theme'],
  key,
  salt: key,
  on: true,
  variations,
})
const RULESET = {
  ...examples,
  flags: { ...examples.flags, 'dark-theme': flag('dark-theme', [false, true]), banner: flag('banner', ['', HOSTILE]) },
}

// what the runtime hands the Worker: a Request typed with the incoming `cf` properties
const incoming = (url: string, init?: RequestInit) => new Request(url, init) as Request<unknown, IncomingRequestCfProperties>

type Origin = (request: Request) => Response | Promise<Response>

const serve = async (origin: Origin, init: RequestInit & { path?: string } = {}) => {
  const { keys } = await newEnvironment(RULESET)
  const seen: Request[] = []
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, options) => {
    const request = new Request(input as RequestInfo, options)
    seen.push(request)
    return origin(request)
  })
  const vars = { ORIGIN: 'https://origin.test', BOOTSTRAP_PATHS: '/, /shop/**', BOOTSTRAP_KEY: keys.client }
  const ctx = createExecutionContext()
  const res = await worker.fetch(incoming(`http://edgeflags.test${init.path ?? '/shop/a'}`, init), { ...env, ...vars } as Env, ctx)
  const text = await res.text()
  await waitOnExecutionContext(ctx)
  return { res, text, seen, keys }
}

const html = (body = PAGE, headers: Record<string, string> = {}) => () =>
  new Response(body, { headers: { 'Content-Type': 'text/html; charset=utf-8', ETag: '"origin"', 'Cache-Control': 'public, max-age=600', ...headers } })

const scriptText = (text: string, id: string) => {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(text)
  if (match === null) throw new Error(`no #${id} in ${text}`)
  return JSON.parse(match[1])
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('bootstrapped pages', () => {
  it('adds the visitor’s client-side flags at the end of <head>', async () => {
    const { text, seen } = await serve(html(), { headers: { 'User-Agent': 'Mozilla/5.0 Firefox/130.0' } })
    expect(seen[0].url).toBe('https://origin.test/shop/a')
    expect(text).toMatch(/<title>shop<\/title><script type="application\/json" id="edgeflags-bootstrap">.*<\/script><\/head><body><p>hello/)
    const payload = scriptText(text, 'edgeflags-bootstrap')
    expect(Object.keys(payload.flags).sort()).toEqual(['api-count-field', 'banner', 'dark-theme', 'disable-registration', 'new-checkout'])
    expect(payload.flags['dark-theme']).toEqual({ value: true, variant: '1', reason: 'DEFAULT' })
    expect(payload).toMatchObject({ version: 1, context: { browser: 'Firefox' } })
    expect(payload.etag).toMatch(/^"1-client-/)
  })

  it('offers the same values in LaunchDarkly’s bootstrap shape', async () => {
    const { text } = await serve(html())
    const ld = scriptText(text, 'edgeflags-bootstrap-ld')
    expect(ld).toMatchObject({ 'dark-theme': true, $valid: true, $flagsState: { 'dark-theme': { variation: 1, version: 1 } } })
    expect(ld).not.toHaveProperty('backend-log-level')
  })

  it('gives the same ETag as an OFREP bulk request for the same context', async () => {
    const { text, keys } = await serve(html())
    const { context, etag } = scriptText(text, 'edgeflags-bootstrap')
    const ofrep = await worker.fetch(
      incoming('http://edgeflags.test/ofrep/v1/evaluate/flags', {
        method: 'POST',
        headers: { Authorization: `Bearer ${keys.client}`, 'Content-Type': 'application/json', 'If-None-Match': etag },
        body: JSON.stringify({ context }),
      }),
      env as Env,
      createExecutionContext(),
    )
    expect(ofrep.status).toBe(304)
  })

  it('escapes hostile values so they can neither close the script nor open markup', async () => {
    const { text } = await serve(html())
    const [, injected] = /<\/title>(.*)<\/head>/s.exec(text)!
    // two elements, and in their text no <, > or & at all, nor a raw line separator
    expect(injected.match(/<\/script>/g)).toHaveLength(2)
    for (const [, body] of injected.matchAll(/<script[^>]*>([^<]*)<\/script>/g)) expect(body).not.toMatch(/[<>&\u2028\u2029]/)
    expect(scriptText(text, 'edgeflags-bootstrap').flags.banner.value).toBe(HOSTILE)
    expect(scriptText(text, 'edgeflags-bootstrap-ld').banner).toBe(HOSTILE)
  })

  it('sets an HttpOnly, Secure, SameSite=Lax ef_key cookie when the visitor has none', async () => {
    const { res, text } = await serve(html())
    const cookie = res.headers.get('Set-Cookie')!
    expect(cookie).toMatch(/^ef_key=[0-9a-f-]{36}; Path=\/; Max-Age=31536000; HttpOnly; Secure; SameSite=Lax$/)
    expect(scriptText(text, 'edgeflags-bootstrap').context.targetingKey).toBe(cookie.slice(7, 43))
  })

  it('keeps the visitor’s key and reads ef_ctx attributes, without letting them override the edge’s', async () => {
    const ctx = encodeURIComponent(JSON.stringify({ plan: 'pro', targetingKey: 'someone-else', browser: 'x', nested: { a: 1 } }))
    const { res, text } = await serve(html(), { headers: { Cookie: `a=b; ef_key=visitor-12345; ef_ctx=${ctx}` } })
    expect(res.headers.get('Set-Cookie')).toBeNull()
    expect(scriptText(text, 'edgeflags-bootstrap').context).toEqual({ targetingKey: 'visitor-12345', plan: 'pro', browser: 'Other' })
  })

  it('ignores an ef_ctx cookie over its size bound', async () => {
    const ctx = encodeURIComponent(JSON.stringify({ plan: 'pro', pad: 'x'.repeat(1100) }))
    const { text } = await serve(html(), { headers: { Cookie: `ef_key=visitor-12345; ef_ctx=${ctx}` } })
    expect(scriptText(text, 'edgeflags-bootstrap').context).toEqual({ targetingKey: 'visitor-12345', browser: 'Other' })
  })

  it('marks rewritten pages private and varying by cookie, without the origin’s validators', async () => {
    const { res } = await serve(html())
    expect(res.headers.get('Cache-Control')).toBe('private, no-cache')
    expect(res.headers.get('Vary')).toBe('Cookie, User-Agent')
    expect(res.headers.get('ETag')).toBeNull()
  })

  it('keeps what the origin’s page already varies by', async () => {
    const { res } = await serve(html(PAGE, { Vary: 'Accept-Language' }))
    expect(res.headers.get('Vary')).toBe('Accept-Language, Cookie, User-Agent')
  })
})

describe('what passes through untouched', () => {
  it.each([
    ['JSON', html('{"a":"</head>"}', { 'Content-Type': 'application/json' }), 'GET'],
    ['an origin error page', () => new Response(PAGE, { status: 503, headers: { 'Content-Type': 'text/html' } }), 'GET'],
    ['a redirect', () => new Response(null, { status: 302, headers: { Location: '/elsewhere' } }), 'GET'],
    ['a HEAD request', html(''), 'HEAD'],
  ] as [string, Origin, string][])('%s', async (_, origin, method) => {
    const expected = await origin(new Request('https://origin.test/'))
    const { res, text } = await serve(origin, { method })
    expect(res.status).toBe(expected.status)
    expect(text).toBe(await expected.text())
    expect(res.headers.get('Set-Cookie')).toBeNull()
    expect(res.headers.get('Cache-Control')).toBe(expected.headers.get('Cache-Control'))
  })

  it('answers a plain-text 502 when the origin cannot be reached', async () => {
    const { res, text } = await serve(() => Promise.reject(new TypeError('connection refused')))
    expect(res.status).toBe(502)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/plain/)
    expect(text).toMatch(/origin could not be reached/)
  })

  it('leaves paths outside BOOTSTRAP_PATHS to the app', async () => {
    const { res, seen } = await serve(html(), { path: '/healthz' })
    expect(seen).toHaveLength(0)
    expect(res.status).toBe(200)
  })

  it('serves the page without flags when the key is not a client key', async () => {
    const { keys } = await newEnvironment(RULESET)
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => html()())
    const vars = { ORIGIN: 'https://origin.test', BOOTSTRAP_PATHS: '/', BOOTSTRAP_KEY: keys.server }
    const res = await worker.fetch(incoming('http://edgeflags.test/'), { ...env, ...vars } as Env, createExecutionContext())
    expect(await res.text()).toBe(PAGE)
  })
})

describe('the demo through the rewriter', () => {
  it('has the dev key’s flags in its head', async () => {
    const { keys } = await newEnvironment(RULESET)
    const res = await worker.fetch(incoming(`http://edgeflags.test/demo?key=${keys.client}`), { ...env, DEMO: 'on' } as Env, createExecutionContext())
    const text = await res.text()
    expect(scriptText(text, 'edgeflags-bootstrap').flags['dark-theme'].value).toBe(true)
    expect(res.headers.get('Set-Cookie')).toMatch(/^ef_key=/)
  })
})
