/**
 * Fixed-order tree reduction of futures: the shape of the tree depends only on the number of inputs
 * and the fan-in, never on which worker finishes first, so reduced floating-point sums are identical
 * run to run and for any number of workers.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { submit, type Future, type TaskDef } from '../runtime/index.js';

/**
 * Reduces `items` with `merge` (a task taking an array of partial results, in order) in a tree of
 * fan-in `arity`: consecutive groups of `arity` items are merged, level by level, until one is left.
 * Takes ownership of the inputs: each is disposed once its merge is submitted (the runtime keeps it
 * until that merge has read it). With one input, returns it unchanged.
 *
 * @param items - at least one future
 * @param arity - fan-in, at least 2
 */
export function treeReduce<T>(items: readonly Future<T>[], arity: number, merge: TaskDef<[T[]], T>): Future<T> {
  let level = [...items];
  while (level.length > 1) {
    const next: Future<T>[] = [];
    for (let i = 0; i < level.length; i += arity) {
      const group = level.slice(i, i + arity);
      next.push(group.length === 1 ? (group[0] as Future<T>) : submit(merge, [group]));
      if (group.length > 1) for (const f of group) f.dispose();
    }
    level = next;
  }
  const root = level[0];
  if (root === undefined) throw new ParameterError('items', 'expected at least one future to reduce');
  return root;
}
