/**
 * The generic summing merge of partial results: objects of numbers, typed arrays, column moments and
 * ranges, non-finite findings, and null, merged field by field in the given order (the reduction tree fixes the order, so sums are
 * reproducible). Estimators reduce their per-block partials with {@link sumPartialsTask} instead of
 * writing a merge of their own.
 *
 * @packageDocumentation
 */
import { isColumnRange, isMoments, mergeColumnRange, mergeMoments, type ColumnRange, type Moments } from '../dsarray/moments.js';
import { ParameterError } from '../errors.js';
import { earlierNonFinite, isNonFinite, type NonFinite } from './finite.js';
import { taskModule, type TaskDef } from '../runtime/index.js';

const defineTask = taskModule(import.meta.url);

/**
 * A mergeable partial: numbers add, typed arrays add element-wise, Moments merge by Chan's formula,
 * ColumnRanges by min and max, NonFinite findings keep the earlier in row-major order, null is nothing
 * (it merges to the other side: an absent statistic, or no non-finite value found), plain objects merge
 * field by field.
 */
export type Mergeable = number | Float64Array | Float32Array | Int32Array | Moments | ColumnRange | NonFinite | null | { readonly [key: string]: Mergeable };

function merge2(a: Mergeable, b: Mergeable, path: string): Mergeable {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.length !== b.length) throw new ParameterError(path, `cannot add arrays of lengths ${a.length} and ${b.length}`);
    const out = new (a.constructor as Float64ArrayConstructor)(a.length);
    for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + (b[i] as number);
    return out;
  }
  if (isMoments(a) && isMoments(b)) return mergeMoments(a, b);
  if (isColumnRange(a) && isColumnRange(b)) return mergeColumnRange(a, b);
  if (isNonFinite(a) && isNonFinite(b)) return earlierNonFinite(a, b);
  if (typeof a === 'object' && typeof b === 'object' && !ArrayBuffer.isView(a) && !ArrayBuffer.isView(b)) {
    const out: Record<string, Mergeable> = {};
    for (const key of Object.keys(a)) out[key] = merge2((a as Record<string, Mergeable>)[key] as Mergeable, (b as Record<string, Mergeable>)[key] as Mergeable, `${path}.${key}`);
    return out;
  }
  throw new ParameterError(path, 'partials of different structure');
}

/** Merges partials of the same structure, left to right. */
export function sumPartials<T extends Mergeable>(parts: readonly T[]): T {
  const [first, ...rest] = parts;
  if (first === undefined) throw new ParameterError('parts', 'nothing to merge');
  return rest.reduce<Mergeable>((acc, p) => merge2(acc, p, 'parts'), first) as T;
}

/** {@link sumPartials} as a merge task of the reduction tree (`treeReduce`, `treeReduceValue`). */
export const sumPartialsTask = defineTask('base.sumPartials', <T extends Mergeable>(parts: T[]): T => sumPartials(parts), { readOnly: true });

/** {@link sumPartialsTask} typed for a partial type `T` (an interface of numbers, typed arrays, Moments, null). */
export function summing<T>(): TaskDef<[T[]], T> {
  return sumPartialsTask as unknown as TaskDef<[T[]], T>;
}
