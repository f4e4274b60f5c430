/** The `uniformFill` kernel. @packageDocumentation */
import { dim, matrix, mdim } from './check.js';
import { defineKernel } from './define.js';
import { uniformFill as js } from './js/random.js';
import type { FloatArray } from './types.js';

/**
 * Fills `out` (rows x cols, row-major) with rows `[row0, row0 + rows)` and columns `[col0, col0 + cols)`
 * of the infinite uniform [0, 1) matrix of `seed` (Philox4x32-10, counter-based: each value depends only
 * on the seed and its (row, column), so any block decomposition gives the same bits; mapping documented
 * in lib/kernels/js/random.ts). A Float64Array gets 53 random bits per value, a Float32Array 24.
 * `seed`, `row0` and `col0` are non-negative safe integers, and so are `row0 + rows` and `col0 + cols`.
 */
export type UniformFill = (seed: number, row0: number, col0: number, rows: number, cols: number, out: FloatArray) => void;

export const uniformFill = defineKernel<UniformFill>({
  name: 'uniformFill',
  check(seed, row0, col0, rows, cols, out) {
    matrix('out', out, mdim('rows', rows), mdim('cols', cols));
    // Counters are 64-bit: seed and positions may exceed 2^31 but must be exact doubles.
    const positions: [string, number][] = [['seed', seed], ['row0', row0], ['col0', col0], ['row0 + rows', row0 + rows], ['col0 + cols', col0 + cols]];
    for (const [name, v] of positions) dim(name, v);
  },
  js,
});
