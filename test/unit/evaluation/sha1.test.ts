import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha1Prefix, sha1Prefix60After, utf8 } from '../../../src/evaluation/sha1'

// A prefix is hashed once and reused for every tail, and the fast path writes each tail into the
// prefix's own block: these tests reuse prefixes across tails of every length and alignment, so
// a word left over from one tail would show in the next.

const reference = (input: string) => parseInt(createHash('sha1').update(input).digest('hex').substring(0, 15), 16)

const ascii = (length: number, seed: number) =>
  Array.from({ length }, (_, i) => String.fromCharCode(0x21 + ((i * 7 + seed) % 90))).join('')

describe('sha1Prefix60After', () => {
  it('equals node:crypto for every prefix length up to two blocks and every tail length', () => {
    for (let headLength = 0; headLength <= 130; headLength += 1) {
      const head = ascii(headLength, headLength)
      const prefix = sha1Prefix(utf8(head))
      // long tails first, then short ones, so short tails follow words a long one wrote
      for (let tailLength = 70; tailLength >= 0; tailLength -= 1) {
        const tail = ascii(tailLength, tailLength * 3)
        expect(sha1Prefix60After(prefix, tail), `${headLength} + ${tailLength}`).toBe(reference(head + tail))
      }
    }
  })

  it.each([
    ['a bucketing prefix', 'flag-12.0123456789abcdef0123456789abcdef.'],
    ['a seed', '61.'],
    ['a non-ASCII prefix', 'ﬂag-é.salt.'],
    ['an empty prefix', ''],
  ])('equals node:crypto for %s and any sequence of tails', (_, head) => {
    const prefix = sha1Prefix(utf8(head))
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 70 }), { maxLength: 8 }), (tails) => {
        for (const tail of tails) expect(sha1Prefix60After(prefix, tail)).toBe(reference(head + tail))
      }),
      { numRuns: 2000, seed: 11 },
    )
    // 2,000 runs of up to eight tails take about a second alone, several on a busy machine
  }, 30_000)

  it('keeps a prefix usable after other prefixes were hashed', () => {
    const heads = ['a.', 'flag-1.salt.', 'flag-2.other-salt.', 'x'.repeat(70)]
    const prefixes = heads.map((head) => sha1Prefix(utf8(head)))
    for (let round = 0; round < 3; round += 1) {
      heads.forEach((head, i) => {
        const tail = `user-${round}-${i}`
        expect(sha1Prefix60After(prefixes[i], tail)).toBe(reference(head + tail))
      })
    }
  })
})
