import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** One problem in a request, located by a JSON path when it concerns the body. */
export type ErrorDetail = { path: string; message: string }

/**
 * The one error type routes throw. `onError` renders it as
 * `{"error": {"code", "message", "details"}}` (OFREP routes render it their own way).
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds a client should wait before retrying (sent as `Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/**
 * Anything thrown that is not an ApiError is our fault: a 500 that says nothing internal. Except
 * the Hub's storage refusing a value over 2 MB (from an RPC): what was sent is under every limit
 * as JSON but not as stored (a number takes 9 bytes stored, as few as 2 in JSON), and nothing of
 * it was written.
 */
export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error
  if (String(error).includes('SQLITE_TOOBIG')) {
    return new ApiError(413, 'too_large_to_store', "What was sent is larger than the Hub can store (over 2 MB in the Hub's storage)")
  }
  console.error('unexpected error', error)
  return new ApiError(500, 'internal', 'An unexpected error occurred')
}
