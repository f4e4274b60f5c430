/**
 * How the addon's LAPACK entry points report failure: they return LAPACK's `info` instead of a result.
 *
 * @packageDocumentation
 */
import { DislibError, ParameterError } from '../errors.js';

/** An addon entry point that returns LAPACK's nonzero `info` instead of a result. */
export type LapackEntry<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => ReturnType<F> | number;

/**
 * The kernel made from a LAPACK entry point: its result, or the typed error for LAPACK's `info`: positive
 * means a numerical failure described by `failure`; negative means LAPACK rejected an argument, which after
 * the shape and finiteness checks cannot happen, so it is reported against `inputs` rather than hidden.
 */
export function lapackKernel<F extends (...args: never[]) => unknown>(
  entry: LapackEntry<F>,
  inputs: string,
  failure: (info: number) => DislibError,
): (...args: Parameters<F>) => ReturnType<F> {
  return (...args) => {
    const result = entry(...args);
    if (typeof result !== 'number') return result;
    if (result < 0) throw new ParameterError(inputs, `rejected by LAPACK (info ${result})`, { info: result });
    throw failure(result);
  };
}
