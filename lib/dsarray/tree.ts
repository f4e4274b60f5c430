/**
 * Fixed-shape reduction trees: partial results are merged in chunks of {@link ARITY}, left to right,
 * level by level. The shape depends only on the number of inputs, so the floating-point result is the
 * same whatever the worker count or task timing.
 */
import type { Future } from '../runtime/index.js';

/** Inputs merged by one task. */
export const ARITY = 8;

/** Reduces `items` to one future with `merge` over consecutive chunks of at most {@link ARITY}. */
export function treeReduce<T>(items: readonly Future<T>[], merge: (chunk: Future<T>[]) => Future<T>): Future<T> {
  if (items.length === 0) throw new RangeError('treeReduce: nothing to reduce');
  let level = [...items];
  while (level.length > 1) {
    const next: Future<T>[] = [];
    for (let k = 0; k < level.length; k += ARITY) {
      const chunk = level.slice(k, k + ARITY);
      next.push(chunk.length === 1 ? (chunk[0] as Future<T>) : merge(chunk));
    }
    level = next;
  }
  return level[0] as Future<T>;
}
