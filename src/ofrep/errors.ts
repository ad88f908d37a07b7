import type { Context } from 'hono'
import { toApiError, type ApiError } from '../errors'
import type { OfrepErrorCode } from './response'

const CODES: Record<string, OfrepErrorCode> = {
  parse_error: 'PARSE_ERROR',
  invalid_context: 'INVALID_CONTEXT',
  flag_not_found: 'FLAG_NOT_FOUND',
}

const SINGLE_FLAG = /\/evaluate\/flags\/([^/]+)$/

const flagKeyInPath = (path: string) => {
  const match = SINGLE_FLAG.exec(path)
  if (match === null) return undefined
  try {
    return decodeURIComponent(match[1])
  } catch {
    return match[1]
  }
}

/** OFREP's error body for `apiError`: `errorCode` always, `key` when a single flag was asked for. */
export const ofrepErrorBody = (apiError: ApiError, key: string | undefined) => ({
  ...(key === undefined ? {} : { key }),
  errorCode: CODES[apiError.code] ?? 'GENERAL',
  errorDetails: apiError.message,
})

/**
 * OFREP's error renderer: every body carries `errorCode` (and `key` on single-flag routes),
 * because OpenFeature's OFREP providers reject an error body without it.
 */
export const renderOfrepError = (error: unknown, c: Context) => {
  const apiError = toApiError(error)
  if (apiError.retryAfter !== undefined) c.header('Retry-After', String(apiError.retryAfter))
  // middleware (key check, body limits) throws before the route has read its parameter
  const key = c.req.param('key') ?? flagKeyInPath(new URL(c.req.url).pathname)
  return c.json(ofrepErrorBody(apiError, key), apiError.status)
}
