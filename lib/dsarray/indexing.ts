/**
 * Index specifications (numpy-style ranges, steps and index lists) and the operations built on the
 * gather planner: slicing, row/column selection, rechunking and concatenation.
 */
import { ParameterError, ShapeError } from '../errors.js';
import { promote } from './blockops.js';
import type { DsArray } from './dsarray.js';
import { allOf, gather, gridOf, type Selection, type SourceCell, type SourceGrid } from './gather.js';

/** A numpy slice `start:stop:step`; negative values count from the end, omitted ones default as in numpy. */
export interface Range {
  /** First index (default 0, or the last index when `step` is negative). */
  readonly start?: number;
  /** Index where the range stops, excluded (default: past the end in the direction of `step`). */
  readonly stop?: number;
  /** Non-zero stride (default 1); negative walks backwards. */
  readonly step?: number;
}

/**
 * Which rows (or columns) to take: a single index (kept as a dimension of length 1), `[start, stop]`
 * (the half-open range, numpy `start:stop`), a {@link Range} with a step, or `{ indices }`: any list
 * of indices, in the given order, repeats allowed. Negative indices count from the end.
 */
export type IndexSpec = number | readonly [number, number] | Range | { readonly indices: readonly number[] | Int32Array };

/** Options of `DsArray.slice`: omitted dimensions are taken whole. */
export interface SliceSpec {
  /** Rows to take (default all). */
  readonly rows?: IndexSpec;
  /** Columns to take (default all). */
  readonly cols?: IndexSpec;
}

function checkInt(v: unknown, parameter: string): number {
  if (!Number.isSafeInteger(v)) throw new ParameterError(parameter, `expected an integer, found ${String(v)}`);
  return v as number;
}

/** Resolves a single index against a dimension of length n (negative counts from the end). */
export function resolveIndex(i: number, n: number, parameter: string): number {
  checkInt(i, parameter);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) throw new ParameterError(parameter, `index ${i} is out of range for a dimension of length ${n}`);
  return k;
}

/** Python's `slice(start, stop, step).indices(n)` as a selection. */
function rangeSelection(r: Range, n: number, parameter: string): Selection {
  const step = checkInt(r.step ?? 1, `${parameter}.step`);
  if (step === 0) throw new ParameterError(`${parameter}.step`, 'must not be zero');
  const clip = (v: number | undefined, dflt: number, lo: number, hi: number, name: string): number => {
    if (v === undefined) return dflt;
    const k = checkInt(v, `${parameter}.${name}`);
    return Math.min(Math.max(k < 0 ? k + n : k, lo), hi);
  };
  const start = step > 0 ? clip(r.start, 0, 0, n, 'start') : clip(r.start, n - 1, -1, n - 1, 'start');
  const stop = step > 0 ? clip(r.stop, n, 0, n, 'stop') : clip(r.stop, -1, -1, n - 1, 'stop');
  const length = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { length, at: (k) => start + k * step };
}

/** Turns an {@link IndexSpec} into a selection of a dimension of length n. */
export function selection(spec: IndexSpec | undefined, n: number, parameter: string): Selection {
  if (spec === undefined) return allOf(n);
  if (typeof spec === 'number') {
    const k = resolveIndex(spec, n, parameter);
    return { length: 1, at: () => k };
  }
  if (Array.isArray(spec)) {
    if (spec.length !== 2) {
      throw new ParameterError(parameter, `a range is [start, stop]; found an array of ${spec.length} (use { indices: [...] } for a list)`);
    }
    return rangeSelection({ start: spec[0] as number, stop: spec[1] as number }, n, parameter);
  }
  if (typeof spec === 'object' && spec !== null && 'indices' in spec) {
    const list = Array.from(spec.indices, (i, k) => resolveIndex(i, n, `${parameter}.indices[${k}]`));
    return { length: list.length, at: (k) => list[k] as number };
  }
  if (typeof spec === 'object' && spec !== null) return rangeSelection(spec as Range, n, parameter);
  throw new ParameterError(parameter, `expected an index, [start, stop], { start, stop, step } or { indices }, found ${typeof spec}`);
}

/** The sub-array of the selected rows and columns, in the source's block size. */
export function sliceArray(x: DsArray, spec: SliceSpec): DsArray {
  if (typeof spec !== 'object' || spec === null) throw new ParameterError('spec', 'expected { rows?, cols? }');
  const rows = selection(spec.rows, x.shape[0], 'rows');
  const cols = selection(spec.cols, x.shape[1], 'cols');
  return gather(gridOf(x), rows, cols, x.blockSize, x.dtype, x.sparse);
}

/** The same array cut in blocks of `blockSize`. */
export function rechunkArray(x: DsArray, blockSize: readonly [number, number]): DsArray {
  return gather(gridOf(x), allOf(x.shape[0]), allOf(x.shape[1]), blockSize, x.dtype, x.sparse);
}

function checkList(arrays: readonly DsArray[], what: string): DsArray {
  const first = arrays[0];
  if (!Array.isArray(arrays) || first === undefined) throw new ParameterError('arrays', `${what}: expected a non-empty array of ds-arrays`);
  return first;
}

/** Concatenates along axis 0 (numpy `vstack`) or axis 1 (`hstack`); the result has the first array's block size. */
function concat(arrays: readonly DsArray[], axis: 0 | 1): DsArray {
  const name = axis === 0 ? 'concatRows' : 'concatColumns';
  const first = checkList(arrays, name);
  const other = 1 - axis;
  arrays.forEach((a, k) => {
    if (a.shape[other] !== first.shape[other]) {
      throw new ShapeError(`${name}: array ${k} has shape ${a.shape.join(' x ')}, expected ${axis === 0 ? 'columns' : 'rows'} = ${first.shape[other]}`, { index: k });
    }
  });
  // Align the shared dimension's blocking so the pieces form one grid with irregular boundaries.
  const aligned = arrays.map((a) =>
    a.blockSize[other] === first.blockSize[other] ? a : rechunkArray(a, axis === 0 ? [a.blockSize[0], first.blockSize[1]] : [first.blockSize[0], a.blockSize[1]]),
  );
  // Arrays empty along the axis add nothing (and have no blocks to take a grid from).
  const nonEmpty = aligned.filter((a) => a.shape[axis] > 0);
  const grids = (nonEmpty.length > 0 ? nonEmpty : [first]).map(gridOf);
  const along = (g: SourceGrid) => (axis === 0 ? g.rowOffsets : g.colOffsets);
  const offsets = [0];
  let total = 0;
  for (const g of grids) {
    const o = along(g);
    for (let k = 1; k < o.length; k++) offsets.push(total + (o[k] as number));
    total += o[o.length - 1] ?? 0;
  }
  const base = grids[0] as SourceGrid;
  let cells: SourceCell[][];
  if (axis === 0) cells = grids.flatMap((g) => g.cells.map((row) => [...row]));
  else cells = base.cells.map((_, i) => grids.flatMap((g) => [...(g.cells[i] ?? [])]));
  const src: SourceGrid = axis === 0 ? { cells, rowOffsets: offsets, colOffsets: base.colOffsets } : { cells, rowOffsets: base.rowOffsets, colOffsets: offsets };
  const dtype = arrays.map((a) => a.dtype).reduce(promote);
  const sparse = arrays.every((a) => a.sparse);
  const shape: [number, number] = axis === 0 ? [total, first.shape[1]] : [first.shape[0], total];
  return gather(src, allOf(shape[0]), allOf(shape[1]), first.blockSize, dtype, sparse);
}

/**
 * Stacks ds-arrays vertically (numpy `vstack`): every array must have the same number of columns.
 * The result has the first array's block size, the widest dtype, and is sparse only if all are.
 *
 * @throws {@link ShapeError} when the column counts differ
 */
export function concatRows(arrays: readonly DsArray[]): DsArray {
  return concat(arrays, 0);
}

/**
 * Places ds-arrays side by side (numpy `hstack`): every array must have the same number of rows.
 * The result has the first array's block size, the widest dtype, and is sparse only if all are.
 *
 * @throws {@link ShapeError} when the row counts differ
 */
export function concatColumns(arrays: readonly DsArray[]): DsArray {
  return concat(arrays, 1);
}
