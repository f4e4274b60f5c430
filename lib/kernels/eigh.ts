/** The `eigh` kernel. @packageDocumentation */
import { DislibError } from '../errors.js';
import { f64Array, finite, mdim, shaped } from './check.js';
import { defineKernel } from './define.js';
import { eigh as js } from './js/linalg.js';
import { lapackKernel, type LapackEntry } from './lapack.js';

/** Eigen-decomposition of the symmetric n x n matrix a: ascending eigenvalues w, eigenvectors as columns of v (n x n). */
export type Eigh = (a: Float64Array, n: number) => { w: Float64Array; v: Float64Array };

export const eigh = defineKernel<Eigh, LapackEntry<Eigh>>({
  name: 'eigh',
  check(a, n) {
    finite('a', shaped('a', f64Array('a', a), mdim('n', n), n));
  },
  js,
  native: (entry) => lapackKernel(entry, 'a', (info) => new DislibError(`eigh did not converge (LAPACK dsyevd info ${info})`, { info })),
});
