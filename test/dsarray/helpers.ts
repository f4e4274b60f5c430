/**
 * Reference matrices and plain-loop reference operations for the ds-array tests.
 */
import { expect } from 'chai';
import type { DType } from '../../lib/dsarray/index.js';

/** A plain matrix: rows of columns. */
export type Mat = number[][];

/** Rounds to the dtype (float32 values are exactly representable afterwards). */
export function round(dtype: DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : (v) => v;
}

/** A seeded xorshift32 generator on [0, 1) (the state is `seed` mod 2^32, 0 taken as 1), so runs can be replayed. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * Deterministic test data (xorshift32): values in about [-8, 8) with a fraction `zeros` of exact
 * zeros, rounded to the dtype.
 */
export function testMatrix(n: number, m: number, seed: number, dtype: DType, zeros = 0): Mat {
  const next = xorshift32(seed * 2654435761);
  const r = round(dtype);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => (next() < zeros ? 0 : r(next() * 16 - 8))));
}

/** Elementwise map. */
export function mapM(a: Mat, f: (v: number, i: number, j: number) => number): Mat {
  return a.map((row, i) => row.map((v, j) => f(v, i, j)));
}

/** Transpose. */
export function transposeM(a: Mat): Mat {
  const m = a[0]?.length ?? 0;
  return Array.from({ length: m }, (_, j) => a.map((row) => row[j] as number));
}

/** Plain-loop matrix product. */
export function matmulM(a: Mat, b: Mat): Mat {
  const k = b.length;
  const p = b[0]?.length ?? 0;
  return a.map((row) => Array.from({ length: p }, (_, j) => {
    let s = 0;
    for (let t = 0; t < k; t++) s += (row[t] as number) * ((b[t] as number[])[j] as number);
    return s;
  }));
}

/** Reduction of a list of values. */
export function reduceList(values: number[], op: 'sum' | 'mean' | 'min' | 'max' | 'norm'): number {
  let acc = op === 'min' ? Infinity : op === 'max' ? -Infinity : 0;
  for (const v of values) {
    if (op === 'min') acc = Number.isNaN(acc) ? acc : Number.isNaN(v) || v < acc ? v : acc;
    else if (op === 'max') acc = Number.isNaN(acc) ? acc : Number.isNaN(v) || v > acc ? v : acc;
    else if (op === 'norm') acc += v * v;
    else acc += v;
  }
  if (op === 'mean') return acc / values.length;
  if (op === 'norm') return Math.sqrt(acc);
  return acc;
}

/** Reference reduction along an axis (0: 1 x m, 1: n x 1, undefined: 1 x 1). */
export function reduceM(a: Mat, op: 'sum' | 'mean' | 'min' | 'max' | 'norm', axis: 0 | 1 | undefined): Mat {
  if (axis === 0) return [transposeM(a).map((col) => reduceList(col, op))];
  if (axis === 1) return a.map((row) => [reduceList(row, op)]);
  return [[reduceList(a.flat(), op)]];
}

/**
 * Expects equal matrices: same shape, and every element equal (NaN equals NaN) or within `rel`
 * relative tolerance (absolute below 1).
 */
export function expectClose(actual: Mat, expected: Mat, rel = 0, what = ''): void {
  expect(actual.length, `${what} rows`).to.equal(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i] as number[];
    expect(row.length, `${what} cols of row ${i}`).to.equal(want.length);
    row.forEach((v, j) => {
      const w = want[j] as number;
      const ok = v === w || (Number.isNaN(v) && Number.isNaN(w)) || Math.abs(v - w) <= rel * Math.max(1, Math.abs(w));
      if (!ok) expect.fail(`${what} element (${i}, ${j}): ${v} != ${w}`);
    });
  });
}
