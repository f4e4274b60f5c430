/** The `rowSqNorms` kernel. @packageDocumentation */
import { matrix, mdim } from './check.js';
import { defineKernel } from './define.js';
import { rowSqNorms as js } from './js/kmeans.js';
import type { FloatArray } from './types.js';

/** Squared Euclidean norm of each of the n rows of the n x d matrix x. */
export type RowSqNorms = (x: FloatArray, n: number, d: number) => Float64Array;

export const rowSqNorms = defineKernel<RowSqNorms>({
  name: 'rowSqNorms',
  check(x, n, d) {
    matrix('x', x, mdim('n', n), mdim('d', d));
  },
  js,
});
