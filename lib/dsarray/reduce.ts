/**
 * Reductions (`sum`, `mean`, `min`, `max`, `norm`) along axis 0, axis 1 or over the whole array. Each
 * block is reduced to a float64 partial by one task; partials are merged by a fixed-shape tree
 * ({@link treeReduce}), so results are bit-identical run to run and across worker counts.
 */
import { ParameterError, ShapeError } from '../errors.js';
import { submit, type Future } from '../runtime/index.js';
import type { Block } from './block.js';
import type { PartialOp } from './blockops.js';
import { DsArray } from './dsarray.js';
import { finishReduceTask, mergePartialsTask, partialTask } from './tasks.js';
import { treeReduce } from './tree.js';

/** A reduction of a ds-array. */
export type Reduction = 'sum' | 'mean' | 'min' | 'max' | 'norm';

/** Axis of a reduction: 0 gives a 1 x m result, 1 an n x 1 result, undefined a 1 x 1 result. */
export type Axis = 0 | 1 | undefined;

const PARTIAL: Record<Reduction, PartialOp> = { sum: 'sum', mean: 'sum', min: 'min', max: 'max', norm: 'sumsq' };

/** Submits the reduction `op` of x along `axis`. */
export function reduceArray(x: DsArray, op: Reduction, axis: Axis): DsArray {
  if (axis !== undefined && axis !== 0 && axis !== 1) throw new ParameterError('axis', `expected 0, 1 or undefined, found ${String(axis)}`);
  const [n, m] = x.shape;
  if (n === 0 || m === 0) throw new ShapeError(`${op}: cannot reduce an empty ${n} x ${m} array`, { shape: [n, m] });
  const pop = PARTIAL[op];
  const merge = (items: Future<Float64Array>[]) => treeReduce(items, mergePartialsTask, { args: [pop] });
  const partial = (b: Future<Block>, ax: 0 | 1 | 'all') => submit(partialTask, [b, pop, ax]);
  const finish = (f: Future<Float64Array>, count: number, rows: number, cols: number) =>
    submit(finishReduceTask, [f, op, count, rows, cols, x.dtype]);
  if (axis === 0) {
    const row = Array.from({ length: x.nBlocks[1] }, (_, j) =>
      finish(merge(x.blocks.map((r) => partial(r[j] as Future<Block>, 0))), n, 1, x.blockCols(j)),
    );
    return DsArray.fromBlocks([row], [1, m], [1, x.blockSize[1]], { dtype: x.dtype });
  }
  if (axis === 1) {
    const col = x.blocks.map((r, i) => [finish(merge(r.map((b) => partial(b, 1))), m, x.blockRows(i), 1)]);
    return DsArray.fromBlocks(col, [n, 1], [x.blockSize[0], 1], { dtype: x.dtype });
  }
  const all = merge(x.blocks.flatMap((r) => r.map((b) => partial(b, 'all'))));
  return DsArray.fromBlocks([[finish(all, n * m, 1, 1)]], [1, 1], [1, 1], { dtype: x.dtype });
}
