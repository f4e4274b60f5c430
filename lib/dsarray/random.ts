/**
 * Random blocks of the ds-array: the values come from the `uniformFill` kernel (counter-based
 * Philox4x32-10, mapping documented in lib/kernels/js/random.ts), so element (r, c) is a pure function
 * of the seed and (r, c) and a block can be generated (or regenerated) anywhere, in any order, by any
 * number of workers, with the same bits.
 */
import type { DType } from './block.js';
import { alloc } from './blockops.js';
import { kernels } from '../kernels/index.js';
import type { FloatArray } from '../kernels/types.js';

/**
 * Uniform [0, 1) values of the rows `[row0, row0 + rows)` and columns `[col0, col0 + cols)` of the
 * infinite random matrix of `seed`, row-major, in a new buffer of `dtype`.
 */
export function uniformBlock(seed: number, row0: number, col0: number, rows: number, cols: number, dtype: DType): FloatArray {
  const out = alloc(dtype, rows * cols);
  kernels().uniformFill(seed, row0, col0, rows, cols, out);
  return out;
}
