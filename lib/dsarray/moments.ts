/**
 * Per-column moments of blocks (count, mean, sum of squared deviations): two passes inside a block,
 * merged across blocks with Chan, Golub and LeVeque's pairwise update, so that the variance of a column
 * far from zero (e.g. around 1e8) keeps its precision however the rows are blocked.
 *
 * @packageDocumentation
 */
import type { Block } from './block.js';

/** Per-column count, mean and sum of squared deviations of some rows. */
export interface Moments {
  /** Marks the object for the generic merge of partials (see `sumPartials` in lib/base). */
  kind: 'moments';
  /** Rows counted. */
  n: number;
  /** Mean of each column. */
  mean: Float64Array;
  /** Sum of squared deviations from the mean of each column. */
  m2: Float64Array;
}

/** True for a {@link Moments} object. */
export function isMoments(value: unknown): value is Moments {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'moments';
}

/** Column moments of a block (the zeros of a CSR block included). */
export function columnMoments(block: Block): Moments {
  const { rows: n, cols: d } = block;
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  if (n === 0) return { kind: 'moments', n, mean, m2 };
  if (block.kind === 'dense') {
    const x = block.data;
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f] = (mean[f] as number) + (x[i * d + f] as number);
    for (let f = 0; f < d; f++) mean[f] = (mean[f] as number) / n;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) {
        const t = (x[i * d + f] as number) - (mean[f] as number);
        m2[f] = (m2[f] as number) + t * t;
      }
    }
    return { kind: 'moments', n, mean, m2 };
  }
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
    m2[f] = (m2[f] as number) + t * t;
  }
  for (let f = 0; f < d; f++) m2[f] = (m2[f] as number) + (n - (stored[f] as number)) * (mean[f] as number) ** 2;
  return { kind: 'moments', n, mean, m2 };
}

/** Merges the moments of two disjoint sets of rows (Chan, Golub and LeVeque's pairwise update). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const mean = new Float64Array(a.mean.length);
  const m2 = new Float64Array(a.mean.length);
  for (let f = 0; f < mean.length; f++) {
    const delta = (b.mean[f] as number) - (a.mean[f] as number);
    mean[f] = (a.mean[f] as number) + (delta * b.n) / n;
    m2[f] = (a.m2[f] as number) + (b.m2[f] as number) + (delta * delta * a.n * b.n) / n;
  }
  return { kind: 'moments', n, mean, m2 };
}
