/** The `pairwiseSqDist` kernel. @packageDocumentation */
import { matrix, mdim, sameDtype } from './check.js';
import { defineKernel } from './define.js';
import { pairwiseSqDist as js } from './js/kmeans.js';
import type { FloatArray } from './types.js';

/** n x m matrix of squared Euclidean distances between the rows of x (n x d) and y (m x d). */
export type PairwiseSqDist = (x: FloatArray, n: number, y: FloatArray, m: number, d: number) => Float64Array;

export const pairwiseSqDist = defineKernel<PairwiseSqDist>({
  name: 'pairwiseSqDist',
  check(x, n, y, m, d) {
    matrix('x', x, mdim('n', n), mdim('d', d));
    matrix('y', y, mdim('m', m), d);
    sameDtype('x, y', x, y);
  },
  js,
});
