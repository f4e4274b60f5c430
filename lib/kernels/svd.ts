/** The `svd` kernel. @packageDocumentation */
import { DislibError } from '../errors.js';
import { f64Array, finite, mdim, shaped } from './check.js';
import { defineKernel } from './define.js';
import { svd as js } from './js/linalg.js';
import { lapackKernel, type LapackEntry } from './lapack.js';

/** Thin SVD of the m x n matrix a: u is m x p, s has p singular values descending, vt is p x n, p = min(m, n). */
export type Svd = (a: Float64Array, m: number, n: number) => { u: Float64Array; s: Float64Array; vt: Float64Array };

export const svd = defineKernel<Svd, LapackEntry<Svd>>({
  name: 'svd',
  check(a, m, n) {
    finite('a', shaped('a', f64Array('a', a), mdim('m', m), mdim('n', n)));
  },
  js,
  native: (entry) => lapackKernel(entry, 'a', (info) => new DislibError(`svd did not converge (LAPACK dgesdd info ${info})`, { info })),
});
