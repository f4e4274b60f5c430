/**
 * The kernel contract: the list of every kernel, generic block math at the top, estimator-specific kernels
 * in their estimator family's namespace. Each entry is declared in its own file (define.ts says what one
 * holds); the registry builds every backend from this list and {@link Kernels} is derived from it, so a new
 * kernel is its file plus one line here (and its C file when the addon serves it).
 *
 * @packageDocumentation
 */
import { cholesky } from './cholesky.js';
import { kmeansStep } from './cluster/kmeansStep.js';
import type { KernelDef } from './define.js';
import { eigh } from './eigh.js';
import { gemm } from './gemm.js';
import { lstsq } from './lstsq.js';
import { pairwiseSqDist } from './pairwiseSqDist.js';
import { parseCsv } from './parseCsv.js';
import { qr } from './qr.js';
import { rowSqNorms } from './rowSqNorms.js';
import { svd } from './svd.js';
import type { BackendName } from './types.js';
import { uniformFill } from './uniformFill.js';

/** Every kernel: a {@link KernelDef} or a namespace of them. */
export const contract = {
  gemm,
  rowSqNorms,
  pairwiseSqDist,
  qr,
  svd,
  eigh,
  cholesky,
  lstsq,
  parseCsv,
  uniformFill,
  /** Kernels of the clustering estimators. */
  cluster: { kmeansStep },
} as const;

/** The functions a contract member gives: a kernel's signature, or a namespace of them. */
export type KernelsOf<T> = T extends KernelDef<infer F, infer _N> ? F : { readonly [K in keyof T]: KernelsOf<T[K]> };

/**
 * Every kernel of a backend (each kernel's signature and documentation are in its file). Shapes are
 * passed explicitly; outputs are freshly allocated unless named `out`.
 */
export type Kernels = KernelsOf<typeof contract> & { readonly name: BackendName };
