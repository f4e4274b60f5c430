/**
 * Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11 "Parallel random numbers: as easy
 * as 1, 2, 3"). The value of element (r, c) is a pure function of the seed and (r, c), so a block can
 * be generated (or regenerated) anywhere, in any order, by any number of workers, with the same bits.
 */
import type { DType } from './block.js';
import { alloc } from './blockops.js';
import type { FloatArray } from '../kernels/types.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO32 = 0x100000000;

/**
 * Philox4x32-10 of counter (c0..c3) and key (k0, k1), written into `out` (4 uint32). The high words
 * of the 32 x 32-bit products come from 16-bit halves, so every intermediate is an exact double.
 */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let a = k0 >>> 0;
  let b = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const x0h = x0 >>> 16;
    const x0l = x0 & 0xffff;
    const x2h = x2 >>> 16;
    const x2l = x2 & 0xffff;
    const h0 = (M0_HI * x0h + Math.floor((M0_HI * x0l + M0_LO * x0h + ((M0_LO * x0l) >>> 16)) / 65536)) >>> 0;
    const h1 = (M1_HI * x2h + Math.floor((M1_HI * x2l + M1_LO * x2h + ((M1_LO * x2l) >>> 16)) / 65536)) >>> 0;
    const l0 = Math.imul(M0, x0) >>> 0;
    const l1 = Math.imul(M1, x2) >>> 0;
    x0 = (h1 ^ x1 ^ a) >>> 0;
    x1 = l1;
    x2 = (h0 ^ x3 ^ b) >>> 0;
    x3 = l0;
    a = (a + W0) >>> 0;
    b = (b + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** Splits a seed (a safe non-negative integer) into the two 32-bit key words. */
export function seedKey(seed: number): [number, number] {
  return [seed % TWO32 >>> 0, Math.floor(seed / TWO32) >>> 0];
}

/**
 * Uniform [0, 1) values of the rows `[row0, row0 + rows)` and columns `[col0, col0 + cols)` of the
 * infinite random matrix of `seed`, row-major. Columns 2q and 2q + 1 of row r share the counter
 * (r, q, r / 2^32, q / 2^32): float64 values take 53 bits of output words 0-1 (even column) or 2-3
 * (odd column), float32 values the top 24 bits of word 0 or 2.
 */
export function uniformBlock(seed: number, row0: number, col0: number, rows: number, cols: number, dtype: DType): FloatArray {
  const [k0, k1] = seedKey(seed);
  const out = alloc(dtype, rows * cols);
  const w = new Uint32Array(4);
  const f64 = dtype === 'float64';
  for (let r = 0; r < rows; r++) {
    const gr = row0 + r;
    const [rLo, rHi] = [gr % TWO32, Math.floor(gr / TWO32)];
    for (let c = 0; c < cols; ) {
      const gc = col0 + c;
      const q = Math.floor(gc / 2);
      philox(rLo, q % TWO32, rHi, Math.floor(q / TWO32), k0, k1, w);
      // The pair's even column (words 0-1), then its odd one (words 2-3), if inside the block.
      for (let half = gc % 2; half < 2 && c < cols; half++, c++) {
        const hi = w[2 * half] as number;
        const lo = w[2 * half + 1] as number;
        out[r * cols + c] = f64 ? ((hi >>> 5) * 67108864 + (lo >>> 6)) / 9007199254740992 : (hi >>> 8) / 16777216;
      }
    }
  }
  return out;
}
