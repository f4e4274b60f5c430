/**
 * How a kernel enters the contract: {@link defineKernel} declares its signature (the type parameter), its
 * argument checks, its TypeScript implementation and how the addon's entry point of the same name serves
 * it. The registry builds every backend from the list of these declarations (contract.ts).
 *
 * @packageDocumentation
 */

/** Any kernel signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a signature of any arity and argument types
export type KernelFn = (...args: any[]) => unknown;

/** Marks a {@link KernelDef} apart from a namespace of the contract. */
export const KERNEL: unique symbol = Symbol('dislib.kernel');

/** What a kernel file declares (see {@link defineKernel}). */
export interface KernelSpec<F extends KernelFn, N> {
  /** The kernel's name in its namespace, and the name of the addon's entry point that serves it. */
  readonly name: string;
  /** Argument checks, run before any backend's kernel: a typed error naming the parameter, before any work. */
  readonly check: (...args: Parameters<F>) => void;
  /** The TypeScript implementation: the reference, and the fallback where the addon lacks the entry. */
  readonly js: F;
  /**
   * The kernel made from the addon's entry point (checked arguments only reach it). Absent: the entry is
   * the kernel itself, same arguments and result.
   */
  readonly native?: (entry: N) => F;
}

/** A kernel of the contract: its {@link KernelSpec}, branded so that namespaces and kernels are told apart. */
export interface KernelDef<F extends KernelFn = KernelFn, N = F> extends KernelSpec<F, N> {
  readonly [KERNEL]: true;
}

/**
 * Declares one kernel: `F` is its signature, `N` the signature of the addon's entry point when it differs
 * (then `native` maps it to `F`).
 */
export function defineKernel<F extends KernelFn, N = F>(spec: KernelSpec<F, N>): KernelDef<F, N> {
  return { ...spec, [KERNEL]: true };
}

/** Whether a member of the contract is a kernel (else it is a namespace of kernels). */
export function isKernel(v: unknown): v is KernelDef<KernelFn, unknown> {
  return typeof v === 'object' && v !== null && KERNEL in v;
}
