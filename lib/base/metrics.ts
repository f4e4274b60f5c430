/**
 * Distributed metrics of predictions against targets (the defaults of `score`): one task per row block
 * computes a partial (counts, squared errors, moments of the targets), partials are merged in the
 * fixed reduction tree, so scores are identical for any number of workers.
 *
 * @packageDocumentation
 */
import type { Block } from '../dsarray/block.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { columnMoments, type Moments } from '../dsarray/moments.js';
import { treeReduceValue } from '../dsarray/tree.js';
import { ParameterError } from '../errors.js';
import { submit, taskModule } from '../runtime/index.js';
import { DEFAULT_ARITY } from './estimator.js';
import { checkDsArray, checkXY, type Targets } from './input.js';
import { summing } from './partials.js';

const defineTask = taskModule(import.meta.url);

/** Per-row-block figures every metric here is computed from. */
interface ScorePartial {
  /** Rows whose prediction equals the target. */
  correct: number;
  /** Sum of squared differences. */
  sse: number;
  /** Moments of the targets (count, mean, squared deviations). */
  y: Moments;
}

function column(block: Block): Float64Array {
  if (block.kind === 'dense') return Float64Array.from(block.data);
  const out = new Float64Array(block.rows);
  for (let i = 0; i < block.rows; i++) if ((block.indptr[i + 1] as number) > (block.indptr[i] as number)) out[i] = block.data[block.indptr[i] as number] as number;
  return out;
}

const scorePartialTask = defineTask('base.scorePartial', (truth: Block, pred: Block): ScorePartial => {
  const t = column(truth);
  const p = column(pred);
  let correct = 0;
  let sse = 0;
  for (let i = 0; i < t.length; i++) {
    const diff = (t[i] as number) - (p[i] as number);
    if (diff === 0) correct++;
    sse += diff * diff;
  }
  return { correct, sse, y: columnMoments(truth) };
}, { readOnly: true });

async function partial(yTrue: DsArray | Targets, yPred: DsArray, arity: number): Promise<ScorePartial> {
  const pred = checkDsArray(yPred, 'yPred');
  if (pred.shape[1] !== 1) throw new ParameterError('yPred', `expected one column, found ${pred.shape[1]}`);
  const { y: truth } = checkXY(pred, yTrue);
  const parts = truth.blocks.map((row, i) => submit(scorePartialTask, [row[0] as never, pred.blocks[i]?.[0] as never]));
  return treeReduceValue(parts, summing<ScorePartial>(), { arity });
}

/**
 * Fraction of rows whose predicted label equals the target (scikit-learn's `accuracy_score`).
 *
 * @param yTrue - targets: a one-column DsArray or a 1-D array, with the rows (and row blocking) of `yPred`
 * @param yPred - predictions, n x 1
 * @throws {@link ParameterError} naming `y` or `yPred` on mismatched shapes
 */
export async function accuracyScore(yTrue: DsArray | Targets, yPred: DsArray, arity = DEFAULT_ARITY): Promise<number> {
  const p = await partial(yTrue, yPred, arity);
  return p.correct / p.y.n;
}

/**
 * Coefficient of determination R² = 1 - SSE / SStot (scikit-learn's `r2_score`: 1 for a perfect fit
 * of constant targets, 0 for an imperfect one).
 *
 * @throws {@link ParameterError} naming `y` or `yPred` on mismatched shapes
 */
export async function r2Score(yTrue: DsArray | Targets, yPred: DsArray, arity = DEFAULT_ARITY): Promise<number> {
  const p = await partial(yTrue, yPred, arity);
  const total = p.y.m2[0] as number;
  if (total === 0) return p.sse === 0 ? 1 : 0;
  return 1 - p.sse / total;
}

/** Mean of the squared differences (scikit-learn's `mean_squared_error`). */
export async function meanSquaredError(yTrue: DsArray | Targets, yPred: DsArray, arity = DEFAULT_ARITY): Promise<number> {
  const p = await partial(yTrue, yPred, arity);
  return p.sse / p.y.n;
}
