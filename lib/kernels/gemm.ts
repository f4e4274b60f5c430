/** The `gemm` kernel. @packageDocumentation */
import { defineKernel } from './define.js';
import { flag, matrix, mdim, sameDtype, scalar } from './check.js';
import { gemmInto } from './js/gemm.js';
import type { FloatArray } from './types.js';

/** C = alpha * op(A) * op(B) + beta * C, op(A) is m x k, op(B) is k x n, C is m x n (all row-major, dense). */
export type Gemm = (
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: FloatArray, b: FloatArray, beta: number, c: FloatArray,
) => void;

export const gemm = defineKernel<Gemm>({
  name: 'gemm',
  check(transA, transB, m, n, k, alpha, a, b, beta, c) {
    flag('transA', transA);
    flag('transB', transB);
    mdim('m', m);
    mdim('n', n);
    mdim('k', k);
    scalar('alpha', alpha);
    scalar('beta', beta);
    matrix('a', a, transA ? k : m, transA ? m : k);
    matrix('b', b, transB ? n : k, transB ? k : n);
    matrix('c', c, m, n);
    sameDtype('a, b, c', a, b, c);
  },
  js: gemmInto,
});
