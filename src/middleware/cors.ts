import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'

const EXPOSE_HEADERS = 'ETag,Retry-After'
// LaunchDarkly's browser SDK reads the server's clock from Date on its event posts
const SDK_EXPOSE_HEADERS = `${EXPOSE_HEADERS},Date`

const preflight = (methods: string, headers: string): [string, string][] => [
  ['Access-Control-Allow-Methods', methods],
  ['Access-Control-Allow-Headers', headers],
  ['Access-Control-Max-Age', '600'],
]

// What LaunchDarkly's browser SDK sends: REPORT when `useReport` is set, and its own headers
// (the list LaunchDarkly's Relay Proxy allows)
const SDK_HEADERS = [
  'Cache-Control',
  'Content-Type',
  'Content-Length',
  'Accept-Encoding',
  'X-LaunchDarkly-User-Agent',
  'X-LaunchDarkly-Payload-ID',
  'X-LaunchDarkly-Wrapper',
  'X-LaunchDarkly-Event-Schema',
  'X-LaunchDarkly-Tags',
].join(',')

/** The origin to allow: `*` unless CORS_ORIGINS lists origins, then the caller's if listed. */
const allowedOrigin = (allowed: string | undefined, origin: string | undefined): string | undefined => {
  if (!allowed || allowed.trim() === '*') return '*'
  if (origin === undefined) return undefined
  return allowed.split(',').some((entry) => entry.trim() === origin) ? origin : undefined
}

/** The CORS headers for an answer to `origin` under CORS_ORIGINS (`allowed`). */
export const corsHeaders = (allowed: string | undefined, origin: string | undefined, expose = EXPOSE_HEADERS): [string, string][] => {
  const allow = allowedOrigin(allowed, origin)
  const headers: [string, string][] =
    allow === undefined ? [] : [['Access-Control-Allow-Origin', allow], ['Access-Control-Expose-Headers', expose]]
  // a listed origin is echoed back, so caches must keep answers to different origins apart
  if (allow !== '*') headers.push(['Vary', 'Origin'])
  return headers
}

// Set with `c.header`, which Hono writes once when it makes the response, rather than copied
// onto a finished one: this runs before every evaluation.
const corsWith = (preflightHeaders: [string, string][], expose?: string) =>
  createMiddleware<AppEnv>(async function cors(c, next) {
    const headers = corsHeaders(c.env.CORS_ORIGINS, c.req.header('Origin'), expose)
    for (const [name, value] of headers) c.header(name, value)
    if (c.req.method === 'OPTIONS') {
      for (const [name, value] of preflightHeaders) c.header(name, value)
      return c.body(null, 204)
    }
    await next()
    if (headers.length > 0 && !c.res.headers.has(headers[0][0])) {
      // a route that answered with a Response of its own (a stream from the Hub) did not take
      // them; such headers may be immutable, so the response is copied first
      c.res = new Response(c.res.body, c.res)
      for (const [name, value] of headers) c.res.headers.set(name, value)
    }
  })

/**
 * CORS for browsers calling OFREP and the streams (DESIGN.md section 4): on every response, 304s
 * and errors included, so a page can read ETag and Retry-After.
 */
export const browserCors = corsWith(preflight('POST,GET,OPTIONS', 'Content-Type,If-None-Match,Authorization,X-API-Key'))

/** CORS for LaunchDarkly's browser SDK on the client-side paths, its REPORT requests included. */
export const sdkCors = corsWith(preflight('GET,REPORT,POST,OPTIONS', SDK_HEADERS), SDK_EXPOSE_HEADERS)
