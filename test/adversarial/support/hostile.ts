import fc from 'fast-check'

/**
 * Hostile input for the fuzz tests. JSON is built as text, not with JSON.stringify, so it can
 * hold what no JavaScript object would survive as: own `__proto__` keys, `1e999`, duplicate
 * keys, and nesting deeper than the stack.
 */

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']

const SPECIAL_STRINGS = [
  ...PROTOTYPE_KEYS,
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u001f\u007f',
  '\r\n\t',
  '\u2028\u2029',
  '\ufeff',
  '\ud800',
  '\udfff\ud800',
  '🏳️‍🌈👩‍👩‍👧‍👦',
  'ａｄｍｉｎ',
  'e\u0301',
  '%00',
  '%E0%A4%A',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  "'; DROP TABLE flags; --",
  '<script>alert(1)</script>',
  'null',
  'undefined',
  'NaN',
  '-0',
  'multi',
  'user',
  'kind',
  '_meta',
  'key',
]

const ascii = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code))

/** Short strings of every kind: unicode, lone surrogates, control characters, sentinels. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: ascii(0, 0x1f), maxLength: 8 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
)

/** A long string: one character repeated, 1,000 to 20,000 times (still far under the limits). */
export const longString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', 'é', '🙂', '\u0000', '"', '\\', '%'), fc.integer({ min: 1_000, max: 20_000 }))
  .map(([character, times]) => character.repeat(times))

/** Object keys, prototype pollution first. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: hostileString },
)

/** Number literals as text, including ones JavaScript reads as Infinity or rounds. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? '-0' : String(n))),
  fc.constantFrom('1e999', '-1e999', '1E400', '-0', '0.5', '1e-400', '9007199254740993', '123456789012345678901234567890', '100000', '-100000', '4294967296', '2e5'),
)

export const stringText = (strings: fc.Arbitrary<string> = hostileString) => strings.map((text) => JSON.stringify(text))

export const objectText = (entries: [string, string][]) =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`

/** Any JSON value as text, a few levels deep, keys hostile. */
export const jsonText = (maxDepth = 3): fc.Arbitrary<string> =>
  fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      fc.constantFrom('null', 'true', 'false', '[]', '{}'),
      numberText,
      stringText(),
      fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map(objectText),
    ),
  })).value

/** Arrays or objects nested `depth` deep, as text (V8's JSON.parse is iterative; recursion is not). */
export const deepText = fc
  .tuple(fc.constantFrom('array', 'object', 'mixed'), fc.integer({ min: 100, max: 30_000 }))
  .map(([shape, depth]) => {
    if (shape === 'array') return '['.repeat(depth) + ']'.repeat(depth)
    if (shape === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
    return '[{"a":'.repeat(depth / 2) + 'null' + '}]'.repeat(depth / 2)
  })

/** Ways to break JSON text: cut it, splice garbage in, or wrap it in what JSON forbids. */
export const malformed = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((at) => text.slice(0, at)),
    fc
      .tuple(fc.integer({ min: 0, max: text.length }), fc.constantFrom(',', '}', ']', '"', ':', '\\', "'", '\u0000', 'NaN', 'undefined', '/*x*/', '{', '['))
      .map(([at, junk]) => text.slice(0, at) + junk + text.slice(at)),
    fc.constantFrom(
      `${text},`,
      `${text}}`,
      `[${text}`,
      `'${text}'`,
      `${text} // comment`,
      `${text}${text}`,
      text.replace(/"/g, "'"),
      `{context: ${text}}`,
      'NaN',
      'Infinity',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '{"\\x41":1}',
      '"\\u12"',
      '\u0000',
    ),
  )

/** Invalid UTF-8 byte sequences, alone or inside a JSON string. */
export const invalidUtf8 = fc
  .tuple(
    fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]),
    fc.boolean(),
  )
  .map(([bad, inString]) => {
    const [before, after] = inString ? ['{"context":{"targetingKey":"', '"}}'] : ['{"context":', '}']
    const encoder = new TextEncoder()
    return new Uint8Array([...encoder.encode(before), ...bad, ...encoder.encode(after)])
  })

/** Percent-encodes every byte of the UTF-8 text except unreserved characters (lone surrogates become U+FFFD). */
export const percentEncode = (text: string) =>
  [...new TextEncoder().encode(text)]
    .map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')

/** A path segment: hostile text encoded, or raw percent garbage that does not decode. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '%2e%2e', '..', '.', '%C0%AF', 'a'.repeat(3_000), '%F0%9F%99%82') },
)

/**
 * Header values a Request accepts (no CR, LF or NUL), hostile otherwise. ASCII only: workerd
 * sends other characters as UTF-8 with a warning per request.
 */
export const headerText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: ascii(0x20, 0x7e), maxLength: 40 }),
  fc.constantFrom('', ' ', '\t', 'x'.repeat(8_000), '__proto__', 'null', 'Bearer \t '),
)

/** Content types, each with whether the Worker reads it as JSON. */
export const CONTENT_TYPES: [string | undefined, boolean][] = [
  ['application/json', true],
  ['application/json; charset=utf-8', true],
  ['APPLICATION/JSON', true],
  ['application/vnd.api+json', true],
  ['application/merge-patch+json; x=1', true],
  [undefined, false],
  ['', false],
  ['text/plain', false],
  ['text/json', false],
  ['application/jsonx', false],
  ['application/x-www-form-urlencoded', false],
  ['multipart/form-data; boundary=x', false],
  ['application/octet-stream', false],
  // Headers drop surrounding whitespace, so this one is JSON
  [' application/json ', true],
  ['json', false],
]

/** Base64url as browsers send the stream's context. */
export const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** Wraps a fuzz case so that a failure prints a summary rather than 60 KB of body. */
export const summarised = <T extends object>(value: T, summary: string): T =>
  Object.assign(value, { [fc.toStringMethod]: () => summary })

/** A body for a failure message: its length and its start. */
export const bodySummary = (body: string | Uint8Array | undefined) => {
  if (body === undefined) return 'no body'
  const text = typeof body === 'string' ? body : `bytes ${[...body.slice(0, 40)].join(' ')}`
  return `${body.length} ${typeof body === 'string' ? 'chars' : 'bytes'}: ${JSON.stringify(text.slice(0, 160))}${text.length > 160 ? '…' : ''}`
}
