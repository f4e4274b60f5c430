/**
 * Turns a generator's block maker into ds-arrays: x cut in `blockSize`, labels (or targets) as a
 * second ds-array with x's row blocking and one block column.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import type { Future } from '../runtime/index.js';
import type { Block, DType } from '../dsarray/block.js';
import { DsArray } from '../dsarray/dsarray.js';
import { blockCount, blockLength, normalizeBlockSize } from '../dsarray/grid.js';

/** Options every generator shares. */
export interface GeneratorOptions {
  /** Seed: the same seed gives the same arrays whatever the blocking and worker count. Default: a random seed. */
  readonly randomState?: number;
  /** `[rows, cols]` of a block of x. Default: up to 10,000 rows by all columns. */
  readonly blockSize?: readonly [number, number];
  /** Element type. Default `'float64'`. */
  readonly dtype?: DType;
}

/** Checks a count option: an integer >= min. */
export function count(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new ParameterError(name, `expected an integer >= ${min}, found ${String(value)}`);
  return value;
}

/** Checks a finite number option (>= min). */
export function finite(value: unknown, name: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ParameterError(name, `expected a finite number${min === -Infinity ? '' : ` >= ${min}`}, found ${String(value)}`);
  }
  return value;
}

/** The checked dtype and block size of a generator's x of `shape`. */
export function layout(opts: GeneratorOptions, shape: [number, number]): { dtype: DType; blockSize: [number, number] } {
  const dtype = opts.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw new ParameterError('dtype', `expected 'float64' or 'float32', found ${JSON.stringify(dtype)}`);
  return { dtype, blockSize: normalizeBlockSize(opts.blockSize ?? [10_000, Math.max(1, shape[1])], shape) };
}

/** A ds-array of `shape` in `blockSize` whose block (i, j) is `make(row0, rows, col0, cols)`. */
export function generated(
  shape: [number, number],
  blockSize: [number, number],
  dtype: DType,
  sparse: boolean,
  make: (row0: number, rows: number, col0: number, cols: number) => Future<Block>,
): DsArray {
  const [nr, nc] = [blockCount(shape[0], blockSize[0]), blockCount(shape[1], blockSize[1])];
  const blocks = Array.from({ length: nc === 0 ? 0 : nr }, (_, i) =>
    Array.from({ length: nc }, (_, j) =>
      make(i * blockSize[0], blockLength(shape[0], blockSize[0], i), j * blockSize[1], blockLength(shape[1], blockSize[1], j)),
    ),
  );
  return DsArray.fromBlocks(blocks, shape, blockSize, { dtype, sparse });
}
