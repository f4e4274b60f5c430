/** The `cholesky` kernel. @packageDocumentation */
import { ParameterError } from '../errors.js';
import { f64Array, finite, mdim, shaped } from './check.js';
import { defineKernel } from './define.js';
import { cholesky as js } from './js/linalg.js';
import { lapackKernel, type LapackEntry } from './lapack.js';

/** Lower Cholesky factor L (n x n, a = L L^T) of a symmetric positive definite matrix. Throws if not SPD. */
export type Cholesky = (a: Float64Array, n: number) => Float64Array;

export const cholesky = defineKernel<Cholesky, LapackEntry<Cholesky>>({
  name: 'cholesky',
  check(a, n) {
    finite('a', shaped('a', f64Array('a', a), mdim('n', n), n));
  },
  js,
  native: (entry) =>
    lapackKernel(
      entry,
      'a',
      (info) => new ParameterError('a', `matrix is not symmetric positive definite (leading minor of order ${info} is not positive)`, { minor: info }),
    ),
});
