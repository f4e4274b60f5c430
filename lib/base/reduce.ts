/**
 * Fixed-order tree reduction of futures: the shape of the tree depends only on the number of inputs
 * and the fan-in, never on which worker finishes first, so reduced floating-point sums are identical
 * run to run and for any number of workers (and whether the root runs on a worker or here).
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { getAll, submit, type Future, type TaskDef } from '../runtime/index.js';

/**
 * Reduces `items` with `merge` (a task taking an array of partial results, in order) in a tree of
 * fan-in `arity`: consecutive groups of `arity` items are merged, level by level, until at most
 * `arity` are left; those are fetched and merged in order by `merge.fn` in this process (the root of
 * the tree), which saves the last hop through a worker. Takes ownership of the inputs: each is disposed
 * once its merge is submitted or it was fetched.
 *
 * @param items - at least one future
 * @param arity - fan-in, at least 2
 */
export async function treeReduce<T>(items: readonly Future<T>[], arity: number, merge: TaskDef<[T[]], T>): Promise<T> {
  let level = [...items];
  while (level.length > arity) {
    const next: Future<T>[] = [];
    for (let i = 0; i < level.length; i += arity) {
      const group = level.slice(i, i + arity);
      next.push(group.length === 1 ? (group[0] as Future<T>) : submit(merge, [group]));
      if (group.length > 1) for (const f of group) f.dispose();
    }
    level = next;
  }
  if (level.length === 0) throw new ParameterError('items', 'expected at least one future to reduce');
  try {
    const values = await getAll(level);
    return values.length === 1 ? (values[0] as T) : await merge.fn(values);
  } finally {
    for (const f of level) f.dispose();
  }
}
