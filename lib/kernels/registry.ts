/**
 * Kernel registry (the tfjs idea): each kernel is registered per backend, and the active kernel set
 * takes every kernel from the highest-priority backend that provides it, so a native backend may
 * cover only part of the contract and the TS reference fills the rest.
 */
import { NativeUnavailableError } from '../errors.js';
import type { BackendName, Kernels } from './types.js';

/** Names of the kernels of the contract (every member of {@link Kernels} but `name`). */
export type KernelName = Exclude<keyof Kernels, 'name'>;

const PRIORITY: Record<BackendName, number> = { native: 2, js: 1 };

const registry = new Map<BackendName, Partial<Omit<Kernels, 'name'>>>();

/** Register (or replace) the kernels a backend provides. */
export function registerBackend(name: BackendName, impl: Partial<Omit<Kernels, 'name'>>): void {
  registry.set(name, impl);
}

/** Backends registered so far, highest priority first. */
export function registeredBackends(): BackendName[] {
  return [...registry.keys()].sort((a, b) => PRIORITY[b] - PRIORITY[a]);
}

/**
 * Build the kernel set of `primary`: its own kernels, completed from lower-priority backends.
 * Throws when `primary` is not registered.
 */
export function resolveKernels(primary: BackendName): Kernels {
  const own = registry.get(primary);
  if (!own) throw new NativeUnavailableError(`kernel backend '${primary}' is not available`, { backend: primary });
  const merged: Partial<Kernels> = {};
  for (const name of registeredBackends().filter((b) => PRIORITY[b] <= PRIORITY[primary]).reverse()) {
    Object.assign(merged, registry.get(name));
  }
  return { ...(merged as Omit<Kernels, 'name'>), name: primary };
}
