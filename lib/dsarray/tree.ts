/**
 * The fixed-order tree reduction used everywhere (ds-array reductions, matmul, estimator fits):
 * consecutive groups of `arity` partial results are merged, left to right, level by level. The shape
 * depends only on the number of inputs and the fan-in, never on which worker finishes first, so reduced
 * floating-point sums are identical run to run, for any number of workers, and whether the root merge
 * runs on a worker ({@link treeReduce}) or in this process ({@link treeReduceValue}).
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { getAll, submit, type Future, type TaskDef } from '../runtime/index.js';

/** Default fan-in of ds-array reductions. */
export const ARITY = 8;

/** Options of {@link treeReduce} and {@link treeReduceValue}. */
export interface TreeOptions<E extends unknown[]> {
  /** Fan-in, at least 2 (default {@link ARITY}). */
  readonly arity?: number;
  /** Extra arguments passed to every merge after the array of partials. */
  readonly args?: E;
}

/** A merge task: takes the partials of a group in order (and fixed extra arguments), returns their merge. */
export type MergeTask<T, E extends unknown[]> = TaskDef<[T[], ...E], T>;

/**
 * Builds the tree up to its last level (at most `arity` futures left). Takes ownership of the inputs:
 * each is disposed once the merge reading it is submitted.
 */
function lastLevel<T, E extends unknown[]>(items: readonly Future<T>[], merge: MergeTask<T, E>, arity: number, args: E): Future<T>[] {
  if (!Number.isInteger(arity) || arity < 2) throw new ParameterError('arity', `expected an integer >= 2, found ${String(arity)}`);
  if (items.length === 0) throw new ParameterError('items', 'expected at least one future to reduce');
  let level = [...items];
  while (level.length > arity) {
    const next: Future<T>[] = [];
    for (let i = 0; i < level.length; i += arity) {
      const group = level.slice(i, i + arity);
      if (group.length === 1) {
        next.push(group[0] as Future<T>);
        continue;
      }
      next.push(submit(merge as TaskDef<unknown[], T>, [group, ...args]));
      for (const f of group) f.dispose();
    }
    level = next;
  }
  return level;
}

/**
 * Reduces `items` to one future: the root merge runs on a worker (lazy; nothing is awaited).
 *
 * @throws {@link ParameterError} on no items or a bad arity
 */
export function treeReduce<T, E extends unknown[] = []>(items: readonly Future<T>[], merge: MergeTask<T, E>, options: TreeOptions<E> = {}): Future<T> {
  const args = (options.args ?? []) as E;
  const level = lastLevel(items, merge, options.arity ?? ARITY, args);
  if (level.length === 1) return level[0] as Future<T>;
  const root = submit(merge as TaskDef<unknown[], T>, [level, ...args]);
  for (const f of level) f.dispose();
  return root;
}

/**
 * Reduces `items` to a value: the same tree as {@link treeReduce}, but the last level is fetched and
 * merged here by `merge.fn` (one hop through a worker less when the caller needs the value anyway).
 *
 * @throws {@link ParameterError} on no items or a bad arity
 */
export async function treeReduceValue<T, E extends unknown[] = []>(
  items: readonly Future<T>[],
  merge: MergeTask<T, E>,
  options: TreeOptions<E> = {},
): Promise<T> {
  const args = (options.args ?? []) as E;
  const level = lastLevel(items, merge, options.arity ?? ARITY, args);
  try {
    const values = await getAll(level);
    return values.length === 1 ? (values[0] as T) : await merge.fn(values, ...args);
  } finally {
    for (const f of level) f.dispose();
  }
}
