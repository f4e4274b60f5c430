/**
 * `applyAlongAxis`: runs a registered task on every slab of blocks along an axis (numpy's
 * `apply_along_axis`, vectorised per slab as in dislib). Only the task's name crosses the wire.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { submit, type TaskDef } from '../runtime/index.js';
import { lookupTask } from '../runtime/task.js';
import { DsArray } from './dsarray.js';
import { applyTask } from './tasks.js';

/**
 * Applies the registered task `task` to every slab of `x`: for axis 0 each block column (all rows of
 * those columns), for axis 1 each block row. The task receives the slab as a dense block, the axis and
 * `args`, and returns the slab's reduction along the axis: `slab.cols` values for axis 0 (result
 * 1 x m) or `slab.rows` values for axis 1 (result n x 1), as numbers, a Float64Array/Float32Array or
 * a block. The task must be defined with `defineTask` in a module the workers import.
 *
 * @param task - a task created by `defineTask` (no closures: workers look it up by name)
 * @param axis - 0 or 1
 * @param x - the input (sparse inputs are densified per slab)
 * @param args - extra arguments passed to the task after the axis (JSON-able values or typed arrays)
 * @throws {@link ParameterError} on an unregistered task or a bad axis
 * @example
 * ```ts
 * // in a task module listed in init({ taskModules })
 * export const colRange = defineTask('my.colRange', (slab: DenseBlock, axis: 0 | 1) => { ... });
 * const ranges = applyAlongAxis(colRange, 0, x); // 1 x m
 * ```
 */
export function applyAlongAxis<A extends unknown[]>(task: TaskDef<A, unknown>, axis: 0 | 1, x: DsArray, ...args: unknown[]): DsArray {
  if (lookupTask(task?.name) !== (task as unknown)) throw new ParameterError('task', 'expected a task created by defineTask()');
  if (axis !== 0 && axis !== 1) throw new ParameterError('axis', `expected 0 or 1, found ${String(axis)}`);
  if (axis === 0) {
    const row = Array.from({ length: x.nBlocks[1] }, (_, j) => submit(applyTask, [task.name, 0, x.blocks.map((r) => r[j] as never), x.dtype, args]));
    return DsArray.fromBlocks([row], [1, x.shape[1]], [1, x.blockSize[1]], { dtype: x.dtype });
  }
  const col = x.blocks.map((r) => [submit(applyTask, [task.name, 1, [...r], x.dtype, args])]);
  return DsArray.fromBlocks(col, [x.shape[0], 1], [x.blockSize[0], 1], { dtype: x.dtype });
}
