/** Deterministic inputs and naive reference math for the kernel tests. */
import type { FloatArray } from '../../lib/kernels/index.js';

/** A seeded uniform generator on [0, 1) (mulberry32): the same inputs on every run and backend. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Constructor of a float array type. */
export type FloatCtor = Float64ArrayConstructor | Float32ArrayConstructor;

/** n values uniform on [-1, 1) of the given array type. */
export function randomArray(ctor: Float64ArrayConstructor, n: number, rand: () => number): Float64Array;
export function randomArray(ctor: FloatCtor, n: number, rand: () => number): FloatArray;
export function randomArray(ctor: FloatCtor, n: number, rand: () => number): FloatArray {
  const out = new ctor(n);
  for (let i = 0; i < n; i++) out[i] = 2 * rand() - 1;
  return out;
}

/** Row-major product of a (m x k) and b (k x n) in double precision, naive triple loop. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Transpose of the m x n row-major matrix a. */
export function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j]!;
  return out;
}

/** Largest absolute element of a - b (or of a alone). */
export function maxAbsDiff(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - (b ? b[i]! : 0)));
  return worst;
}

/** Frobenius-style scale of a matrix: its largest absolute element (at least 1e-300). */
export const scaleOf = (a: ArrayLike<number>): number => Math.max(maxAbsDiff(a), 1e-300);

/** The n x n identity. */
export function eye(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
