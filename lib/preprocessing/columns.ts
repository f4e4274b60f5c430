/**
 * What the scalers share: column statistics of a ds-array (one task per block, one fixed reduction
 * tree per block column) and per-column affine maps as lazy ds-arrays of the same blocking.
 *
 * @packageDocumentation
 */
import { assertFinite, earlierNonFinite, type NonFinite } from '../base/finite.js';
import { summing } from '../base/partials.js';
import type { Block } from '../dsarray/block.js';
import type { DsArray } from '../dsarray/dsarray.js';
import type { ColumnRange, Moments } from '../dsarray/moments.js';
import { mapBlocks } from '../dsarray/rows.js';
import { treeReduceValue } from '../dsarray/tree.js';
import { submit, type Future, type TaskDef } from '../runtime/index.js';
import { affineTask, type Checked } from './tasks.js';

/**
 * Merged statistics of each block column of `x`, in column order.
 *
 * @throws {@link NonFiniteError} naming the first NaN or infinity of `x` (found by the same tasks)
 */
export async function perBlockColumn<T extends Moments | ColumnRange>(
  x: DsArray,
  task: TaskDef<[Block, number, number], Checked<T>>,
  arity: number,
  estimator: string,
): Promise<T[]> {
  const [br, bc] = x.blockSize;
  const parts = await Promise.all(
    Array.from({ length: x.nBlocks[1] }, (_, j) =>
      treeReduceValue(x.blocks.map((row, i) => submit(task, [row[j] as Future<Block>, i * br, j * bc])), summing<Checked<T>>(), { arity }),
    ),
  );
  assertFinite(parts.reduce<NonFinite | null>((first, p) => earlierNonFinite(first, p.nonFinite), null), 'x', estimator);
  return parts.map((p) => p.stats);
}

/** The per-block-column arrays joined into one array of all columns. */
export function joined(parts: readonly Float64Array[]): number[] {
  return parts.flatMap((p) => Array.from(p));
}

/** Per-column vectors of an affine map; null skips the step. */
export interface AffineSteps {
  sub?: readonly number[] | null;
  div?: readonly number[] | null;
  mul?: readonly number[] | null;
  add?: readonly number[] | null;
}

/** `((x - sub) / div) * mul + add` column by column, lazily, with the blocking, dtype and kind of `x`. */
export function affine(x: DsArray, steps: AffineSteps): DsArray {
  const bc = x.blockSize[1];
  const slice = (v: readonly number[] | null | undefined, j: number) => (v == null ? null : Float64Array.from(v.slice(j * bc, j * bc + x.blockCols(j))));
  const perColumn = Array.from({ length: x.nBlocks[1] }, (_, j) => [slice(steps.sub, j), slice(steps.div, j), slice(steps.mul, j), slice(steps.add, j)]);
  type Args = [Float64Array | null, Float64Array | null, Float64Array | null, Float64Array | null];
  return mapBlocks(x, affineTask, (_i, j) => perColumn[j] as Args);
}
