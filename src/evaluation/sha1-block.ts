// SHA-1's compression function (FIPS 180-4, 6.1.2), unrolled by hand. Written as loops over a
// schedule array it ran at 300 ns a block; with the 16-word schedule window in local variables
// and no calls, V8 keeps everything in registers and it runs at 180 ns (measured in Node 20).
// Helper functions for f, k or the step are avoided on purpose: with 80 steps in one function
// they exceed V8's inlining budget and the block got two to four times slower.
//
// Each step renames the working variables instead of moving them (the step's new `a` is stored
// in the variable that held `e`), so every fifth step the names line up again.

/**
 * Where `compress` reads in its state array (written as plain numbers below): 16 message words,
 * then the working variables a…e, then the chaining value h0…h4.
 */
export const WORKING = 16
export const CHAINING = 21
export const STATE_SIZE = 26

/** The chaining value h0…h4 after the last block. */
export const H = new Int32Array(5)

/**
 * Runs steps `from` to 79 of the block in `state` (words 0–15, big-endian), starting from the
 * working variables there, and sets H to the chaining value there plus the result. `from` is 0
 * (with the working variables equal to the chaining value), or 5, 10 or 15 when the steps before
 * it were run on the same first words already.
 */
export const compress = (state: Int32Array, from: number) => {
  let w0 = state[0], w1 = state[1], w2 = state[2], w3 = state[3]
  let w4 = state[4], w5 = state[5], w6 = state[6], w7 = state[7]
  let w8 = state[8], w9 = state[9], w10 = state[10], w11 = state[11]
  let w12 = state[12], w13 = state[13], w14 = state[14], w15 = state[15]
  let a = state[16], b = state[17], c = state[18], d = state[19], e = state[20]
  let x = 0
  // steps 0–19: f = Ch(b, c, d), k = 0x5a827999
  if (from <= 0) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w0) | 0; b = (b << 30) | (b >>> 2)
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w1) | 0; a = (a << 30) | (a >>> 2)
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w2) | 0; e = (e << 30) | (e >>> 2)
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w3) | 0; d = (d << 30) | (d >>> 2)
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w4) | 0; c = (c << 30) | (c >>> 2)
  }
  if (from <= 5) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w5) | 0; b = (b << 30) | (b >>> 2)
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w6) | 0; a = (a << 30) | (a >>> 2)
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w7) | 0; e = (e << 30) | (e >>> 2)
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w8) | 0; d = (d << 30) | (d >>> 2)
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w9) | 0; c = (c << 30) | (c >>> 2)
  }
  if (from <= 10) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w10) | 0; b = (b << 30) | (b >>> 2)
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w11) | 0; a = (a << 30) | (a >>> 2)
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w12) | 0; e = (e << 30) | (e >>> 2)
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w13) | 0; d = (d << 30) | (d >>> 2)
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w14) | 0; c = (c << 30) | (c >>> 2)
  }
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w15) | 0; b = (b << 30) | (b >>> 2)
  // from step 16 on, each step first replaces the oldest word with the next of the schedule
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w0) | 0; a = (a << 30) | (a >>> 2)
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w1) | 0; e = (e << 30) | (e >>> 2)
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w2) | 0; d = (d << 30) | (d >>> 2)
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w3) | 0; c = (c << 30) | (c >>> 2)
  // steps 20–39: f = Parity(b, c, d), k = 0x6ed9eba1
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w4) | 0; b = (b << 30) | (b >>> 2)
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w5) | 0; a = (a << 30) | (a >>> 2)
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w6) | 0; e = (e << 30) | (e >>> 2)
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w7) | 0; d = (d << 30) | (d >>> 2)
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w8) | 0; c = (c << 30) | (c >>> 2)
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w9) | 0; b = (b << 30) | (b >>> 2)
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w10) | 0; a = (a << 30) | (a >>> 2)
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w11) | 0; e = (e << 30) | (e >>> 2)
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w12) | 0; d = (d << 30) | (d >>> 2)
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w13) | 0; c = (c << 30) | (c >>> 2)
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w14) | 0; b = (b << 30) | (b >>> 2)
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w15) | 0; a = (a << 30) | (a >>> 2)
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w0) | 0; e = (e << 30) | (e >>> 2)
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w1) | 0; d = (d << 30) | (d >>> 2)
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w2) | 0; c = (c << 30) | (c >>> 2)
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w3) | 0; b = (b << 30) | (b >>> 2)
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w4) | 0; a = (a << 30) | (a >>> 2)
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w5) | 0; e = (e << 30) | (e >>> 2)
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w6) | 0; d = (d << 30) | (d >>> 2)
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w7) | 0; c = (c << 30) | (c >>> 2)
  // steps 40–59: f = Maj(b, c, d), k = 0x8f1bbcdc (written as a negative int32)
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e - 0x70e44324 + w8) | 0; b = (b << 30) | (b >>> 2)
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d - 0x70e44324 + w9) | 0; a = (a << 30) | (a >>> 2)
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c - 0x70e44324 + w10) | 0; e = (e << 30) | (e >>> 2)
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b - 0x70e44324 + w11) | 0; d = (d << 30) | (d >>> 2)
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a - 0x70e44324 + w12) | 0; c = (c << 30) | (c >>> 2)
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e - 0x70e44324 + w13) | 0; b = (b << 30) | (b >>> 2)
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d - 0x70e44324 + w14) | 0; a = (a << 30) | (a >>> 2)
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c - 0x70e44324 + w15) | 0; e = (e << 30) | (e >>> 2)
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b - 0x70e44324 + w0) | 0; d = (d << 30) | (d >>> 2)
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a - 0x70e44324 + w1) | 0; c = (c << 30) | (c >>> 2)
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e - 0x70e44324 + w2) | 0; b = (b << 30) | (b >>> 2)
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d - 0x70e44324 + w3) | 0; a = (a << 30) | (a >>> 2)
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c - 0x70e44324 + w4) | 0; e = (e << 30) | (e >>> 2)
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b - 0x70e44324 + w5) | 0; d = (d << 30) | (d >>> 2)
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a - 0x70e44324 + w6) | 0; c = (c << 30) | (c >>> 2)
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + ((b & c) | (d & (b | c))) + e - 0x70e44324 + w7) | 0; b = (b << 30) | (b >>> 2)
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + ((a & b) | (c & (a | b))) + d - 0x70e44324 + w8) | 0; a = (a << 30) | (a >>> 2)
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + ((e & a) | (b & (e | a))) + c - 0x70e44324 + w9) | 0; e = (e << 30) | (e >>> 2)
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + ((d & e) | (a & (d | e))) + b - 0x70e44324 + w10) | 0; d = (d << 30) | (d >>> 2)
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + ((c & d) | (e & (c | d))) + a - 0x70e44324 + w11) | 0; c = (c << 30) | (c >>> 2)
  // steps 60–79: f = Parity(b, c, d), k = 0xca62c1d6 (written as a negative int32)
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + w12) | 0; b = (b << 30) | (b >>> 2)
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d - 0x359d3e2a + w13) | 0; a = (a << 30) | (a >>> 2)
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c - 0x359d3e2a + w14) | 0; e = (e << 30) | (e >>> 2)
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b - 0x359d3e2a + w15) | 0; d = (d << 30) | (d >>> 2)
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a - 0x359d3e2a + w0) | 0; c = (c << 30) | (c >>> 2)
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + w1) | 0; b = (b << 30) | (b >>> 2)
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d - 0x359d3e2a + w2) | 0; a = (a << 30) | (a >>> 2)
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c - 0x359d3e2a + w3) | 0; e = (e << 30) | (e >>> 2)
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b - 0x359d3e2a + w4) | 0; d = (d << 30) | (d >>> 2)
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a - 0x359d3e2a + w5) | 0; c = (c << 30) | (c >>> 2)
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + w6) | 0; b = (b << 30) | (b >>> 2)
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d - 0x359d3e2a + w7) | 0; a = (a << 30) | (a >>> 2)
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c - 0x359d3e2a + w8) | 0; e = (e << 30) | (e >>> 2)
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b - 0x359d3e2a + w9) | 0; d = (d << 30) | (d >>> 2)
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a - 0x359d3e2a + w10) | 0; c = (c << 30) | (c >>> 2)
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31)
  e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + w11) | 0; b = (b << 30) | (b >>> 2)
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31)
  d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d - 0x359d3e2a + w12) | 0; a = (a << 30) | (a >>> 2)
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31)
  c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c - 0x359d3e2a + w13) | 0; e = (e << 30) | (e >>> 2)
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31)
  b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b - 0x359d3e2a + w14) | 0; d = (d << 30) | (d >>> 2)
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31)
  a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a - 0x359d3e2a + w15) | 0; c = (c << 30) | (c >>> 2)
  H[0] = (state[21] + a) | 0
  H[1] = (state[22] + b) | 0
  H[2] = (state[23] + c) | 0
  H[3] = (state[24] + d) | 0
  H[4] = (state[25] + e) | 0
}
