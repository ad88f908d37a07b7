/**
 * Webhook signatures (DESIGN.md section 5):
 * `X-Edgeflags-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 *
 * The header is a comma-separated list of `key=value` items, laid out like Stripe's
 * `Stripe-Signature`:
 * - exactly one `t`, decimal unix seconds. The signed text uses `t` exactly as sent, so the
 *   signer and the verifier never disagree over how to print a number;
 * - one or more `v1`, each 64 hex digits (either case). A sender rotating its secret signs
 *   with the old and the new one and sends both;
 * - items with any other key are ignored, so a later scheme (`v2=`) can be added beside `v1`
 *   without breaking verifiers that do not know it;
 * - whitespace around items, keys and values is ignored;
 * - anything else is malformed: an item without `=`, an empty item (`t=1,,v1=…`), a second `t`,
 *   or a `v1` that is not 64 hex digits, even when another `v1` would match.
 *
 * The Worker side may hold several secrets while a rotation is under way: `WEBHOOK_SECRET` is
 * read as a comma-separated list (`new-secret,old-secret`), so a secret cannot contain a comma;
 * whitespace around each one is dropped. A signature is accepted when any `v1` matches any secret.
 *
 * Only WebCrypto and TextEncoder, so this runs in Workers and in Node 20 alike.
 */

/** The request header that carries the signature. */
export const SIGNATURE_HEADER = 'X-Edgeflags-Signature'

/** How far `t` may be from now, either way, before a signature counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureFailure = 'missing' | 'malformed' | 'expired' | 'invalid'

export type SignatureCheck =
  | { ok: true; timestamp: number; /** Which of the secrets signed it, from 0 (history names it). */ secretIndex: number }
  | { ok: false; reason: SignatureFailure; message: string }

/** Raw request bytes, exactly as received (`await request.arrayBuffer()`). */
export type RawBody = Uint8Array | ArrayBuffer

/** One secret, a list, or the `WEBHOOK_SECRET` form: a comma-separated list. */
export type Secrets = string | readonly string[]

const FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">'
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/
const UNIX_SECONDS = /^[0-9]{1,15}$/
const encoder = new TextEncoder()

/**
 * Reads `WEBHOOK_SECRET` (or a list) into the secrets to try: commas separate secrets,
 * surrounding whitespace and empty entries are dropped.
 */
export const parseSecrets = (secrets: Secrets | undefined): string[] => {
  const list = typeof secrets === 'string' ? secrets.split(',') : (secrets ?? [])
  return list.map((secret) => secret.trim()).filter((secret) => secret !== '')
}

/**
 * Checks an `X-Edgeflags-Signature` header against the raw body.
 *
 * The timestamp is checked before any HMAC, so a replayed or stale request costs nothing.
 * Matching compares bytes in constant time. Messages say what is wrong and never include a secret.
 *
 * @param header - the header value; null or empty means the header is missing
 * @param body - the request body exactly as received, before any parsing
 * @param secrets - the secrets to accept; a string is read as a comma-separated list
 * @param now - the current time in unix seconds
 * @param toleranceSeconds - how far `t` may be from `now`, either way (default 300)
 * @throws when no secret is configured: that is the server's fault, not the sender's
 * @example
 * const check = await verifySignature({
 *   header: c.req.header(SIGNATURE_HEADER),
 *   body: await c.req.arrayBuffer(),
 *   secrets: c.env.WEBHOOK_SECRET,
 *   now: Date.now() / 1000,
 * })
 * if (!check.ok) throw new ApiError(401, 'bad_signature', check.message)
 */
export const verifySignature = async ({
  header,
  body,
  secrets,
  now,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
}: {
  header: string | null | undefined
  body: RawBody
  secrets: Secrets | undefined
  now: number
  toleranceSeconds?: number
}): Promise<SignatureCheck> => {
  const keys = parseSecrets(secrets)
  if (keys.length === 0) throw new Error('no webhook secret is configured (WEBHOOK_SECRET)')
  if (header == null || header.trim() === '') {
    return failure('missing', `the ${SIGNATURE_HEADER} header is missing; expected ${FORMAT}`)
  }
  const parsed = parseHeader(header)
  if (!parsed.ok) return failure('malformed', `${SIGNATURE_HEADER} is malformed: ${parsed.message}; expected ${FORMAT}`)

  const timestamp = Number(parsed.t)
  const skew = now - timestamp
  if (Math.abs(skew) > toleranceSeconds) {
    const seconds = Math.ceil(Math.abs(skew))
    const when = skew > 0 ? 'in the past' : 'in the future'
    return failure(
      'expired',
      `signature timestamp is ${seconds} s ${when}; at most ${toleranceSeconds} s allowed ` +
        "(a replay, or the sender's clock is off)",
    )
  }

  const signed = signedBytes(parsed.t, body)
  const expected = parsed.v1.map(hexToBytes)
  for (const [secretIndex, secret] of keys.entries()) {
    const mac = new Uint8Array(await hmac(secret, signed))
    if (expected.some((candidate) => equalInConstantTime(mac, candidate))) return { ok: true, timestamp, secretIndex }
  }
  const mismatch =
    expected.length === 1 ? 'the v1 signature does not match' : `none of the ${expected.length} v1 signatures matches`
  return failure('invalid', `${mismatch} the webhook secret; sign "${parsed.t}.<raw body>" byte for byte as sent`)
}

/**
 * Signs a body and returns the `X-Edgeflags-Signature` value: one `v1` per secret, so a sender
 * rotating its secret can pass the old and the new one.
 *
 * @param body - the exact bytes that will be sent; a string is sent (and signed) as UTF-8
 * @param secret - a secret, a list, or a comma-separated list
 * @param timestamp - unix seconds; fractions are dropped
 */
export const signBody = async ({
  body,
  secret,
  timestamp,
}: {
  body: string | RawBody
  secret: Secrets
  timestamp: number
}): Promise<string> => {
  const keys = parseSecrets(secret)
  if (keys.length === 0) throw new Error('signBody needs a non-empty secret')
  const t = String(Math.floor(timestamp))
  const signed = signedBytes(t, typeof body === 'string' ? encoder.encode(body) : body)
  const macs = await Promise.all(keys.map((key) => hmac(key, signed)))
  return [`t=${t}`, ...macs.map((mac) => `v1=${bytesToHex(new Uint8Array(mac))}`)].join(',')
}

type ParsedHeader = { ok: true; t: string; v1: string[] } | { ok: false; message: string }

const parseHeader = (header: string): ParsedHeader => {
  const ts: string[] = []
  const v1: string[] = []
  for (const item of header.split(',').map((part) => part.trim())) {
    const at = item.indexOf('=')
    if (at <= 0) return { ok: false, message: `${quote(item)} is not a key=value item` }
    const value = item.slice(at + 1).trim()
    const key = item.slice(0, at).trim()
    if (key === 't') ts.push(value)
    else if (key === 'v1') v1.push(value)
  }
  if (ts.length === 0) return { ok: false, message: 'no t= timestamp' }
  if (ts.length > 1) return { ok: false, message: `${ts.length} t= timestamps; exactly one is allowed` }
  // 15 digits keeps t a safe integer; that is some 30 million years of unix seconds.
  if (!UNIX_SECONDS.test(ts[0])) return { ok: false, message: `t=${quote(ts[0])} is not unix seconds (a whole number)` }
  if (v1.length === 0) return { ok: false, message: 'no v1= signature' }
  const bad = v1.findIndex((value) => !HEX_SHA256.test(value))
  if (bad >= 0) {
    // Says what is wrong with the value without echoing it: it may be a near miss.
    const problem = /^[0-9a-fA-F]*$/.test(v1[bad])
      ? `${v1[bad].length} hex digits`
      : 'characters that are not hex digits'
    return { ok: false, message: `v1= signature ${bad + 1} has ${problem}; an HMAC-SHA256 is 64 hex digits` }
  }
  return { ok: true, t: ts[0], v1 }
}

/** Quotes a piece of the sender's header for a message, cut short so a huge header stays readable. */
const quote = (text: string): string => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text)

const failure = (reason: SignatureFailure, message: string): SignatureCheck => ({ ok: false, reason, message })

/** `"<t>."` followed by the body's bytes, untouched: re-encoding a parsed body would change them. */
const signedBytes = (t: string, body: RawBody): Uint8Array => {
  const prefix = encoder.encode(`${t}.`)
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body)
  const signed = new Uint8Array(prefix.length + bytes.length)
  signed.set(prefix)
  signed.set(bytes, prefix.length)
  return signed
}

const hmac = async (secret: string, data: Uint8Array): Promise<ArrayBuffer> => {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return crypto.subtle.sign('HMAC', key, data)
}

/**
 * Compares two MACs without stopping at the first difference, so the time taken says nothing
 * about how much of a guess was right. Both are 32 bytes: the header parser checked the length.
 */
const equalInConstantTime = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i]
  return difference === 0
}

const hexToBytes = (hex: string): Uint8Array => {
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

const bytesToHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
