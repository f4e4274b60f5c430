/**
 * Counter-based random numbers in TypeScript: Philox4x32-10 (Salmon et al., SC'11 "Parallel random
 * numbers: as easy as 1, 2, 3") and the `uniformFill` kernel built on it. The value of element (r, c)
 * is a pure function of the seed and (r, c), so a block can be generated anywhere, in any order, with
 * the same bits; native/random.c implements the same mapping.
 *
 * @packageDocumentation
 */
import type { FloatArray } from '../types.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const ROUNDS = 10;
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;
const TWO32 = 0x100000000;
const TWO26 = 2 ** 26;
const INV_TWO53 = 2 ** -53;
const INV_TWO24 = 2 ** -24;

/** The 10 round keys (k0, k1 pairs, as int32) of the key (k0, k1): the Weyl sequence of Philox. */
function roundKeys(k0: number, k1: number): Int32Array {
  const keys = new Int32Array(2 * ROUNDS);
  for (let i = 0; i < ROUNDS; i++) {
    keys[2 * i] = k0 + i * W0;
    keys[2 * i + 1] = k1 + i * W1;
  }
  return keys;
}

/**
 * Philox4x32-10 of two counters that differ only in words 1 and 3, (c0, a1, c2, a3) and (c0, b1, c2, b3),
 * under precomputed round keys; their output words (int32 bits) go to `out[at..at + 3]` and
 * `out[at + 4..at + 7]`. One round is a long dependency chain, so two interleaved counters run at nearly
 * the cost of one. The high words of the 32 x 32-bit products come from Math.imul of 16-bit halves, so
 * every intermediate is an exact int32.
 */
function philoxTwo(c0: number, c2: number, a1: number, a3: number, b1: number, b3: number, keys: Int32Array, out: Int32Array, at: number): void {
  let x0 = c0 | 0;
  let x1 = a1 | 0;
  let x2 = c2 | 0;
  let x3 = a3 | 0;
  let y0 = x0;
  let y1 = b1 | 0;
  let y2 = x2;
  let y3 = b3 | 0;
  for (let i = 0; i < 2 * ROUNDS; i += 2) {
    const ka = keys[i] as number;
    const kb = keys[i + 1] as number;
    const hx0 = mulhi(x0, M0_HI, M0_LO);
    const hx1 = mulhi(x2, M1_HI, M1_LO);
    const hy0 = mulhi(y0, M0_HI, M0_LO);
    const hy1 = mulhi(y2, M1_HI, M1_LO);
    const lx0 = Math.imul(M0, x0);
    const ly0 = Math.imul(M0, y0);
    x0 = hx1 ^ x1 ^ ka;
    y0 = hy1 ^ y1 ^ ka;
    x1 = Math.imul(M1, x2);
    y1 = Math.imul(M1, y2);
    x2 = hx0 ^ x3 ^ kb;
    y2 = hy0 ^ y3 ^ kb;
    x3 = lx0;
    y3 = ly0;
  }
  out[at] = x0;
  out[at + 1] = x1;
  out[at + 2] = x2;
  out[at + 3] = x3;
  out[at + 4] = y0;
  out[at + 5] = y1;
  out[at + 6] = y2;
  out[at + 7] = y3;
}

/** High 32 bits (int32) of the 64-bit product of x (uint32 bits) and the constant mHi * 2^16 + mLo. */
function mulhi(x: number, mHi: number, mLo: number): number {
  const xl = x & 0xffff;
  const xh = x >>> 16;
  const ll = Math.imul(xl, mLo);
  const lh = Math.imul(xl, mHi);
  const hl = Math.imul(xh, mLo);
  const carry = ((ll >>> 16) + (lh & 0xffff) + (hl & 0xffff)) >>> 16;
  return (Math.imul(xh, mHi) + (lh >>> 16) + (hl >>> 16) + carry) | 0;
}

/** Philox4x32-10 of counter (c0..c3) and key (k0, k1) (uint32 each), written into `out` (4 uint32). */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  const w = new Int32Array(8);
  philoxTwo(c0, c2, c1, c3, c1, c3, roundKeys(k0, k1), w, 0);
  out.set(new Uint32Array(w.buffer, 0, 4));
}

/**
 * Fills `out` (rows x cols, row-major) with the uniform [0, 1) values of rows `[row0, row0 + rows)` and
 * columns `[col0, col0 + cols)` of the infinite random matrix of `seed` (key words: seed mod 2^32,
 * floor(seed / 2^32)). Columns 2q and 2q + 1 of row r share the counter (r mod 2^32, q mod 2^32,
 * floor(r / 2^32), floor(q / 2^32)): a Float64Array gets 53 bits, the top 27 of output word 0 and the
 * top 26 of word 1 (even column) or of words 2-3 (odd column); a Float32Array gets the top 24 bits of
 * word 0 or 2. Arguments are trusted (the kernel wrapper checks them).
 */
export function uniformFill(seed: number, row0: number, col0: number, rows: number, cols: number, out: FloatArray): void {
  const keys = roundKeys(seed % TWO32, Math.floor(seed / TWO32));
  const q0 = Math.floor(col0 / 2);
  const skip = col0 % 2; // an odd first column drops the even half of its pair
  const pairs = Math.ceil((skip + cols) / 2);
  const words = new Int32Array(4 * pairs + 4); // room for the unused second counter of an odd count
  for (let r = 0; r < rows; r++) {
    const gr = row0 + r;
    pairWords(gr % TWO32, Math.floor(gr / TWO32), q0, pairs, keys, words);
    // One monomorphic store loop per dtype.
    if (out instanceof Float64Array) toFloat64(words, skip, cols, out, r * cols);
    else toFloat32(words, skip, cols, out, r * cols);
  }
}

/** Output words of the counters (rLo, q mod 2^32, rHi, floor(q / 2^32)) for q in [q0, q0 + pairs). */
function pairWords(rLo: number, rHi: number, q0: number, pairs: number, keys: Int32Array, words: Int32Array): void {
  for (let p = 0; p < pairs; p += 2) {
    const q = q0 + p;
    philoxTwo(rLo, rHi, q % TWO32, Math.floor(q / TWO32), (q + 1) % TWO32, Math.floor((q + 1) / TWO32), keys, words, 4 * p);
  }
}

/** Element c of a row is half (skip + c) of the pair words: 27 bits of its first word, 26 of its second. */
function toFloat64(words: Int32Array, skip: number, cols: number, out: Float64Array, offset: number): void {
  for (let c = 0; c < cols; c++) {
    const k = 2 * (skip + c);
    out[offset + c] = (((words[k] as number) >>> 5) * TWO26 + ((words[k + 1] as number) >>> 6)) * INV_TWO53;
  }
}

/** Element c of a row: the top 24 bits of the first word of half (skip + c). */
function toFloat32(words: Int32Array, skip: number, cols: number, out: Float32Array, offset: number): void {
  for (let c = 0; c < cols; c++) out[offset + c] = ((words[2 * (skip + c)] as number) >>> 8) * INV_TWO24;
}
