/**
 * The yardstick for the js K-means kernel: the fastest plain single-thread JavaScript K-means step written
 * for this bench, independent of lib/kernels. Distances by the norms trick (||c||^2 - 2 x.c); rows go in
 * cache-sized tiles, and inside a tile 4 centers x 2 rows at a time, so that each step of the inner loop
 * loads 6 values and feeds 8 independent multiply-add chains held in registers. Same outputs as
 * `Kernels.cluster.kmeansStep` (sums, counts, inertia; ties to the lowest index).
 *
 * @packageDocumentation
 */
import type { KMeansStepResult } from '../../lib/kernels/types.js';

/** Rows per tile: ~64 KiB of rows, so a tile stays in L2 while all the centers stream past it. */
const tileRows = (d: number): number => Math.max(2, Math.min(512, Math.floor(8192 / Math.max(1, d)))) & ~1;

/** Scores of rows [r0, r1) against centers [j, j + 4): 2 rows at a time, updating the running minimum. */
function score4(x: Float64Array, d: number, c: Float64Array, cn: Float64Array, j: number, r0: number, r1: number, best: Float64Array, arg: Int32Array): void {
  const o0 = j * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
  const n0 = cn[j]!, n1 = cn[j + 1]!, n2 = cn[j + 2]!, n3 = cn[j + 3]!;
  let i = r0;
  for (; i + 1 < r1; i += 2) {
    const xa = i * d, xb = xa + d;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    for (let t = 0; t < d; t++) {
      const u = x[xa + t]!, v = x[xb + t]!;
      const c0 = c[o0 + t]!, c1 = c[o1 + t]!, c2 = c[o2 + t]!, c3 = c[o3 + t]!;
      a0 += u * c0; a1 += u * c1; a2 += u * c2; a3 += u * c3;
      b0 += v * c0; b1 += v * c1; b2 += v * c2; b3 += v * c3;
    }
    const ia = i - r0, ib = ia + 1;
    let s = n0 - 2 * a0;
    if (s < best[ia]!) { best[ia] = s; arg[ia] = j; }
    if ((s = n1 - 2 * a1) < best[ia]!) { best[ia] = s; arg[ia] = j + 1; }
    if ((s = n2 - 2 * a2) < best[ia]!) { best[ia] = s; arg[ia] = j + 2; }
    if ((s = n3 - 2 * a3) < best[ia]!) { best[ia] = s; arg[ia] = j + 3; }
    if ((s = n0 - 2 * b0) < best[ib]!) { best[ib] = s; arg[ib] = j; }
    if ((s = n1 - 2 * b1) < best[ib]!) { best[ib] = s; arg[ib] = j + 1; }
    if ((s = n2 - 2 * b2) < best[ib]!) { best[ib] = s; arg[ib] = j + 2; }
    if ((s = n3 - 2 * b3) < best[ib]!) { best[ib] = s; arg[ib] = j + 3; }
  }
  for (; i < r1; i++) score1to4(x, d, c, cn, j, 4, i, i - r0, best, arg);
}

/** Scores of row i against centers [j, j + count) one at a time (tails). */
function score1to4(x: Float64Array, d: number, c: Float64Array, cn: Float64Array, j: number, count: number, i: number, slot: number, best: Float64Array, arg: Int32Array): void {
  for (let q = j; q < j + count; q++) {
    let s = 0;
    for (let t = 0, xo = i * d, co = q * d; t < d; t++) s += x[xo + t]! * c[co + t]!;
    const v = cn[q]! - 2 * s;
    if (v < best[slot]!) { best[slot] = v; arg[slot] = q; }
  }
}

/** One Lloyd step over the n x d rows of x against the k x d centers c (Float64, row-major). */
export function kmeansStepBaseline(x: Float64Array, n: number, d: number, c: Float64Array, k: number): KMeansStepResult {
  const cn = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = j * d, e = t + d; t < e; t++) s += c[t]! * c[t]!;
    cn[j] = s;
  }
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const tile = tileRows(d);
  const best = new Float64Array(tile);
  const arg = new Int32Array(tile);
  const k4 = k - (k % 4);
  let inertia = 0;
  for (let r0 = 0; r0 < n; r0 += tile) {
    const r1 = Math.min(n, r0 + tile);
    best.fill(Infinity);
    arg.fill(0);
    for (let j = 0; j < k4; j += 4) score4(x, d, c, cn, j, r0, r1, best, arg);
    if (k4 < k) for (let i = r0; i < r1; i++) score1to4(x, d, c, cn, k4, k - k4, i, i - r0, best, arg);
    for (let i = r0; i < r1; i++) {
      const bj = arg[i - r0]!;
      let xn = 0;
      for (let t = 0, xo = i * d, so = bj * d; t < d; t++) {
        const v = x[xo + t]!;
        xn += v * v;
        sums[so + t]! += v;
      }
      inertia += Math.max(0, xn + best[i - r0]!);
      counts[bj]!++;
    }
  }
  return { sums, counts, inertia };
}
