/**
 * Kernel registry (the tfjs idea): each kernel is registered per backend, and the active kernel set
 * takes every kernel from the highest-priority backend that provides it, so a native backend may
 * cover only part of the contract and the TS reference fills the rest. Arguments are checked here, once
 * for every backend (check.ts), so a backend registers bare implementations.
 */
import { NativeUnavailableError } from '../errors.js';
import { kernelChecks } from './check.js';
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
 * Build the kernel set of `primary`: its own kernels, completed from lower-priority backends, each behind
 * the contract's argument checks ({@link kernelChecks}). Throws when `primary` is not registered.
 */
export function resolveKernels(primary: BackendName): Kernels {
  const own = registry.get(primary);
  if (!own) throw new NativeUnavailableError(`kernel backend '${primary}' is not available`, { backend: primary });
  const merged: Partial<Record<KernelName, (...args: unknown[]) => unknown>> = {};
  for (const name of registeredBackends().filter((b) => PRIORITY[b] <= PRIORITY[primary]).reverse()) {
    Object.assign(merged, registry.get(name));
  }
  const checked: Partial<Record<KernelName, (...args: unknown[]) => unknown>> = {};
  for (const [name, kernel] of Object.entries(merged) as [KernelName, (...args: unknown[]) => unknown][]) {
    const check = kernelChecks[name] as (...args: unknown[]) => void;
    checked[name] = (...args) => {
      check(...args);
      return kernel(...args);
    };
  }
  return { ...(checked as unknown as Omit<Kernels, 'name'>), name: primary };
}
