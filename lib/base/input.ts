/**
 * Checks of estimator inputs: the data must be a DsArray, with the number of columns the estimator
 * was fitted on.
 *
 * @packageDocumentation
 */
import { array } from '../dsarray/creation.js';
import { DsArray } from '../dsarray/dsarray.js';
import { ParameterError } from '../errors.js';
import { describe } from './validation.js';

/**
 * Checks that `x` is a non-empty DsArray.
 *
 * @param name - the argument's name in errors (e.g. `'x'`)
 * @throws {@link ParameterError} naming the argument
 */
export function checkDsArray(x: unknown, name: string): DsArray {
  if (!(x instanceof DsArray)) {
    throw new ParameterError(name, `expected a DsArray (see array(), loadTxtFile()), found ${describe(x)}`);
  }
  if (x.shape[0] === 0 || x.shape[1] === 0) {
    throw new ParameterError(name, `expected a non-empty DsArray, found shape [${x.shape.join(', ')}]`);
  }
  return x;
}

/**
 * Checks that `x` has the number of columns an estimator was fitted on.
 *
 * @throws {@link ParameterError} naming the argument, with the expected and found column counts
 */
export function checkColumns(x: DsArray, name: string, expected: number, estimator: string): void {
  if (x.shape[1] !== expected) {
    throw new ParameterError(name, `has ${x.shape[1]} columns, but ${estimator} was fitted on ${expected}`, {
      expected,
      found: x.shape[1],
    });
  }
}

/** Targets `y` given to `fit` or `score`: a one-column DsArray, or a 1-D array the library blocks like `x`. */
export type Targets = DsArray | readonly number[] | Float64Array | Float32Array | Int32Array;

/**
 * Checks the data and targets of a supervised fit or score: `x` a non-empty DsArray; `y` a DsArray of
 * one column with the rows and row blocking of `x`, or a 1-D array of `x.shape[0]` finite numbers,
 * which is blocked like `x` (one float64 block per row block of `x`).
 *
 * @throws {@link ParameterError} naming `x` or `y`, with the expected and found shapes
 * @example
 * ```ts
 * const { x: data, y: targets } = checkXY(x, [0, 1, 1, 0]);
 * ```
 */
export function checkXY(x: unknown, y: unknown): { x: DsArray; y: DsArray } {
  const data = checkDsArray(x, 'x');
  const n = data.shape[0];
  if (y instanceof DsArray) {
    if (y.shape[0] !== n || y.shape[1] !== 1) {
      throw new ParameterError('y', `expected ${n} rows and 1 column (as x), found shape [${y.shape.join(', ')}]`, { expected: [n, 1], found: [...y.shape] });
    }
    if (y.blockSize[0] !== data.blockSize[0]) {
      throw new ParameterError('y', `expected the row blocking of x (${data.blockSize[0]} rows per block), found ${y.blockSize[0]}`);
    }
    return { x: data, y };
  }
  const isArray = Array.isArray(y) || y instanceof Float64Array || y instanceof Float32Array || y instanceof Int32Array;
  if (!isArray) throw new ParameterError('y', `expected a one-column DsArray or a 1-D array of numbers, found ${describe(y)}`);
  const values = y as ArrayLike<unknown>;
  if (values.length !== n) throw new ParameterError('y', `expected ${n} values (the rows of x), found ${values.length}`, { expected: n, found: values.length });
  const flat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(`y[${i}]`, `expected a finite number, found ${describe(v)}`);
    flat[i] = v;
  }
  return { x: data, y: array({ data: flat, shape: [n, 1] }, [data.blockSize[0], 1]) };
}
