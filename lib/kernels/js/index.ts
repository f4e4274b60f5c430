/**
 * The `js` kernel backend: every kernel of the contract in TypeScript, registered with the kernel registry
 * on import. It is the reference the native backend is tested against and the fallback when the addon is
 * missing. Arguments are checked here (typed errors naming the parameter) before any kernel runs.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../../errors.js';
import { registerBackend } from '../registry.js';
import type { Kernels } from '../types.js';
import { csvArgs, dim, f64Array, finite, flag, floatArray, sameDtype, scalar, shaped, tallMatrix } from '../check.js';
import { parseCsv } from './csv.js';
import { gemmInto } from './gemm.js';
import { kmeansStep, pairwiseSqDist, rowSqNorms } from './kmeans.js';
import { cholesky, eigh, lstsq, qr, svd } from './linalg.js';
import { uniformFill } from './random.js';

/** The js kernels with argument checks. */
export const jsKernels: Omit<Kernels, 'name'> = {
  gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    flag('transA', transA);
    flag('transB', transB);
    dim('m', m);
    dim('n', n);
    dim('k', k);
    scalar('alpha', alpha);
    scalar('beta', beta);
    shaped('a', floatArray('a', a), transA ? k : m, transA ? m : k);
    shaped('b', floatArray('b', b), transB ? n : k, transB ? k : n);
    shaped('c', floatArray('c', c), m, n);
    sameDtype('a, b, c', a, b, c);
    gemmInto(transA, transB, m, n, k, alpha, a, b, beta, c);
  },

  rowSqNorms(x, n, d) {
    shaped('x', floatArray('x', x), dim('n', n), dim('d', d));
    return rowSqNorms(x, n, d);
  },

  kmeansStep(x, n, d, centers, k, labels) {
    shaped('x', floatArray('x', x), dim('n', n), dim('d', d));
    shaped('centers', floatArray('centers', centers), dim('k', k), d);
    sameDtype('x, centers', x, centers);
    if (k < 1) throw new ParameterError('k', 'expected at least one center');
    if (labels !== undefined) {
      if (!(labels instanceof Int32Array)) throw new ParameterError('labels', 'expected an Int32Array');
      shaped('labels', labels, n, 1);
    }
    return kmeansStep(x, n, d, centers, k, labels);
  },

  pairwiseSqDist(x, n, y, m, d) {
    shaped('x', floatArray('x', x), dim('n', n), dim('d', d));
    shaped('y', floatArray('y', y), dim('m', m), d);
    sameDtype('x, y', x, y);
    return pairwiseSqDist(x, n, y, m, d);
  },

  qr(a, m, n) {
    finite('a', shaped('a', f64Array('a', a), dim('m', m), dim('n', n)));
    tallMatrix('qr', m, n);
    return qr(a, m, n);
  },

  svd(a, m, n) {
    finite('a', shaped('a', f64Array('a', a), dim('m', m), dim('n', n)));
    return svd(a, m, n);
  },

  eigh(a, n) {
    finite('a', shaped('a', f64Array('a', a), dim('n', n), n));
    return eigh(a, n);
  },

  cholesky(a, n) {
    shaped('a', f64Array('a', a), dim('n', n), n);
    return cholesky(a, n);
  },

  lstsq(a, m, n, b, r) {
    finite('a', shaped('a', f64Array('a', a), dim('m', m), dim('n', n)));
    finite('b', shaped('b', f64Array('b', b), m, dim('r', r)));
    tallMatrix('lstsq', m, n);
    return lstsq(a, m, n, b, r);
  },

  parseCsv(bytes, start, end, delimiter, options) {
    csvArgs(bytes, start, end, delimiter, options);
    return parseCsv(bytes, start, end, delimiter, options);
  },

  uniformFill(seed, row0, col0, rows, cols, out) {
    dim('seed', seed);
    dim('row0', row0);
    dim('col0', col0);
    shaped('out', floatArray('out', out), dim('rows', rows), dim('cols', cols));
    dim('row0 + rows', row0 + rows);
    dim('col0 + cols', col0 + cols);
    uniformFill(seed, row0, col0, rows, cols, out);
  },
};

registerBackend('js', jsKernels);
