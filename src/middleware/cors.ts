import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env'

const EXPOSE_HEADERS = 'ETag,Retry-After'
const PREFLIGHT: [string, string][] = [
  ['Access-Control-Allow-Methods', 'POST,GET,OPTIONS'],
  ['Access-Control-Allow-Headers', 'Content-Type,If-None-Match,Authorization,X-API-Key'],
  ['Access-Control-Max-Age', '600'],
]

/** The origin to allow: `*` unless CORS_ORIGINS lists origins, then the caller's if listed. */
const allowedOrigin = (allowed: string | undefined, origin: string | undefined): string | undefined => {
  if (!allowed || allowed.trim() === '*') return '*'
  if (origin === undefined) return undefined
  return allowed.split(',').some((entry) => entry.trim() === origin) ? origin : undefined
}

/** The CORS headers for an answer to `origin` under CORS_ORIGINS (`allowed`). */
export const corsHeaders = (allowed: string | undefined, origin: string | undefined): [string, string][] => {
  const allow = allowedOrigin(allowed, origin)
  const headers: [string, string][] =
    allow === undefined ? [] : [['Access-Control-Allow-Origin', allow], ['Access-Control-Expose-Headers', EXPOSE_HEADERS]]
  // a listed origin is echoed back, so caches must keep answers to different origins apart
  if (allow !== '*') headers.push(['Vary', 'Origin'])
  return headers
}

/**
 * CORS for browsers calling OFREP and the streams (DESIGN.md section 4): on every response, 304s
 * and errors included, so a page can read ETag and Retry-After. Set with `c.header`, which Hono
 * writes once when it makes the response, rather than copied onto a finished one: this runs
 * before every evaluation.
 */
export const browserCors = createMiddleware<AppEnv>(async function browserCors(c, next) {
  const headers = corsHeaders(c.env.CORS_ORIGINS, c.req.header('Origin'))
  for (const [name, value] of headers) c.header(name, value)
  if (c.req.method === 'OPTIONS') {
    for (const [name, value] of PREFLIGHT) c.header(name, value)
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
