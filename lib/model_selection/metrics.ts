/**
 * Regression and classification metrics on ds-arrays (scikit-learn's `accuracy_score`, `r2_score`,
 * `mean_squared_error`, `mean_absolute_error`, `max_error`): one statistics task per row block, merged
 * in a fixed-order tree, so the value does not depend on the number of workers.
 *
 * @packageDocumentation
 */
import { treeReduce } from '../base/reduce.js';
import { describe } from '../base/validation.js';
import { DsArray } from '../dsarray/dsarray.js';
import { ParameterError, ShapeError } from '../errors.js';
import { submit } from '../runtime/index.js';
import { STATS, errorStatsTask, mergeErrorStatsTask } from './tasks.js';

const ARITY = 32;

/** Per-column error statistics of `yPred` against `yTrue` (see {@link STATS}). */
async function errorStats(yTrue: DsArray, yPred: DsArray): Promise<Float64Array> {
  if (!(yTrue instanceof DsArray)) throw new ParameterError('yTrue', `expected a DsArray, found ${describe(yTrue)}`);
  if (!(yPred instanceof DsArray)) throw new ParameterError('yPred', `expected a DsArray, found ${describe(yPred)}`);
  if (yTrue.shape[0] !== yPred.shape[0] || yTrue.shape[1] !== yPred.shape[1] || yTrue.shape[0] === 0) {
    throw new ShapeError(`metric: yTrue is ${yTrue.shape.join(' x ')} and yPred ${yPred.shape.join(' x ')}; expected the same non-empty shape`);
  }
  const whole: [number, number] = [yTrue.blockSize[0], yTrue.shape[1]];
  const truth = yTrue.nBlocks[1] === 1 ? yTrue : yTrue.rechunk(whole);
  const pred = yPred.blockSize[0] === whole[0] && yPred.nBlocks[1] === 1 ? yPred : yPred.rechunk(whole);
  const parts = truth.blocks.map((row, i) => submit(errorStatsTask, [row[0], pred.blocks[i]?.[0]] as never));
  return treeReduce(parts, ARITY, mergeErrorStatsTask);
}

/** Mean over the target columns of `f(column statistics)`. */
function average(stats: Float64Array, f: (s: Float64Array) => number): number {
  let total = 0;
  const cols = stats.length / STATS;
  for (let c = 0; c < cols; c++) total += f(stats.subarray(STATS * c, STATS * (c + 1)));
  return total / cols;
}

/** Fraction of rows whose prediction equals the truth exactly (one column). */
export async function accuracyScore(yTrue: DsArray, yPred: DsArray): Promise<number> {
  if (yTrue?.shape?.[1] !== 1) throw new ParameterError('yTrue', 'accuracy needs one column of labels');
  const s = await errorStats(yTrue, yPred);
  return (s[5] as number) / (s[0] as number);
}

/** Coefficient of determination R^2, averaged over target columns (1 for a perfect fit of a constant column, else 0 there). */
export async function r2Score(yTrue: DsArray, yPred: DsArray): Promise<number> {
  return average(await errorStats(yTrue, yPred), (s) => ((s[2] as number) === 0 ? ((s[3] as number) === 0 ? 1 : 0) : 1 - (s[3] as number) / (s[2] as number)));
}

/** Mean squared error, averaged over target columns. */
export async function meanSquaredError(yTrue: DsArray, yPred: DsArray): Promise<number> {
  return average(await errorStats(yTrue, yPred), (s) => (s[3] as number) / (s[0] as number));
}

/** Root of the mean squared error, averaged over target columns. */
export async function rootMeanSquaredError(yTrue: DsArray, yPred: DsArray): Promise<number> {
  return average(await errorStats(yTrue, yPred), (s) => Math.sqrt((s[3] as number) / (s[0] as number)));
}

/** Mean absolute error, averaged over target columns. */
export async function meanAbsoluteError(yTrue: DsArray, yPred: DsArray): Promise<number> {
  return average(await errorStats(yTrue, yPred), (s) => (s[4] as number) / (s[0] as number));
}

/** Largest absolute error (one column). */
export async function maxError(yTrue: DsArray, yPred: DsArray): Promise<number> {
  if (yTrue?.shape?.[1] !== 1) throw new ParameterError('yTrue', 'maxError needs one target column');
  return (await errorStats(yTrue, yPred))[6] as number;
}
