/**
 * Checks of estimator inputs: the data must be a DsArray, with the number of columns the estimator
 * was fitted on.
 *
 * @packageDocumentation
 */
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
