import { parseContext, type EvaluationContext } from '../evaluation'
import { ApiError } from '../errors'
import { decodeBase64Url } from '../model/base64url'
import { canonicalJson } from '../model/canonical-json'
import { exceedsAttributes, MAX_CONTEXT_ATTRIBUTES, MAX_CONTEXT_KINDS } from '../model/context-size'
import { isJsonObject } from '../model/json'

/** A context as LaunchDarkly's SDKs send it, checked, with its canonical JSON (a cache key). */
export type SdkContext = { context: EvaluationContext; canonical: string }

const invalid = (message: string) => new ApiError(400, 'invalid_context', message, [{ path: 'context', message }])

/**
 * A LaunchDarkly context (single-kind, multi-kind, or the older user JSON) as an SDK sent it.
 * Unlike OFREP, LaunchDarkly requires a key: its SDKs make one up for anonymous contexts.
 */
export const readSdkContext = (json: unknown): SdkContext => {
  if (!isJsonObject(json)) throw invalid('The context must be a JSON object')
  if (exceedsAttributes(json, MAX_CONTEXT_ATTRIBUTES)) throw invalid(`The context has more than ${MAX_CONTEXT_ATTRIBUTES} attributes`)
  if (json.kind === 'multi' && Object.keys(json).length - 1 > MAX_CONTEXT_KINDS) {
    throw invalid(`The context has more than ${MAX_CONTEXT_KINDS} kinds`)
  }
  const context = parseContext(json)
  if (!context.valid) throw invalid(`The context is not valid: ${context.message}`)
  return { context, canonical: canonicalJson(json) }
}

// As large as a REPORT body may be (base64 is four characters for three bytes); streams keep the context
const MAX_PATH_CONTEXT = Math.ceil((64 * 1024 * 4) / 3)

/** The context in a URL path segment: base64url-encoded JSON, as the SDKs' GET requests send it. */
export const contextInPath = (segment: string): SdkContext => {
  if (segment.length > MAX_PATH_CONTEXT) throw new ApiError(414, 'uri_too_long', 'The context in the path exceeds 64 KiB: send it as a REPORT body')
  let json: unknown
  try {
    json = JSON.parse(decodeBase64Url(segment))
  } catch {
    throw invalid('The context in the path must be base64url-encoded JSON')
  }
  return readSdkContext(json)
}
