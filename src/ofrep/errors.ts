import type { Context } from 'hono'
import { toApiError } from '../errors'
import type { OfrepErrorCode } from './response'

const CODES: Record<string, OfrepErrorCode> = {
  parse_error: 'PARSE_ERROR',
  invalid_context: 'INVALID_CONTEXT',
  flag_not_found: 'FLAG_NOT_FOUND',
}

/**
 * OFREP's error renderer: every body carries `errorCode` (and `key` on single-flag routes),
 * because OpenFeature's OFREP providers reject an error body without it.
 */
export const renderOfrepError = (error: unknown, c: Context) => {
  const apiError = toApiError(error)
  if (apiError.retryAfter !== undefined) c.header('Retry-After', String(apiError.retryAfter))
  const key = c.req.param('key')
  return c.json(
    {
      ...(key === undefined ? {} : { key }),
      errorCode: CODES[apiError.code] ?? 'GENERAL',
      errorDetails: apiError.message,
    },
    apiError.status,
  )
}
