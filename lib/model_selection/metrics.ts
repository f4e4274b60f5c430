/**
 * The error metrics the scorers need beyond lib/base's (`accuracyScore`, `r2Score`,
 * `meanSquaredError`): scikit-learn's `mean_absolute_error`, `root_mean_squared_error` and
 * `max_error`, as lazy ds-array reductions (fixed-order trees, so independent of the worker count).
 *
 * @packageDocumentation
 */
import { checkXY, meanSquaredError, type Targets } from '../base/index.js';
import { checkDsArray } from '../base/input.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { ParameterError } from '../errors.js';

/** |yTrue - yPred| as a lazy ds-array, after checking one column and the same rows and row blocking. */
function absoluteErrors(yTrue: DsArray | Targets, yPred: DsArray): DsArray {
  const pred = checkDsArray(yPred, 'yPred');
  if (pred.shape[1] !== 1) throw new ParameterError('yPred', `expected one column, found ${pred.shape[1]}`);
  const { y } = checkXY(pred, yTrue);
  return y.sub(pred).abs();
}

/** Mean absolute difference (scikit-learn's `mean_absolute_error`). */
export async function meanAbsoluteError(yTrue: DsArray | Targets, yPred: DsArray): Promise<number> {
  return absoluteErrors(yTrue, yPred).mean().item();
}

/** Largest absolute difference (scikit-learn's `max_error`). */
export async function maxError(yTrue: DsArray | Targets, yPred: DsArray): Promise<number> {
  return absoluteErrors(yTrue, yPred).max().item();
}

/** Square root of the mean squared difference (scikit-learn's `root_mean_squared_error`). */
export async function rootMeanSquaredError(yTrue: DsArray | Targets, yPred: DsArray): Promise<number> {
  return Math.sqrt(await meanSquaredError(yTrue, yPred));
}
