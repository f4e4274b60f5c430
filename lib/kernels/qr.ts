/** The `qr` kernel. @packageDocumentation */
import { DislibError } from '../errors.js';
import { f64Array, finite, mdim, shaped, tallMatrix } from './check.js';
import { defineKernel } from './define.js';
import { qr as js } from './js/linalg.js';
import { lapackKernel, type LapackEntry } from './lapack.js';

/** Thin QR of the m x n matrix a (m >= n): q is m x n with orthonormal columns, r is n x n upper triangular. */
export type Qr = (a: Float64Array, m: number, n: number) => { q: Float64Array; r: Float64Array };

export const qr = defineKernel<Qr, LapackEntry<Qr>>({
  name: 'qr',
  check(a, m, n) {
    finite('a', shaped('a', f64Array('a', a), mdim('m', m), mdim('n', n)));
    tallMatrix('qr', m, n);
  },
  js,
  native: (entry) => lapackKernel(entry, 'a', (info) => new DislibError(`qr failed (LAPACK info ${info})`, { info })),
});
