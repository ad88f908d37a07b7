import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { type Secrets, type SignatureFailure, signBody, verifySignature } from '../../../src/webhook/signature'

const SECRET = 'test-webhook-secret'
const OLD_SECRET = 'old-webhook-secret'
const T = 1_700_000_000
const encoder = new TextEncoder()
const BODY = encoder.encode('{"environment":"development","op":"replace","flags":{},"segments":{}}')
// Non-ASCII in the body: the signature covers these UTF-8 bytes, not a re-encoding of the text.
const UNICODE_BODY = encoder.encode('{"environment":"development","op":"patch","flags":{"zoë-🚀":null}}')

const sign = (secret: Secrets, body: Uint8Array = BODY, t = T) => signBody({ body, secret, timestamp: t })
/** Just the `v1=…` item of a signature. */
const v1Of = async (secret: string, body: Uint8Array = BODY, t = T) => (await sign(secret, body, t)).split(',')[1]

const VALID = await sign(SECRET)
const V1 = await v1Of(SECRET)
const HEX = V1.slice(3)

type Row = {
  name: string
  header: string | null | undefined
  body?: Uint8Array | ArrayBuffer
  secrets?: Secrets
  now?: number
  /** `secretIndex`: which secret signed (default the first), as history names the sender. */
  expected: { ok: true; secretIndex?: number } | { reason: SignatureFailure; message?: RegExp }
}

const rows: Row[] = [
  { name: 'accepts a signature made with the secret', header: VALID, expected: { ok: true } },
  {
    name: 'accepts two v1 signatures when only the second matches (the sender is rotating)',
    header: `t=${T},${await v1Of(OLD_SECRET)},${V1}`,
    expected: { ok: true },
  },
  {
    name: 'accepts a signature made with the second of two secrets in WEBHOOK_SECRET',
    header: await sign(OLD_SECRET),
    secrets: `${SECRET}, ${OLD_SECRET}`,
    expected: { ok: true, secretIndex: 1 },
  },
  {
    name: 'accepts a signature made with the second of a list of secrets',
    header: await sign(OLD_SECRET),
    secrets: [SECRET, OLD_SECRET],
    expected: { ok: true, secretIndex: 1 },
  },
  { name: 'accepts a body given as an ArrayBuffer', header: VALID, body: BODY.slice().buffer, expected: { ok: true } },
  { name: 'accepts upper-case hex', header: `t=${T},v1=${HEX.toUpperCase()}`, expected: { ok: true } },
  { name: 'accepts spaces around items', header: ` t=${T} , ${V1} `, expected: { ok: true } },
  { name: 'ignores schemes it does not know', header: `t=${T},v0=not-hex,${V1},v2=later`, expected: { ok: true } },
  {
    name: 'accepts a body with non-ASCII bytes, signed as sent',
    header: await sign(SECRET, UNICODE_BODY),
    body: UNICODE_BODY,
    expected: { ok: true },
  },
  {
    name: 'rejects the non-ASCII body re-encoded as Latin-1',
    header: await sign(SECRET, UNICODE_BODY),
    body: Uint8Array.from(new TextDecoder().decode(UNICODE_BODY), (char) => char.charCodeAt(0) & 0xff),
    expected: { reason: 'invalid' },
  },

  {
    name: 'reports a missing header',
    header: undefined,
    expected: { reason: 'missing', message: /X-Edgeflags-Signature header is missing/ },
  },
  { name: 'reports a null header as missing', header: null, expected: { reason: 'missing' } },
  { name: 'reports an empty header as missing', header: '  ', expected: { reason: 'missing' } },

  { name: 'rejects a header without t', header: V1, expected: { reason: 'malformed', message: /no t= timestamp/ } },
  {
    name: 'rejects a header without v1',
    header: `t=${T}`,
    expected: { reason: 'malformed', message: /no v1= signature/ },
  },
  {
    name: 'rejects a t that is not a number',
    header: `t=soon,${V1}`,
    expected: { reason: 'malformed', message: /t="soon" is not unix seconds/ },
  },
  { name: 'rejects a t with a fraction', header: `t=${T}.5,${V1}`, expected: { reason: 'malformed' } },
  { name: 'rejects a negative t', header: `t=-${T},${V1}`, expected: { reason: 'malformed' } },
  { name: 'rejects an empty t', header: `t=,${V1}`, expected: { reason: 'malformed' } },
  {
    name: 'rejects two t values',
    header: `t=${T},t=${T},${V1}`,
    expected: { reason: 'malformed', message: /2 t= timestamps; exactly one/ },
  },
  {
    name: 'rejects a v1 that is not hex',
    header: `t=${T},v1=${'g'.repeat(64)}`,
    expected: { reason: 'malformed', message: /signature 1 has characters that are not hex digits/ },
  },
  {
    name: 'rejects a v1 one digit short',
    header: `t=${T},v1=${HEX.slice(1)}`,
    expected: { reason: 'malformed', message: /signature 1 has 63 hex digits; an HMAC-SHA256 is 64/ },
  },
  {
    name: 'rejects a malformed v1 even when another v1 matches',
    header: `t=${T},${V1},v1=abc`,
    expected: { reason: 'malformed', message: /signature 2 has 3 hex digits/ },
  },
  {
    name: 'rejects garbage',
    header: 'garbage',
    expected: { reason: 'malformed', message: /"garbage" is not a key=value item/ },
  },
  { name: 'rejects an empty item', header: `t=${T},,${V1}`, expected: { reason: 'malformed' } },
  { name: 'rejects an item with no key', header: `t=${T},=x,${V1}`, expected: { reason: 'malformed' } },

  {
    name: 'rejects a timestamp 301 s in the past',
    header: VALID,
    now: T + 301,
    expected: { reason: 'expired', message: /^signature timestamp is 301 s in the past; at most 300 s allowed/ },
  },
  {
    name: 'rejects a timestamp 301 s in the future',
    header: VALID,
    now: T - 301,
    expected: { reason: 'expired', message: /301 s in the future; at most 300 s allowed/ },
  },
  {
    name: 'rejects a timestamp just past the tolerance, rounding the message up',
    header: VALID,
    now: T + 300.2,
    expected: { reason: 'expired', message: /301 s in the past/ },
  },
  {
    name: 'checks the timestamp before the signature',
    header: `t=${T},v1=${'0'.repeat(64)}`,
    now: T + 1000,
    expected: { reason: 'expired' },
  },
  { name: 'accepts a timestamp exactly 300 s in the past', header: VALID, now: T + 300, expected: { ok: true } },
  { name: 'accepts a timestamp exactly 300 s in the future', header: VALID, now: T - 300, expected: { ok: true } },

  {
    name: 'rejects a body changed by one byte',
    header: VALID,
    body: BODY.map((byte, i) => (i === 10 ? byte ^ 1 : byte)),
    expected: { reason: 'invalid', message: /^the v1 signature does not match the webhook secret/ },
  },
  {
    name: 'rejects the signature of a different timestamp',
    header: `t=${T},${await v1Of(SECRET, BODY, T + 1)}`,
    expected: { reason: 'invalid' },
  },
  {
    name: 'rejects a signature made with another secret',
    header: `t=${T},${await v1Of(OLD_SECRET)},${await v1Of('third-secret')}`,
    expected: { reason: 'invalid', message: /^none of the 2 v1 signatures matches/ },
  },
]

describe('verifySignature', () => {
  it.each(rows)('$name', async ({ header, body = BODY, secrets = SECRET, now = T, expected }) => {
    const check = await verifySignature({ header, body, secrets, now })
    if ('ok' in expected) {
      expect(check).toEqual({ ok: true, timestamp: T, secretIndex: expected.secretIndex ?? 0 })
      return
    }
    if (check.ok) throw new Error(`expected ${expected.reason}, got ok`)
    expect(check.reason).toBe(expected.reason)
    if (expected.message) expect(check.message).toMatch(expected.message)
    for (const secret of [SECRET, OLD_SECRET]) expect(check.message).not.toContain(secret)
  })

  it('honours a custom tolerance', async () => {
    const check = await verifySignature({
      header: VALID,
      body: BODY,
      secrets: SECRET,
      now: T + 61,
      toleranceSeconds: 60,
    })
    expect(check).toMatchObject({ ok: false, reason: 'expired', message: expect.stringMatching(/at most 60 s/) })
  })

  it('accepts an HMAC computed by another sender with node:crypto', async () => {
    // What a sender in any language does: HMAC-SHA256 over "<t>." then the raw body, hex-encoded.
    const bodyBuffer = Buffer.from(UNICODE_BODY)
    const hex = createHmac('sha256', SECRET).update(`${T}.`).update(bodyBuffer).digest('hex')
    const check = await verifySignature({ header: `t=${T},v1=${hex}`, body: bodyBuffer, secrets: SECRET, now: T })
    expect(check).toEqual({ ok: true, timestamp: T, secretIndex: 0 })
  })

  it('throws when no secret is configured, since that is the server at fault', async () => {
    for (const secrets of [undefined, '', ' , ', []]) {
      await expect(verifySignature({ header: VALID, body: BODY, secrets, now: T })).rejects.toThrow(/WEBHOOK_SECRET/)
    }
  })
})

describe('signBody', () => {
  it('signs what node:crypto signs', async () => {
    const hex = createHmac('sha256', SECRET).update(`${T}.`).update(BODY).digest('hex')
    expect(await sign(SECRET)).toBe(`t=${T},v1=${hex}`)
  })

  it('signs a string as its UTF-8 bytes', async () => {
    const text = new TextDecoder().decode(UNICODE_BODY)
    expect(await signBody({ body: text, secret: SECRET, timestamp: T })).toBe(await sign(SECRET, UNICODE_BODY))
  })

  it('writes one v1 per secret, in order, for a sender that is rotating', async () => {
    const header = await sign(`${SECRET},${OLD_SECRET}`)
    expect(header).toBe(`t=${T},${V1},${await v1Of(OLD_SECRET)}`)
  })

  it('drops the fraction of a timestamp', async () => {
    expect(await signBody({ body: BODY, secret: SECRET, timestamp: T + 0.9 })).toBe(VALID)
  })

  it('refuses an empty secret', async () => {
    await expect(signBody({ body: BODY, secret: '', timestamp: T })).rejects.toThrow(/non-empty secret/)
  })
})
