/**
 * Kernel registry (the tfjs idea): the active kernel set takes every kernel of the contract (contract.ts)
 * from the highest-priority backend that provides it, so the native addon may cover only part of the
 * contract and the TS reference fills the rest. Arguments are checked here, once for every backend (each
 * kernel's `check`), so a backend provides bare implementations.
 */
import { NativeUnavailableError } from '../errors.js';
import { contract, type Kernels } from './contract.js';
import { isKernel, type KernelDef, type KernelFn } from './define.js';
import type { BackendName } from './types.js';

/** The addon's entry points by name (the native backend); the js backend needs none. */
export type BackendEntries = Readonly<Record<string, unknown>>;

const PRIORITY: Record<BackendName, number> = { native: 2, js: 1 };

const registry = new Map<BackendName, BackendEntries>([['js', {}]]);

/** Register (or replace) the entry points of a backend; a kernel whose entry is missing comes from js. */
export function registerBackend(name: BackendName, entries: BackendEntries): void {
  registry.set(name, entries);
}

/** Backends registered so far, highest priority first (`js` always is). */
export function registeredBackends(): BackendName[] {
  return [...registry.keys()].sort((a, b) => PRIORITY[b] - PRIORITY[a]);
}

/** Every kernel of the contract with its path (`'gemm'`, `'cluster.kmeansStep'`), in contract order. */
export function contractKernels(): [string, KernelDef<KernelFn, unknown>][] {
  const out: [string, KernelDef<KernelFn, unknown>][] = [];
  const walk = (members: object, prefix: string): void => {
    for (const [key, member] of Object.entries(members)) {
      if (isKernel(member)) out.push([prefix + key, member]);
      else walk(member as object, `${prefix}${key}.`);
    }
  };
  walk(contract, '');
  return out;
}

/** The kernel `def` as `backend` serves it (js when the backend lacks the entry), behind its checks. */
function serve(def: KernelDef<KernelFn, unknown>, backend: BackendName): KernelFn {
  const entry = registry.get(backend)?.[def.name];
  const impl = backend !== 'js' && typeof entry === 'function' ? (def.native ? def.native(entry) : (entry as KernelFn)) : def.js;
  const check = def.check;
  return (...args) => {
    check(...args);
    return impl(...args);
  };
}

/** The contract's members (kernels and namespaces) as `backend` serves them. */
function build(members: object, backend: BackendName): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(members)) {
    out[key] = isKernel(member) ? serve(member, backend) : build(member as object, backend);
  }
  return out;
}

/**
 * Build the kernel set of `primary`: every kernel from it where it has the entry, else from js, each behind
 * the kernel's argument checks. Throws when `primary` is not registered.
 */
export function resolveKernels(primary: BackendName): Kernels {
  if (!registry.has(primary)) throw new NativeUnavailableError(`kernel backend '${primary}' is not available`, { backend: primary });
  return { ...(build(contract, primary) as Omit<Kernels, 'name'>), name: primary } as Kernels;
}
