/**
 * Tasks used by the ds-array tests (for applyAlongAxis); workers import this module through
 * `init({ taskModules })`.
 */
import type { DenseBlock } from '../../lib/dsarray/index.js';
import { defineTask } from '../../lib/runtime/index.js';

/** URL of this module, for `init({ taskModules: [taskModuleUrl] })`. */
export const taskModuleUrl = import.meta.url;

/** max - min + offset along the axis of a slab. */
export const rangeAlong = defineTask('test.dsarray.rangeAlong', (slab: DenseBlock, axis: 0 | 1, offset: number): number[] => {
  const n = axis === 0 ? slab.cols : slab.rows;
  const len = axis === 0 ? slab.rows : slab.cols;
  return Array.from({ length: n }, (_, k) => {
    let [lo, hi] = [Infinity, -Infinity];
    for (let t = 0; t < len; t++) {
      const v = slab.data[axis === 0 ? t * slab.cols + k : k * slab.cols + t] as number;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return hi - lo + offset;
  });
});

/** Returns the wrong number of values (to check the error). */
export const wrongLength = defineTask('test.dsarray.wrongLength', (): number[] => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
