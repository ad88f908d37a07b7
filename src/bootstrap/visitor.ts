/**
 * Who is visiting a bootstrapped page, from what the Worker sees: an anonymous key kept in a
 * first-party cookie, the country Cloudflare reports, the browser family, and extra attributes
 * the page may leave in the `ef_ctx` cookie.
 */

export const KEY_COOKIE = 'ef_key'
export const CONTEXT_COOKIE = 'ef_ctx'
/** The most `ef_ctx` may hold, as cookie text, and how many attributes of it are read. */
export const MAX_CTX_CHARS = 1024
export const MAX_CTX_ATTRIBUTES = 16

const YEAR_S = 365 * 24 * 60 * 60
// a UUID from randomUUID, or anything of the same alphabet a previous version may have set
const KEY_SHAPE = /^[A-Za-z0-9-]{8,64}$/
// set by the edge, never by the page
const RESERVED = new Set(['targetingKey', 'key', 'kind', 'country', 'browser', 'anonymous'])

export type Visitor = {
  /** The OFREP context to evaluate for. */
  context: Record<string, unknown>
  /** A `Set-Cookie` value when the visitor had no key yet. */
  setCookie?: string
}

/** The value of cookie `name`, undefined when absent. */
export const cookieValue = (header: string | null, name: string): string | undefined => {
  if (header === null) return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim()
  }
  return undefined
}

// Order matters: Edge and Opera user agents also say Chrome, and Chrome's also says Safari.
const FAMILIES: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(?:e|ium)\/|\bCriOS\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
]

/** The browser family of a `User-Agent` header, or `Other`. */
export const browserFamily = (userAgent: string | null): string =>
  FAMILIES.find(([pattern]) => pattern.test(userAgent ?? ''))?.[1] ?? 'Other'

const isPrimitive = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value)

/**
 * The page's extra attributes: URI-encoded JSON of an object, at most MAX_CTX_CHARS long. Only
 * string, number and boolean attributes count, at most MAX_CTX_ATTRIBUTES, none the edge sets;
 * anything else in the cookie is ignored, as is a cookie that does not parse.
 */
export const pageAttributes = (cookie: string | undefined): Record<string, unknown> => {
  if (cookie === undefined || cookie.length > MAX_CTX_CHARS) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(decodeURIComponent(cookie))
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const entries = Object.entries(parsed).filter(([name, value]) => !RESERVED.has(name) && isPrimitive(value))
  return Object.fromEntries(entries.slice(0, MAX_CTX_ATTRIBUTES))
}

/** The visitor of `request`, with a new key (and its cookie) when it came without a valid one. */
export const readVisitor = (request: Request): Visitor => {
  const cookies = request.headers.get('Cookie')
  const known = cookieValue(cookies, KEY_COOKIE)
  const key = known !== undefined && KEY_SHAPE.test(known) ? known : crypto.randomUUID()
  const context: Record<string, unknown> = { ...pageAttributes(cookieValue(cookies, CONTEXT_COOKIE)), targetingKey: key }
  const country = (request as { cf?: { country?: unknown } }).cf?.country
  if (typeof country === 'string') context.country = country
  context.browser = browserFamily(request.headers.get('User-Agent'))
  if (key === known) return { context }
  return { context, setCookie: `${KEY_COOKIE}=${key}; Path=/; Max-Age=${YEAR_S}; HttpOnly; Secure; SameSite=Lax` }
}
