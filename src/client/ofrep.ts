import type { FlagState, FlagStates } from './flags'
import type { EvaluationContext, FetchLike, ResponseLike } from './types'

/** A fetch that has not answered by then is abandoned, so polling never stalls behind it. */
export const FETCH_TIMEOUT_MS = 10_000

export type BulkRequest = { baseUrl: string; key: string; context: EvaluationContext; etag?: string }

/** 200 with states, 304 (unchanged since `etag`), or another status with the server's reason. */
export type BulkAnswer =
  | { status: 200; states: FlagStates; version: number; etag?: string }
  | { status: number; detail?: string }

type OfrepFlag = {
  key: string
  value?: unknown
  variant?: string
  reason?: string
  errorCode?: string
  errorDetails?: string
}

/**
 * An OFREP bulk body as states: a result with `errorCode` (such as TARGETING_KEY_MISSING) is a
 * flag without a value, so `variation` serves the default. Throws on a body of another shape.
 */
export const readBulk = (body: unknown): { states: FlagStates; version: number } => {
  const { flags, metadata } = (body ?? {}) as { flags?: OfrepFlag[]; metadata?: { version?: number } }
  if (!Array.isArray(flags)) throw new Error('The OFREP answer has no flags')
  const states: FlagStates = {}
  for (const { key, ...flag } of flags) {
    states[key] = (
      flag.errorCode === undefined
        ? { value: flag.value, variant: flag.variant, reason: flag.reason }
        : { errorCode: flag.errorCode, errorDetails: flag.errorDetails }
    ) as FlagState
  }
  return { states, version: metadata?.version ?? 0 }
}

const errorDetail = async (response: ResponseLike) => {
  try {
    const body = (await response.json()) as { errorDetails?: string; errorCode?: string }
    return body.errorDetails ?? body.errorCode
  } catch {
    return undefined
  }
}

/**
 * OFREP bulk evaluation (`POST /ofrep/v1/evaluate/flags`, OpenFeature's OFREP appendix C) with
 * `If-None-Match` when an ETag is known. Rejects when the network fails, the body is malformed,
 * FETCH_TIMEOUT_MS passes or `cancel` aborts.
 */
export const fetchFlags = async (
  send: FetchLike,
  { baseUrl, key, context, etag }: BulkRequest,
  cancel?: AbortSignal,
): Promise<BulkAnswer> => {
  const abort = new AbortController()
  const stop = () => abort.abort()
  const timer = setTimeout(stop, FETCH_TIMEOUT_MS)
  cancel?.addEventListener('abort', stop)
  try {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }
    if (etag !== undefined) headers['If-None-Match'] = etag
    const body = JSON.stringify({ context })
    const url = `${baseUrl}/ofrep/v1/evaluate/flags`
    const response = await send(url, { method: 'POST', headers, body, signal: abort.signal })
    if (response.status === 304) return { status: 304 }
    if (response.status !== 200) return { status: response.status, detail: await errorDetail(response) }
    const { states, version } = readBulk(await response.json())
    return { status: 200, states, version, etag: response.headers.get('ETag') ?? undefined }
  } finally {
    clearTimeout(timer)
    cancel?.removeEventListener('abort', stop)
  }
}
