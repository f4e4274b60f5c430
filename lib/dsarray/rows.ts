/**
 * Row-block helpers for estimators: joining the column blocks of a row block into one block (once per
 * fit, as a lazy ds-array), copying one row out of a block, and mapping a task over blocks or row
 * blocks into a new lazy ds-array (predict/transform).
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { submit, taskModule, type Future, type TaskDef } from '../runtime/index.js';
import type { Block, DType } from './block.js';
import { dtypeOf, gatherBlock } from './blockops.js';
import { DsArray } from './dsarray.js';

const defineTask = taskModule(import.meta.url);

/** Joins the column blocks of one row block into a single block (the block itself when there is one). */
export function joinRow(row: readonly Block[]): Block {
  const first = row[0];
  if (first === undefined) throw new ParameterError('row', 'a row block has no column blocks');
  if (row.length === 1) return first;
  const cols = row.reduce((s, b) => s + b.cols, 0);
  const colRuns = Int32Array.from(row.flatMap((b, j) => [j, 0, 1, b.cols]));
  return gatherBlock([row], Int32Array.of(0, 0, 1, first.rows), colRuns, first.rows, cols, dtypeOf(first.data), first.kind === 'csr');
}

/** Copies row `i` of a block (dense or CSR) into `out` at `offset` (all columns; CSR zeros left as they are in `out`). */
export function copyRow(x: Block, i: number, out: Float64Array, offset: number): void {
  if (x.kind === 'dense') {
    for (let f = 0; f < x.cols; f++) out[offset + f] = x.data[i * x.cols + f] as number;
    return;
  }
  for (let p = x.indptr[i] as number; p < (x.indptr[i + 1] as number); p++) out[offset + (x.indices[p] as number)] = x.data[p] as number;
}

/** The row block joined into one block. */
export const joinRowTask = defineTask('dsarray.joinRow', (row: Block[]): Block => joinRow(row), { readOnly: true });

/** Options of {@link mapBlocks} and {@link mapRowBlocks}: the result's element type and storage. */
export interface MapOptions {
  /** Element type of the result (default the input's). */
  readonly dtype?: DType;
  /** True when the task returns CSR blocks (default the input's sparsity). */
  readonly sparse?: boolean;
}

/** Per-block (or per-row-block) extra arguments of a mapped task: fixed values, or a function of the block's position. */
export type MapArgs<E extends unknown[], I extends unknown[]> = E | ((...at: I) => E);

function argsAt<E extends unknown[], I extends unknown[]>(args: MapArgs<E, I>, ...at: I): E {
  return typeof args === 'function' ? args(...at) : args;
}

/**
 * A lazy ds-array of the same shape and blocking as `x` whose block (i, j) is `task(x.blocks[i][j], ...args)`.
 * The task must return a block of the same size.
 *
 * @param args - extra arguments, or a function `(i, j) => args` (e.g. the slice of per-column statistics of block column j)
 * @example
 * ```ts
 * const scaled = mapBlocks(x, scaleTask, (i, j) => [scale.subarray(j0(j), j1(j))]);
 * ```
 */
export function mapBlocks<E extends unknown[]>(
  x: DsArray,
  task: TaskDef<[Block, ...E], Block>,
  args: MapArgs<E, [number, number]>,
  options: MapOptions = {},
): DsArray {
  const blocks = x.blocks.map((row, i) => row.map((b, j) => submit(task as TaskDef<unknown[], Block>, [b, ...argsAt(args, i, j)])));
  return DsArray.fromBlocks(blocks, x.shape, x.blockSize, { dtype: options.dtype ?? x.dtype, sparse: options.sparse ?? x.sparse });
}

/**
 * A lazy n x `cols` ds-array with the row blocking of `x` and one block column, whose row block i is
 * `task(x.blocks[i], ...args)` (the task receives the row's column blocks; {@link joinRow} joins them).
 * The task must return a block of `x.blockRows(i)` rows and `cols` columns.
 *
 * @example
 * ```ts
 * const labels = mapRowBlocks(x, predictTask, 1, [centers, k]);
 * ```
 */
export function mapRowBlocks<E extends unknown[]>(
  x: DsArray,
  task: TaskDef<[Block[], ...E], Block>,
  cols: number,
  args: MapArgs<E, [number]>,
  options: MapOptions = {},
): DsArray {
  const blocks = x.blocks.map((row, i) => [submit(task as TaskDef<unknown[], Block>, [row, ...argsAt(args, i)]) as Future<Block>]);
  return DsArray.fromBlocks(blocks, [x.shape[0], cols], [x.blockSize[0], cols], { dtype: options.dtype ?? x.dtype, sparse: options.sparse ?? x.sparse });
}

/**
 * Runs `body` on `x` with each row block joined into one block (so tasks of every iteration read one
 * block per row block instead of joining again), then releases the joined blocks. `x` itself is passed
 * when it has a single block column.
 */
export async function withJoinedRows<R>(x: DsArray, body: (joined: DsArray) => Promise<R>): Promise<R> {
  if (x.nBlocks[1] <= 1) return body(x);
  const joined = mapRowBlocks(x, joinRowTask, x.shape[1], []);
  try {
    return await body(joined);
  } finally {
    for (const row of joined.blocks) for (const f of row) f.dispose();
  }
}
