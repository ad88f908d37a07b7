import { SIGNATURE_HEADER, type Secrets, signBody } from '../src/webhook/signature'

export { signBody } from '../src/webhook/signature'

/**
 * Headers for a webhook request from a Node script or test: JSON, signed now.
 * Send `body` exactly as given: the signature covers its UTF-8 bytes.
 *
 * @param body - the JSON text to send
 * @param secret - a secret, or several separated by commas (one `v1` each)
 * @param now - unix seconds (default: the clock)
 * @example
 * const body = JSON.stringify(change)
 * await fetch(`${url}/admin/v1/webhook`, { method: 'POST', headers: await signedHeaders(body, secret), body })
 */
export const signedHeaders = async (
  body: string,
  secret: Secrets,
  now = Date.now() / 1000,
): Promise<{ 'Content-Type': 'application/json'; [SIGNATURE_HEADER]: string }> => ({
  'Content-Type': 'application/json',
  [SIGNATURE_HEADER]: await signBody({ body, secret, timestamp: now }),
})
