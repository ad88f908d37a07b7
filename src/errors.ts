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

/** Anything thrown that is not an ApiError is our fault: a 500 that says nothing internal. */
export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error
  console.error('unexpected error', error)
  return new ApiError(500, 'internal', 'An unexpected error occurred')
}
