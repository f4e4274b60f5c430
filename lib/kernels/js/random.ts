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
const TWO32 = 0x100000000;
const INV_TWO32 = 2 ** -32;
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
 * Philox4x32-10 of the counter (c0..c3) under precomputed round keys, written into `out` as int32 bits.
 * High words of the 32 x 32-bit products: the double product is within 2^11 of the exact one, and the
 * exact low word (Math.imul) removes the part rounding could push across a multiple of 2^32, so
 * `(p - lo) / 2^32` is the high word within 2^-20 and truncating it after adding 0.5 is exact.
 */
function philoxKeyed(c0: number, c1: number, c2: number, c3: number, keys: Int32Array, out: Int32Array): void {
  let x0 = c0 | 0;
  let x1 = c1 | 0;
  let x2 = c2 | 0;
  let x3 = c3 | 0;
  for (let i = 0; i < 2 * ROUNDS; i += 2) {
    const l0 = Math.imul(M0, x0);
    const l1 = Math.imul(M1, x2);
    const h0 = ((M0 * (x0 >>> 0) - (l0 >>> 0)) * INV_TWO32 + 0.5) | 0;
    const h1 = ((M1 * (x2 >>> 0) - (l1 >>> 0)) * INV_TWO32 + 0.5) | 0;
    x0 = h1 ^ x1 ^ (keys[i] as number);
    x1 = l1;
    x2 = h0 ^ x3 ^ (keys[i + 1] as number);
    x3 = l0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** Philox4x32-10 of counter (c0..c3) and key (k0, k1) (uint32 each), written into `out` (4 uint32). */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  const w = new Int32Array(4);
  philoxKeyed(c0, c1, c2, c3, roundKeys(k0, k1), w);
  out.set(new Uint32Array(w.buffer));
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
  const w = new Int32Array(4);
  const f64 = out instanceof Float64Array;
  for (let r = 0, i = 0; r < rows; r++) {
    const gr = row0 + r;
    const rLo = gr % TWO32;
    const rHi = Math.floor(gr / TWO32);
    const rowEnd = i + cols;
    let q = Math.floor(col0 / 2);
    // An odd first column takes only the odd half of its pair.
    let half = col0 % 2;
    while (i < rowEnd) {
      philoxKeyed(rLo, q % TWO32, rHi, Math.floor(q / TWO32), keys, w);
      for (; half < 2 && i < rowEnd; half++, i++) {
        const hi = w[2 * half] as number;
        out[i] = f64 ? ((hi >>> 5) * TWO26 + ((w[2 * half + 1] as number) >>> 6)) * INV_TWO53 : (hi >>> 8) * INV_TWO24;
      }
      half = 0;
      q++;
    }
  }
}
