/**
 * The `js` kernel backend: every kernel of the contract in TypeScript, registered with the kernel registry
 * on import. It is the reference the native backend is tested against and the fallback when the addon is
 * missing. The registry checks arguments (typed errors naming the parameter) before any kernel runs.
 *
 * @packageDocumentation
 */
import { registerBackend } from '../registry.js';
import type { Kernels } from '../types.js';
import { parseCsv } from './csv.js';
import { gemmInto } from './gemm.js';
import { kmeansStep, pairwiseSqDist, rowSqNorms } from './kmeans.js';
import { cholesky, eigh, lstsq, qr, svd } from './linalg.js';
import { uniformFill } from './random.js';

/** The js kernels (the registry checks their arguments first, see check.ts). */
export const jsKernels: Omit<Kernels, 'name'> = {
  gemm: gemmInto,
  rowSqNorms,
  kmeansStep,
  pairwiseSqDist,
  qr,
  svd,
  eigh,
  cholesky,
  lstsq,
  parseCsv,
  uniformFill,
};

registerBackend('js', jsKernels);
