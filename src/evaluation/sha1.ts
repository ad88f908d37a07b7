import { CHAINING, compress, H, STATE_SIZE, WORKING } from './sha1-block'

// SHA-1 (FIPS 180-4) of a short string, reduced to what bucketing needs. Written out rather than
// taken from node:crypto because a createHash object per rollout cost about 1 µs, most of an
// evaluation; this runs in a seventh of that, allocates nothing, and needs no nodejs_compat.
//
// Every hash a rollout makes starts with the same prefix (`{flagKey}.{salt}.`), so the prefix is
// hashed once, on the rollout's first bucketing, as far as its bytes alone decide the state: its whole
// 64-byte blocks, and the first steps of the next block whose message words are all prefix bytes.
// Hashing a context value then runs only the remaining steps (a 42-byte prefix skips 10 of 80).

const IV = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0)
const encoder = new TextEncoder()
/** The state for prefixes being prepared and tails off the fast path. */
const scratch = new Int32Array(STATE_SIZE)
let bytes = new Uint8Array(256)

/** UTF-8 bytes, for the constant part of a hashed string (a rollout's prefix), encoded once. */
export const utf8 = (text: string) => encoder.encode(text)

/** How far SHA-1 gets on a fixed prefix before the bytes that follow it are known. */
export type Sha1Prefix = {
  /** The prefix's length in bytes. */
  readonly length: number
  /** The bytes of the prefix after its whole 64-byte blocks (fewer than 64). */
  readonly rest: Uint8Array
  /** How many steps of their block read only whole words of `rest`, rounded down to a multiple of 5. */
  readonly steps: number
  /**
   * What `compress` reads for that block: its words, with `rest` in place; the working variables
   * after `steps` steps; the chaining value before the block. One array per prefix, since
   * hashing writes the tail's words over the words after `rest`.
   */
  readonly state: Int32Array
}

const loadWords = (source: Uint8Array, offset: number) => {
  for (let t = 0; t < 16; t += 1) {
    const i = offset + t * 4
    scratch[t] = (source[i] << 24) | (source[i + 1] << 16) | (source[i + 2] << 8) | source[i + 3]
  }
}

// The chaining value in H, as the next block's working variables and chaining value
const startBlock = () => {
  for (let i = 0; i < 5; i += 1) scratch[WORKING + i] = scratch[CHAINING + i] = H[i]
}

// The first `steps` steps of the block in scratch (all in the first round, so f is Ch)
const firstSteps = (steps: number) => {
  let [a, b, c, d, e] = scratch.subarray(WORKING, WORKING + 5)
  for (let t = 0; t < steps; t += 1) {
    const next = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + scratch[t]) | 0
    e = d
    d = c
    c = (b << 30) | (b >>> 2)
    b = a
    a = next
  }
  scratch.set([a, b, c, d, e], WORKING)
}

/** Hashes `head` as far as it can be without what follows it. */
export const sha1Prefix = (head: Uint8Array): Sha1Prefix => {
  const whole = head.length - (head.length % 64)
  H.set(IV)
  for (let offset = 0; offset < whole; offset += 64) {
    loadWords(head, offset)
    startBlock()
    compress(scratch, 0)
  }
  const rest = head.slice(whole)
  const block = new Uint8Array(64)
  block.set(rest)
  loadWords(block, 0)
  startBlock()
  const full = rest.length >>> 2
  const steps = full - (full % 5)
  firstSteps(steps)
  return { length: head.length, rest, steps, state: scratch.slice() }
}

// The message length in bits, in the last two words of the final block
const setLength = (state: Int32Array, length: number) => {
  const bits = length * 8
  state[14] = Math.floor(bits / 2 ** 32)
  state[15] = bits
}

// The first 60 bits of the digest in H as a number: the first 15 hex digits, rounded to a double
// exactly as LaunchDarkly's `parseInt(hex.slice(0, 15), 16)`. H[0] * 2^28 is exact; the one
// addition rounds to nearest, as parseInt does.
const first60 = () => (H[0] >>> 0) * 2 ** 28 + (H[1] >>> 4)

// Any tail: the prefix's last bytes, the tail's UTF-8, then the 0x80 terminator, zero padding and
// the length in bits, as SHA-1 pads a message, block by block.
const general = (prefix: Sha1Prefix, tail: string): number => {
  const { rest } = prefix
  const room = rest.length + tail.length * 3 + 72
  if (bytes.length < room) bytes = new Uint8Array(room * 2)
  bytes.set(rest)
  const length = rest.length + encoder.encodeInto(tail, bytes.subarray(rest.length)).written
  const end = (((length + 8) >>> 6) + 1) * 64
  bytes.fill(0, length, end)
  bytes[length] = 0x80
  const total = prefix.length - rest.length + length
  scratch.set(prefix.state)
  for (let offset = 0; offset < end; offset += 64) {
    loadWords(bytes, offset)
    if (offset === end - 64) setLength(scratch, total)
    compress(scratch, offset === 0 ? prefix.steps : 0)
    startBlock()
  }
  return first60()
}

/** The second block of a two-block message on the fast path. */
const second = new Int32Array(STATE_SIZE)

/**
 * The first 60 bits of SHA-1(prefix + UTF-8 of `tail`) as a number: the first 15 hex digits of
 * the digest, rounded to a double exactly as LaunchDarkly's `parseInt(hex.slice(0, 15), 16)`.
 */
export const sha1Prefix60After = (prefix: Sha1Prefix, tail: string): number => {
  const start = prefix.rest.length
  const end = start + tail.length
  // An ASCII tail that ends within two blocks of the prefix's last one (keys up to 64 bytes or
  // so, UUIDs included) goes straight into words; anything else takes the byte path
  if (end > 119) return general(prefix, tail)
  const { state } = prefix
  let block = state
  // The word the prefix ends in keeps its prefix bytes (zeros where the tail goes)
  let t = start >> 2
  let word = state[t] & ~(-1 >>> ((start & 3) << 3))
  for (let i = 0, at = start; i < tail.length; i += 1) {
    const code = tail.charCodeAt(i)
    if (code >= 0x80) return general(prefix, tail)
    word |= code << (24 - ((at & 3) << 3))
    at += 1
    if ((at & 3) === 0) {
      block[t++] = word
      word = 0
      if (t === 16) {
        block = second
        t = 0
      }
    }
  }
  block[t++] = word | (0x80 << (24 - ((end & 3) << 3)))
  const length = prefix.length + tail.length
  if (end <= 55) {
    for (; t < 14; t += 1) state[t] = 0
    setLength(state, length)
    compress(state, prefix.steps)
    return first60()
  }
  // the terminator ended the first block, or is in the second: the length goes in the second
  if (block === state) {
    for (; t < 16; t += 1) state[t] = 0
    t = 0
  }
  for (; t < 14; t += 1) second[t] = 0
  setLength(second, length)
  compress(state, prefix.steps)
  for (let i = 0; i < 5; i += 1) second[WORKING + i] = second[CHAINING + i] = H[i]
  compress(second, 0)
  return first60()
}

let lastHead: Uint8Array | undefined
let lastPrefix: Sha1Prefix | undefined

/**
 * `sha1Prefix60After` with the prefix given as bytes. The last prefix's state is kept, so calls
 * that repeat one prefix (as ETag fingerprints, with an empty one) hash it once.
 */
export const sha1Prefix60 = (head: Uint8Array, tail: string): number => {
  if (head !== lastHead || lastPrefix === undefined) {
    lastPrefix = sha1Prefix(head)
    lastHead = head
  }
  return sha1Prefix60After(lastPrefix, tail)
}
