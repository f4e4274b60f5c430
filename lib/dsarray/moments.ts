/**
 * Per-column moments of blocks (count, mean, sum of squared deviations): two passes inside a block,
 * merged across blocks with Chan, Golub and LeVeque's pairwise update, so that the variance of a column
 * far from zero (e.g. around 1e8) keeps its precision however the rows are blocked.
 *
 * @packageDocumentation
 */
import type { Block } from './block.js';

/**
 * Per-column count, mean and sum of squared deviations of some rows. The mean is kept as an unevaluated
 * sum `mean + meanLo` (the rounding error of the mean in `meanLo`), so that the difference of two block
 * means of a column around 1e8 stays exact enough for the pairwise merge.
 */
export interface Moments {
  /** Marks the object for the generic merge of partials (see `sumPartials` in lib/base). */
  kind: 'moments';
  /** Rows counted. */
  n: number;
  /** Mean of each column, rounded. */
  mean: Float64Array;
  /** What the rounded mean misses of the mean of each column. */
  meanLo: Float64Array;
  /** Sum of squared deviations from the mean of each column. */
  m2: Float64Array;
}

/** True for a {@link Moments} object. */
export function isMoments(value: unknown): value is Moments {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'moments';
}

/**
 * Column moments of a block (the zeros of a CSR block included). Dense: one pass of sums of the
 * deviations from the block's first row. CSR: the mean from the sum, then the deviations from it with
 * the correction term of the two-pass algorithm (Chan, Golub and LeVeque), which also gives the mean's
 * rounding error.
 */
export function columnMoments(block: Block): Moments {
  const { rows: n, cols: d } = block;
  const mean = new Float64Array(d);
  const meanLo = new Float64Array(d);
  const m2 = new Float64Array(d);
  if (n === 0) return { kind: 'moments', n, mean, meanLo, m2 };
  const corr = new Float64Array(d);
  if (block.kind === 'dense') {
    // One pass over the rows: sums of the deviations from the first row (a value of each column, so the
    // sums cancel little), then the mean and the squared deviations from it (König-Huygens on shifted data).
    const x = block.data;
    const shift = Float64Array.from(x.subarray(0, d));
    const s1 = new Float64Array(d);
    const s2 = new Float64Array(d);
    // Four rows at a time: the column accumulators are read and written once per four values.
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const p = i * d;
      for (let f = 0; f < d; f++) {
        const k = shift[f] as number;
        const t0 = (x[p + f] as number) - k;
        const t1 = (x[p + d + f] as number) - k;
        const t2 = (x[p + 2 * d + f] as number) - k;
        const t3 = (x[p + 3 * d + f] as number) - k;
        s1[f] = (s1[f] as number) + ((t0 + t1) + (t2 + t3));
        s2[f] = (s2[f] as number) + ((t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3));
      }
    }
    for (; i < n; i++) {
      for (let f = 0, p = i * d; f < d; f++, p++) {
        const t = (x[p] as number) - (shift[f] as number);
        s1[f] = (s1[f] as number) + t;
        s2[f] = (s2[f] as number) + t * t;
      }
    }
    for (let f = 0; f < d; f++) {
      const dev = (s1[f] as number) / n;
      const hi = (shift[f] as number) + dev;
      mean[f] = hi;
      // Two-sum error of shift + dev: what the rounded mean misses.
      const back = hi - (shift[f] as number);
      meanLo[f] = ((shift[f] as number) - (hi - back)) + (dev - back);
      m2[f] = Math.max(0, (s2[f] as number) - (s1[f] as number) * dev);
    }
    return { kind: 'moments', n, mean, meanLo, m2 };
  }
  {
    const stored = new Float64Array(d);
    for (let p = 0; p < block.data.length; p++) {
      const f = block.indices[p] as number;
      mean[f] = (mean[f] as number) + (block.data[p] as number);
      stored[f] = (stored[f] as number) + 1;
    }
    for (let f = 0; f < d; f++) mean[f] = (mean[f] as number) / n;
    for (let p = 0; p < block.data.length; p++) {
      const f = block.indices[p] as number;
      const t = (block.data[p] as number) - (mean[f] as number);
      corr[f] = (corr[f] as number) + t;
      m2[f] = (m2[f] as number) + t * t;
    }
    for (let f = 0; f < d; f++) {
      const zeros = n - (stored[f] as number);
      corr[f] = (corr[f] as number) - zeros * (mean[f] as number);
      m2[f] = (m2[f] as number) + zeros * (mean[f] as number) ** 2;
    }
  }
  for (let f = 0; f < d; f++) {
    const c = corr[f] as number;
    m2[f] = Math.max(0, (m2[f] as number) - (c * c) / n);
    meanLo[f] = c / n;
  }
  return { kind: 'moments', n, mean, meanLo, m2 };
}

/** Merges the moments of two disjoint sets of rows (Chan, Golub and LeVeque's pairwise update, in double-double for the means). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const d = a.mean.length;
  const mean = new Float64Array(d);
  const meanLo = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let f = 0; f < d; f++) {
    const delta = ((b.mean[f] as number) - (a.mean[f] as number)) + ((b.meanLo[f] as number) - (a.meanLo[f] as number));
    const step = (delta * b.n) / n;
    // Two-sum: hi + err === a.mean + step exactly.
    const hi = (a.mean[f] as number) + step;
    const bb = hi - (a.mean[f] as number);
    const err = ((a.mean[f] as number) - (hi - bb)) + (step - bb);
    mean[f] = hi;
    meanLo[f] = (a.meanLo[f] as number) + err;
    m2[f] = (a.m2[f] as number) + (b.m2[f] as number) + (delta * delta * a.n * b.n) / n;
  }
  return { kind: 'moments', n, mean, meanLo, m2 };
}

/** The mean of each column, `mean + meanLo` rounded once. */
export function meanOf(m: Moments): Float64Array {
  return Float64Array.from(m.mean, (v, f) => v + (m.meanLo[f] as number));
}

/** Per-column minimum and maximum of some rows. */
export interface ColumnRange {
  /** Marks the object for the generic merge of partials (see `sumPartials` in lib/base). */
  kind: 'range';
  min: Float64Array;
  max: Float64Array;
}

/** True for a {@link ColumnRange} object. */
export function isColumnRange(value: unknown): value is ColumnRange {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'range';
}

/** Column minima and maxima of a dense block (a block without rows gives +Infinity and -Infinity). */
export function columnRange(block: Block): ColumnRange {
  const { rows: n, cols: d } = block;
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  if (block.kind === 'dense') {
    const x = block.data;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) {
        const v = x[i * d + f] as number;
        if (v < (min[f] as number)) min[f] = v;
        if (v > (max[f] as number)) max[f] = v;
      }
    }
    return { kind: 'range', min, max };
  }
  const stored = new Float64Array(d);
  for (let p = 0; p < block.data.length; p++) {
    const f = block.indices[p] as number;
    const v = block.data[p] as number;
    stored[f] = (stored[f] as number) + 1;
    if (v < (min[f] as number)) min[f] = v;
    if (v > (max[f] as number)) max[f] = v;
  }
  for (let f = 0; f < d; f++) {
    if ((stored[f] as number) < n) {
      min[f] = Math.min(min[f] as number, 0);
      max[f] = Math.max(max[f] as number, 0);
    }
  }
  return { kind: 'range', min, max };
}

/** Merges the column ranges of two sets of rows. */
export function mergeColumnRange(a: ColumnRange, b: ColumnRange): ColumnRange {
  return {
    kind: 'range',
    min: Float64Array.from(a.min, (v, f) => Math.min(v, b.min[f] as number)),
    max: Float64Array.from(a.max, (v, f) => Math.max(v, b.max[f] as number)),
  };
}
