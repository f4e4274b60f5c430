/** The `lstsq` kernel. @packageDocumentation */
import { ParameterError } from '../errors.js';
import { f64Array, finite, mdim, shaped, tallMatrix } from './check.js';
import { defineKernel } from './define.js';
import { lstsq as js } from './js/linalg.js';
import { lapackKernel, type LapackEntry } from './lapack.js';

/** Least-squares solution X (n x r) of min ||A X - B|| for A m x n (m >= n, full rank) and B m x r. */
export type Lstsq = (a: Float64Array, m: number, n: number, b: Float64Array, r: number) => Float64Array;

export const lstsq = defineKernel<Lstsq, LapackEntry<Lstsq>>({
  name: 'lstsq',
  check(a, m, n, b, r) {
    finite('a', shaped('a', f64Array('a', a), mdim('m', m), mdim('n', n)));
    finite('b', shaped('b', f64Array('b', b), m, mdim('r', r)));
    tallMatrix('lstsq', m, n);
  },
  js,
  native: (entry) =>
    lapackKernel(entry, 'a, b', (info) => new ParameterError('a', `matrix is rank deficient (diagonal element ${info} of R is zero)`, { info })),
});
