/**
 * The yardstick for the js K-means kernel: the fastest plain single-thread JavaScript K-means step written
 * for this bench, independent of lib/kernels. Distances by the norms trick (||c||^2 - 2 x.c), four centers
 * per pass over a row so that each x value loaded feeds four independent multiply-add chains held in
 * registers. Same outputs as `Kernels.kmeansStep` (sums, counts, inertia; ties to the lowest index).
 *
 * @packageDocumentation
 */
import type { KMeansStepResult } from '../../lib/kernels/types.js';

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
  const k4 = k - (k % 4);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    let best = Infinity;
    let bj = 0;
    for (let j = 0; j < k4; j += 4) {
      const o0 = j * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < d; t++) {
        const v = x[xo + t]!;
        s0 += v * c[o0 + t]!;
        s1 += v * c[o1 + t]!;
        s2 += v * c[o2 + t]!;
        s3 += v * c[o3 + t]!;
      }
      const v0 = cn[j]! - 2 * s0, v1 = cn[j + 1]! - 2 * s1, v2 = cn[j + 2]! - 2 * s2, v3 = cn[j + 3]! - 2 * s3;
      if (v0 < best) { best = v0; bj = j; }
      if (v1 < best) { best = v1; bj = j + 1; }
      if (v2 < best) { best = v2; bj = j + 2; }
      if (v3 < best) { best = v3; bj = j + 3; }
    }
    for (let j = k4; j < k; j++) {
      let s = 0;
      for (let t = 0, o = j * d; t < d; t++) s += x[xo + t]! * c[o + t]!;
      const v = cn[j]! - 2 * s;
      if (v < best) { best = v; bj = j; }
    }
    let xn = 0;
    const so = bj * d;
    for (let t = 0; t < d; t++) {
      const v = x[xo + t]!;
      xn += v * v;
      sums[so + t]! += v;
    }
    inertia += Math.max(0, xn + best);
    counts[bj]!++;
  }
  return { sums, counts, inertia };
}
