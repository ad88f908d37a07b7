const PREFIXED = /^(?:api_key|Bearer)\s+(\S+)$/i

/**
 * The key in `Authorization` as LaunchDarkly's SDKs send it: server SDKs send the SDK key alone,
 * mobile SDKs `api_key <mobile key>`; `Bearer <key>` is accepted as everywhere else here.
 */
export const sdkKeyIn = (headers: Headers): string | undefined => {
  const value = headers.get('Authorization')?.trim()
  if (!value) return undefined
  const prefixed = PREFIXED.exec(value)
  if (prefixed !== null) return prefixed[1]
  return /\s/.test(value) ? undefined : value
}
