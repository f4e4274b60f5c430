/**
 * Distance kernels in TypeScript: squared row norms, pairwise squared distances and the fused K-means step.
 *
 * The K-means step scores ||c_j||^2 - 2 x.c_j, which ranks centers like ||x - c_j||^2. It walks the rows in
 * chunks; inside a chunk, centers go 4 at a time (their rows stay in L1 while the chunk's rows stream past)
 * and rows 2 at a time, so each step of the dot-product loop loads 2 + 4 values for 8 multiply-adds held in
 * registers. Only the running minimum per row of the chunk is stored, never a rows x k score matrix.
 *
 * @packageDocumentation
 */
import type { FloatArray, KMeansStepResult } from '../types.js';
import { gemmInto } from './gemm.js';

/** Rows per chunk: the chunk (as Float64) should stay in L2 next to the center block. */
const chunkRows = (d: number): number => Math.max(8, Math.min(1024, Math.floor(131072 / Math.max(1, d))) & ~1);

/** Squared Euclidean norm of each row of the n x d matrix x. */
export function rowSqNorms(x: FloatArray, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++) {
    let s = 0;
    for (const e = o + d; o < e; o++) s += x[o]! * x[o]!;
    out[i] = s;
  }
  return out;
}

/** Pairwise squared distances ||x_i||^2 + ||y_j||^2 - 2 x_i.y_j (n x m), clamped at 0 against cancellation. */
export function pairwiseSqDist(x: FloatArray, n: number, y: FloatArray, m: number, d: number): Float64Array {
  const out = new Float64Array(n * m);
  gemmInto(false, true, n, m, d, -2, x, y, 0, out);
  const xn = rowSqNorms(x, n, d);
  const yn = rowSqNorms(y, m, d);
  for (let i = 0, o = 0; i < n; i++) {
    const xi = xn[i]!;
    for (let j = 0; j < m; j++, o++) out[o] = Math.max(0, out[o]! + xi + yn[j]!);
  }
  return out;
}

/** Folds the scores e0..e3 of centers j..j+3 into row r's best so far (strict <: the lowest index wins ties). */
function settle4(best: Float64Array, arg: Int32Array, r: number, j: number, e0: number, e1: number, e2: number, e3: number): void {
  let s = best[r]!, g = arg[r]!;
  if (e0 < s) { s = e0; g = j; }
  if (e1 < s) { s = e1; g = j + 1; }
  if (e2 < s) { s = e2; g = j + 2; }
  if (e3 < s) { s = e3; g = j + 3; }
  best[r] = s; arg[r] = g;
}

/**
 * For rows [0, rows) of xs (a Float64 view whose row r starts at base + r * d), the lowest score
 * ||c_j||^2 - 2 x.c_j over the k centers into best[r] and its center into arg[r] (lowest index on ties).
 */
function nearest(
  xs: Float64Array, base: number, rows: number, d: number, c: Float64Array, cn: Float64Array, k: number,
  best: Float64Array, arg: Int32Array,
): void {
  best.fill(Infinity, 0, rows);
  arg.fill(0, 0, rows);
  const k4 = k & ~3;
  for (let j = 0; j < k4; j += 4) {
    const o0 = j * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    const n0 = cn[j]!, n1 = cn[j + 1]!, n2 = cn[j + 2]!, n3 = cn[j + 3]!;
    let r = 0;
    for (; r + 1 < rows; r += 2) {
      const xa = base + r * d, xb = xa + d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let t = 0; t < d; t++) {
        const u = xs[xa + t]!, v = xs[xb + t]!;
        const w0 = c[o0 + t]!, w1 = c[o1 + t]!, w2 = c[o2 + t]!, w3 = c[o3 + t]!;
        a0 += u * w0; a1 += u * w1; a2 += u * w2; a3 += u * w3;
        b0 += v * w0; b1 += v * w1; b2 += v * w2; b3 += v * w3;
      }
      settle4(best, arg, r, j, n0 - 2 * a0, n1 - 2 * a1, n2 - 2 * a2, n3 - 2 * a3);
      settle4(best, arg, r + 1, j, n0 - 2 * b0, n1 - 2 * b1, n2 - 2 * b2, n3 - 2 * b3);
    }
    if (r < rows) {
      const xa = base + r * d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let t = 0; t < d; t++) {
        const u = xs[xa + t]!;
        a0 += u * c[o0 + t]!; a1 += u * c[o1 + t]!; a2 += u * c[o2 + t]!; a3 += u * c[o3 + t]!;
      }
      settle4(best, arg, r, j, n0 - 2 * a0, n1 - 2 * a1, n2 - 2 * a2, n3 - 2 * a3);
    }
  }
  for (let j = k4; j < k; j++) {
    const o = j * d, nj = cn[j]!;
    for (let r = 0; r < rows; r++) {
      const xa = base + r * d;
      let a = 0;
      for (let t = 0; t < d; t++) a += xs[xa + t]! * c[o + t]!;
      const e = nj - 2 * a;
      if (e < best[r]!) { best[r] = e; arg[r] = j; }
    }
  }
}

/** One fused Lloyd step over the n x d block x against k centers (see Kernels.kmeansStep). */
export function kmeansStep(x: FloatArray, n: number, d: number, centers: FloatArray, k: number, labels?: Int32Array): KMeansStepResult {
  const c = centers instanceof Float64Array ? centers : Float64Array.from(centers);
  const cn = rowSqNorms(c, k, d);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let inertia = 0;
  const chunk = chunkRows(d);
  const best = new Float64Array(chunk);
  const arg = new Int32Array(chunk);
  // Float32 rows are widened chunk by chunk so that the hot loop only ever sees Float64Array.
  const widened = new Float64Array(x instanceof Float64Array ? 0 : chunk * d);
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const rows = Math.min(chunk, n - r0);
    let xs: Float64Array, base: number;
    if (x instanceof Float64Array) {
      xs = x;
      base = r0 * d;
    } else {
      widened.set(x.subarray(r0 * d, (r0 + rows) * d));
      xs = widened;
      base = 0;
    }
    nearest(xs, base, rows, d, c, cn, k, best, arg);
    for (let r = 0; r < rows; r++) {
      const j = arg[r]!;
      let xx = 0;
      for (let t = 0, xo = base + r * d, so = j * d; t < d; t++) {
        const v = xs[xo + t]!;
        sums[so + t] = sums[so + t]! + v;
        xx += v * v;
      }
      counts[j] = counts[j]! + 1;
      inertia += Math.max(0, xx + best[r]!);
      if (labels) labels[r0 + r] = j;
    }
  }
  return { sums, counts, inertia };
}
