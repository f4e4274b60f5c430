/**
 * The `native` kernel backend: loads the Node-API addon `build/Release/dislib_native.node` (C, built by
 * `scripts/install-native.mjs`) and registers it with the kernel registry. The addon runs its GEMMs and
 * factorisations on a system BLAS / LAPACK it opens at load time (OpenBLAS, MKL, BLIS, libblas.so.3) or on
 * its built-in ones; `DISLIB_BLAS=builtin` forces the latter and {@link blasInfo} says which is in use.
 * Importing this module never throws: when the addon is missing or broken, nothing is registered and
 * {@link nativeLoadError} says why. Each kernel's file says how the addon's entry of its name serves it,
 * and its checks run before the addon sees the arguments, so that misuse raises typed errors from
 * lib/errors.ts with the offending parameter named.
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeUnavailableError, ParameterError } from '../errors.js';
import { registerBackend } from './registry.js';

/** The addon's exports: the kernels' entry points (see each kernel's file), plus BLAS control. */
interface NativeAddon {
  readonly [entry: string]: unknown;
  setBlasThreads(n: number): void;
  getBlasThreads(): number;
  blasInfo(): BlasInfo;
  selectBlas(mode: BlasMode): BlasInfo;
}

/** Which BLAS the native kernels use (see {@link blasInfo}). */
export interface BlasInfo {
  /** `'openblas'`, `'mkl'`, `'blis'`, `'flexiblas'` or `'blas'` (another system library), or `'builtin'`. */
  name: string;
  source: 'system' | 'builtin';
  /** The system library's file, links resolved. */
  library?: string;
  /** The library's own version string, when it has one. */
  version?: string;
  /** Where the factorisations come from: the system library's LAPACK (or liblapack.so.3), or built-in. */
  lapack: 'system' | 'builtin';
  lapackLibrary?: string;
  /** Built-in only: the GEMM micro-kernel's instruction set on this CPU (`'avx512'`, `'avx2'`, `'generic'`). */
  isa?: string;
  /** Built-in only: the system libraries tried, and why each was not used. */
  tried?: string;
  /** BLAS threads of this process (0 when the system library cannot say). */
  threads: number;
}

/**
 * A BLAS selection, as in the `DISLIB_BLAS` environment variable read when the addon loads: `'auto'` (a
 * system library if one loads, else built-in), `'builtin'`, `'system'` (fails without one), or the path of
 * an LP64 CBLAS library.
 */
export type BlasMode = 'auto' | 'builtin' | 'system' | (string & {});

/** Where the addon is expected: the package root's build/Release (this file is dist/lib/kernels/native.js). */
const addonPath = fileURLToPath(new URL('../../../build/Release/dislib_native.node', import.meta.url));

let addon: NativeAddon | undefined;
let loadError: { path: string; message: string } | undefined;
try {
  addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
} catch (err) {
  loadError = { path: addonPath, message: err instanceof Error ? err.message : String(err) };
}

/**
 * Why the native addon could not be loaded: the path tried and the loader's message; `undefined` when it
 * loaded (then the `native` backend is registered).
 */
export function nativeLoadError(): { path: string; message: string } | undefined {
  return loadError;
}

/**
 * Set the number of BLAS threads of this process. The addon pins BLAS to 1 thread when it loads because
 * worker processes are the unit of parallelism; benchmarks may raise it. Returns false (and does nothing)
 * when the addon is not loaded.
 */
export function setBlasThreads(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) throw new ParameterError('n', `expected a positive integer, got ${String(n)}`);
  if (!addon) return false;
  addon.setBlasThreads(n);
  return true;
}

/** Which BLAS the native kernels use; `undefined` when the addon is not loaded. */
export function blasInfo(): BlasInfo | undefined {
  return addon?.blasInfo();
}

/** One line for reports: e.g. `openblas (system, /usr/lib/.../libopenblasp-r0.3.21.so)` or `builtin (avx2)`. */
export function describeBlas(info: BlasInfo | undefined = blasInfo()): string {
  if (!info) return 'none (native addon not loaded)';
  return info.source === 'builtin' ? `builtin (${info.isa ?? '?'})` : `${info.name} (system, ${info.library ?? '?'}; lapack ${info.lapack})`;
}

/**
 * Switch the native kernels' BLAS for the rest of this process (benchmarks and tests compare the two):
 * `mode` as for `DISLIB_BLAS`. Resets BLAS threads to 1. Throws {@link NativeUnavailableError} when the
 * addon is not loaded and {@link ParameterError} when the mode cannot be honoured (no system library).
 */
export function selectBlas(mode: BlasMode): BlasInfo {
  if (typeof mode !== 'string' || mode === '') throw new ParameterError('mode', `expected 'auto', 'builtin', 'system' or a library path`);
  if (!addon) throw new NativeUnavailableError(`native kernels are not loaded (${loadError?.message.split('\n')[0] ?? 'unknown'})`, { path: loadError?.path });
  try {
    return addon.selectBlas(mode);
  } catch (err) {
    throw new ParameterError('mode', err instanceof Error ? err.message : String(err), { mode });
  }
}

if (addon) registerBackend('native', addon);
