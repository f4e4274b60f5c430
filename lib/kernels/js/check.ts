/**
 * Argument checks of the js kernels: typed errors naming the offending parameter, raised before any work.
 *
 * @packageDocumentation
 */
import { ParameterError, ShapeError } from '../../errors.js';
import type { FloatArray } from '../types.js';

/** A non-negative safe integer dimension, or a ParameterError naming it. */
export function dim(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new ParameterError(name, `expected a non-negative integer, got ${String(v)}`);
  return v;
}

/** A Float64Array or Float32Array, or a ParameterError naming it. */
export function floatArray(name: string, a: unknown): FloatArray {
  if (a instanceof Float64Array || a instanceof Float32Array) return a;
  throw new ParameterError(name, 'expected a Float64Array or Float32Array');
}

/** A Float64Array, or a ParameterError naming it. */
export function f64Array(name: string, a: unknown): Float64Array {
  if (a instanceof Float64Array) return a;
  throw new ParameterError(name, 'expected a Float64Array');
}

/** Checks that `a` holds exactly rows x cols elements (ShapeError otherwise) and returns it. */
export function shaped<T extends ArrayLike<number>>(name: string, a: T, rows: number, cols: number): T {
  if (a.length !== rows * cols) {
    throw new ShapeError(`${name} has ${a.length} elements but its shape ${rows} x ${cols} needs ${rows * cols}`, {
      parameter: name,
      expected: rows * cols,
      found: a.length,
    });
  }
  return a;
}

/** Checks that all arrays have one dtype (ParameterError naming `names` otherwise). */
export function sameDtype(names: string, first: FloatArray, ...rest: FloatArray[]): void {
  if (rest.some((a) => a.constructor !== first.constructor)) {
    const found = [first, ...rest].map((a) => a.constructor.name).join(', ');
    throw new ParameterError(names, `expected the same dtype, got ${found}`);
  }
}

/** Checks a matrix given to a factorisation has no NaN or infinity (they make the algorithms meaningless). */
export function finite(name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new ParameterError(name, `contains NaN or Infinity (element ${i})`, { index: i });
  }
}
