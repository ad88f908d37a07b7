import { jsonScript } from '../bootstrap/escape'
import { bootstrapPaths } from '../bootstrap/paths'
import { bootstrapPayloads } from '../bootstrap/payload'
import { readVisitor } from '../bootstrap/visitor'
import type { Env } from '../env'
import { readOfrepContext } from '../ofrep/context'
import { readApiKey } from '../store/api-keys'
import { sourcesOf } from '../store/from-context'
import { readRuleset } from '../store/rulesets'

/**
 * Zero-flicker pages (issue #15): pages under `BOOTSTRAP_PATHS` are proxied to `ORIGIN`, and an
 * HTML page is streamed through `HTMLRewriter`, which adds the visitor's evaluated flags at the
 * end of `<head>` so the page can render them before its first paint. Everything else the
 * origin answers (other types, errors, HEAD, redirects) passes through as it came.
 */

export const BOOTSTRAP_ID = 'edgeflags-bootstrap'
export const LAUNCHDARKLY_ID = 'edgeflags-bootstrap-ld'

// `private` keeps shared caches out; no-cache makes the browser ask again each time. Vary names
// what a rewritten page depends on besides its URL: the visitor's cookies (ef_key, ef_ctx) and
// browser, added to whatever the origin's page varies by.
const CACHE_CONTROL = 'private, no-cache'
const VARY = 'Cookie, User-Agent'
// Validators and length describe the origin's bytes, not the rewritten ones
const DROPPED = ['Content-Length', 'ETag', 'Last-Modified']

/** Whether `request` is for a page to proxy and bootstrap (needs `ORIGIN` and a matching path). */
export const isBootstrapRequest = (request: Request, env: Env): boolean =>
  env.ORIGIN !== undefined && env.ORIGIN !== '' && bootstrapPaths(env.BOOTSTRAP_PATHS)(new URL(request.url).pathname)

const isHtml = (response: Response) => /^\s*text\/html\b/i.test(response.headers.get('Content-Type') ?? '')

/**
 * The two script elements for the visitor, or '' when there is nothing to offer: an unknown
 * or non-client key, or a ruleset that cannot be read, leaves the page as the origin made it
 * (the client then fetches as it would without a bootstrap).
 */
const scriptsFor = async (env: Env, ctx: ExecutionContext, clientKey: string | undefined, raw: Record<string, unknown>) => {
  if (clientKey === undefined || clientKey === '') return ''
  try {
    const sources = sourcesOf(env, ctx)
    const key = await readApiKey(clientKey, sources)
    // a server key would put every flag, server-only ones included, into the page
    if (key === null || key.kind !== 'client') {
      console.error(JSON.stringify({ event: 'bootstrap_key_refused', known: key !== null }))
      return ''
    }
    const { context, canonical } = readOfrepContext({ context: raw })
    const ruleset = await readRuleset(key.environment, sources)
    const { edgeflags, launchDarkly } = bootstrapPayloads(ruleset.compiled, ruleset.version, key, { context, canonical, raw })
    return jsonScript(BOOTSTRAP_ID, edgeflags) + jsonScript(LAUNCHDARKLY_ID, launchDarkly)
  } catch (error) {
    console.error(JSON.stringify({ event: 'bootstrap_failed', message: String(error) }))
    return ''
  }
}

/**
 * `page` with the visitor's flags for `clientKey` added at the end of `<head>`, when it is an
 * HTML 200 answer to a GET; else `page` untouched. The flags are evaluated while the page is on
 * its way, and the page streams through: only the `</head>` waits for them.
 */
export const withBootstrap = (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  page: Response,
  clientKey: string | undefined,
): Response => {
  if (request.method !== 'GET' || page.status !== 200 || !isHtml(page)) return page
  const visitor = readVisitor(request)
  const scripts = scriptsFor(env, ctx, clientKey, visitor.context)
  const rewritten = new HTMLRewriter()
    .on('head', {
      element: async (head) => {
        head.append(await scripts, { html: true })
      },
    })
    .transform(page)
  const headers = new Headers(page.headers)
  for (const name of DROPPED) headers.delete(name)
  headers.set('Cache-Control', CACHE_CONTROL)
  headers.append('Vary', VARY)
  if (visitor.setCookie !== undefined) headers.append('Set-Cookie', visitor.setCookie)
  return new Response(rewritten.body, { status: page.status, statusText: page.statusText, headers })
}

const toOrigin = (request: Request, origin: string) => {
  const url = new URL(request.url)
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  return new Request(new URL(url.pathname + url.search, origin), {
    method: request.method,
    headers: request.headers,
    body: hasBody ? request.body : null,
    redirect: 'manual',
  })
}

/**
 * The origin's answer to `request`, bootstrapped with `BOOTSTRAP_KEY`'s flags when it is a page.
 * An origin that answers with an error is passed through; one that cannot be reached at all
 * gives a plain-text 502, as a gateway would, not an edgeflags JSON error.
 */
export const proxyBootstrap = async (request: Request, env: Env, ctx: ExecutionContext): Promise<Response> => {
  let page: Response
  try {
    page = await fetch(toOrigin(request, env.ORIGIN!))
  } catch (error) {
    console.error(JSON.stringify({ event: 'origin_unreachable', message: String(error) }))
    return new Response('Bad gateway: the origin could not be reached\n', {
      status: 502,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    })
  }
  return withBootstrap(request, env, ctx, page, env.BOOTSTRAP_KEY)
}
