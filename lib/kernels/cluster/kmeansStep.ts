/** The `cluster.kmeansStep` kernel (K-means' Lloyd step). @packageDocumentation */
import { ParameterError } from '../../errors.js';
import { matrix, mdim, sameDtype, shaped } from '../check.js';
import { defineKernel } from '../define.js';
import { kmeansStep as js } from '../js/kmeans.js';
import type { FloatArray, KMeansStepResult } from '../types.js';

/**
 * One fused Lloyd step over a block: nearest center of each of the n rows of x (n x d) among the
 * k centers (k x d, same dtype as x) through norms + GEMM in cache-sized chunks (never an n x k
 * matrix), accumulating per-center sums and counts and the inertia. When `labels` is given it is
 * filled with the index of the nearest center (ties go to the lowest index).
 */
export type KMeansStep = (x: FloatArray, n: number, d: number, centers: FloatArray, k: number, labels?: Int32Array) => KMeansStepResult;

export const kmeansStep = defineKernel<KMeansStep>({
  name: 'kmeansStep',
  check(x, n, d, centers, k, labels) {
    matrix('x', x, mdim('n', n), mdim('d', d));
    matrix('centers', centers, mdim('k', k), d);
    sameDtype('x, centers', x, centers);
    if (k < 1) throw new ParameterError('k', 'expected at least one center');
    if (labels !== undefined) {
      if (!(labels instanceof Int32Array)) throw new ParameterError('labels', 'expected an Int32Array');
      shaped('labels', labels, n, 1);
    }
  },
  js,
});
