import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bucketFor, bucketSpec, canBucket } from '../../../src/evaluation/bucketing'
import { sha1Prefix60, utf8 } from '../../../src/evaluation/sha1'
import { parseContext } from '../../../src/evaluation/context'
import { parseAttributeReference } from '../../../src/evaluation/attribute-reference'

// The reference computation from LaunchDarkly's SDK spec, kept naive on purpose
const referenceBucket = (input: string) =>
  parseInt(createHash('sha1').update(input).digest('hex').substring(0, 15), 16) / 0xfffffffffffffff

const context = (json: unknown) => {
  const parsed = parseContext(json)
  if (!parsed.valid) throw new Error(parsed.message)
  return parsed
}

const spec = (bucketBy: string, contextKind = 'user', prefix = 'flag.salt') =>
  bucketSpec(prefix, parseAttributeReference(bucketBy, false), contextKind)

describe('sha1Prefix60', () => {
  const reference = (input: string) => parseInt(createHash('sha1').update(input).digest('hex').substring(0, 15), 16)

  const string = fc.string({ unit: 'binary', maxLength: 100 })

  it('equals parseInt of the first 15 hex digits of node:crypto SHA-1, for any strings', () => {
    fc.assert(
      fc.property(string, string, (head, tail) => {
        expect(sha1Prefix60(utf8(head), tail)).toBe(reference(head + tail))
      }),
      { numRuns: 20000, seed: 7 },
    )
  })

  it.each([0, 1, 55, 56, 63, 64, 119, 120, 1000])('pads a %i-byte message correctly', (length) => {
    expect(sha1Prefix60(utf8('p.'), 'x'.repeat(length))).toBe(reference(`p.${'x'.repeat(length)}`))
  })

  it('hashes the UTF-8 bytes of text beyond ASCII', () => {
    for (const text of ['ünïcødé', 'flag.salt.☃', '𝄞 clef', 'a\u0000b', '\ud800 lone']) {
      expect(sha1Prefix60(utf8('é.'), text)).toBe(reference(`é.${text}`))
    }
  })
})

describe('bucketFor', () => {
  it('hashes "{prefix}.{value}" for a string attribute', () => {
    const bucket = bucketFor(context({ kind: 'user', key: 'userKeyA' }), spec('key', 'user', 'hashKey.saltyA'))
    expect(bucket).toBe(referenceBucket('hashKey.saltyA.userKeyA'))
    // the conformance suite's expected bucket for this pair is 42157 of 100000
    expect(Math.floor(bucket * 100000)).toBe(42157)
  })

  it('hashes integers as their decimal strings', () => {
    const bucket = bucketFor(context({ kind: 'user', key: 'k', n: 33 }), spec('n'))
    expect(bucket).toBe(referenceBucket('flag.salt.33'))
  })

  it.each([
    ['a float', 1.5],
    ['a boolean', true],
    ['an array', ['x']],
    ['an object', { x: 'y' }],
    ['null', null],
  ])('buckets %s at 0', (_, value) => {
    expect(bucketFor(context({ kind: 'user', key: 'k', attr: value }), spec('attr'))).toBe(0)
  })

  it('buckets a context without the rollout kind at 0', () => {
    expect(bucketFor(context({ kind: 'org', key: 'k' }), spec('key'))).toBe(0)
  })
})

describe('canBucket', () => {
  it('counts a context of the rollout kind even without the attribute', () => {
    expect(canBucket(context({ kind: 'user', key: 'k' }), spec('missing'))).toBe(true)
  })

  it('does not count a context without the rollout kind', () => {
    expect(canBucket(context({ kind: 'org', key: 'k' }), spec('key'))).toBe(false)
  })
})
