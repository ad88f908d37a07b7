/**
 * Text from base64url (RFC 4648 section 5, padding optional), as LaunchDarkly's SDKs and our
 * WebSocket clients put a context in a URL. Throws on bad base64 or bytes that are not UTF-8.
 */
export const decodeBase64Url = (text: string) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))
}
