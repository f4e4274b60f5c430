/**
 * Kernel entry point: registers both backends and picks the active kernel set once per process.
 * `DISLIB_KERNELS=js|native` forces a backend; unset, the native addon is used when it loaded, else the
 * TypeScript kernels. Kernels the chosen backend lacks come from the lower-priority one (see registry.ts).
 *
 * @packageDocumentation
 */
import { NativeUnavailableError, ParameterError } from '../errors.js';
import { nativeLoadError } from './native.js';
import { registeredBackends, resolveKernels } from './registry.js';
import type { BackendName, Kernels } from './types.js';

export type { BackendName, CsvParseFailure, CsvParseOptions, CsvParseResult, FloatArray, Kernels, KMeansStepResult } from './types.js';
export type { KMeansStep } from './cluster/kmeansStep.js';
export { blasInfo, describeBlas, nativeLoadError, selectBlas, setBlasThreads } from './native.js';
export type { BlasInfo, BlasMode } from './native.js';
export { registeredBackends } from './registry.js';

const REBUILD_COMMAND = 'npx dislib build-native';

const resolved = new Map<BackendName, Kernels>();
let active: Kernels | undefined;

/**
 * The kernel set of one backend (completed from lower-priority backends). Throws
 * {@link NativeUnavailableError} naming the addon path tried and the rebuild command when `name` is
 * `'native'` and the addon did not load.
 */
export function getBackend(name: BackendName): Kernels {
  let k = resolved.get(name);
  if (k) return k;
  if (!registeredBackends().includes(name)) {
    const failure = nativeLoadError();
    // The loader's first line says what went wrong; the rest is its require stack.
    const why = failure ? `could not load ${failure.path}: ${failure.message.split('\n')[0]}` : `backend '${name}' is not registered`;
    throw new NativeUnavailableError(`${name} kernels are not available (${why}); rebuild them with \`${REBUILD_COMMAND}\``, {
      backend: name,
      path: failure?.path,
      command: REBUILD_COMMAND,
    });
  }
  k = resolveKernels(name);
  resolved.set(name, k);
  return k;
}

/** The backend requested by DISLIB_KERNELS, or the best one registered. */
function chooseBackend(): BackendName {
  const requested = process.env['DISLIB_KERNELS'];
  if (requested === undefined || requested === '') return registeredBackends()[0] ?? 'js';
  if (requested !== 'js' && requested !== 'native') {
    throw new ParameterError('DISLIB_KERNELS', `expected 'js' or 'native', got '${requested}'`);
  }
  return requested;
}

/** The active kernel set, chosen on first use (DISLIB_KERNELS, else native when loaded, else js). */
export function kernels(): Kernels {
  active ??= getBackend(chooseBackend());
  return active;
}

/** Name of the active kernel backend: `'native'` or `'js'`. */
export function kernelBackend(): BackendName {
  return kernels().name;
}
