/**
 * The gather planner behind slicing, row/column selection, rechunking and concatenation: for every
 * output block it finds the source blocks it needs and the runs of rows and columns to copy, and
 * submits one gather task (or reuses a source block unchanged when the output block is exactly it).
 */
import { submit, type Future } from '../runtime/index.js';
import type { Block, DType } from './block.js';
import { DsArray } from './dsarray.js';
import { blockCount, blockLength, blockOffsets, normalizeBlockSize } from './grid.js';
import { gatherTask } from './tasks.js';

/** A selection along one dimension: output position k takes source index `at(k)`. */
export interface Selection {
  /** Number of selected indices. */
  readonly length: number;
  /** Source index of output position k. */
  at(k: number): number;
}

/** One source block with what the fast path needs to reuse it as is. */
export interface SourceCell {
  /** The block. */
  readonly future: Future<Block>;
  /** Its element type. */
  readonly dtype: DType;
  /** It is a CSR block. */
  readonly sparse: boolean;
}

/** Source blocks on a grid with arbitrary boundaries (`rowOffsets[i]` is the first row of block row i). */
export interface SourceGrid {
  /** Row-major grid of source blocks. */
  readonly cells: readonly (readonly SourceCell[])[];
  /** Block row boundaries: one more entry than block rows, the last one the row count. */
  readonly rowOffsets: readonly number[];
  /** Block column boundaries, likewise. */
  readonly colOffsets: readonly number[];
}

/** The source grid of a ds-array. */
export function gridOf(x: DsArray): SourceGrid {
  return {
    cells: x.blocks.map((row) => row.map((future) => ({ future, dtype: x.dtype, sparse: x.sparse }))),
    rowOffsets: blockOffsets(x.shape[0], x.blockSize[0]),
    colOffsets: blockOffsets(x.shape[1], x.blockSize[1]),
  };
}

/** The identity selection of `n` indices. */
export function allOf(n: number): Selection {
  return { length: n, at: (k) => k };
}

interface AxisPlan {
  /** Source block indices touched, in first-use order. */
  readonly touched: number[];
  /** Flat `[touchedIndex, start, step, count]` runs. */
  readonly runs: Int32Array;
}

function findBlock(offsets: readonly number[], g: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((offsets[mid] as number) <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Plans output positions [from, from + count) of `sel` against source boundaries `offsets`. */
function planAxis(offsets: readonly number[], sel: Selection, from: number, count: number): AxisPlan {
  const touched: number[] = [];
  const slot = new Map<number, number>();
  const runs: number[] = [];
  let last = -1;
  for (let k = from; k < from + count; k++) {
    const g = sel.at(k);
    const b = findBlock(offsets, g);
    const local = g - (offsets[b] as number);
    let t = slot.get(b);
    if (t === undefined) {
      t = touched.push(b) - 1;
      slot.set(b, t);
    }
    const n = runs.length;
    if (last >= 0 && runs[last] === t) {
      const [start, step, cnt] = [runs[last + 1] as number, runs[last + 2] as number, runs[last + 3] as number];
      const prev = start + (cnt - 1) * step;
      if (cnt === 1 && local !== prev) {
        runs[last + 2] = local - prev;
        runs[last + 3] = 2;
        continue;
      }
      if (cnt > 1 && local - prev === step) {
        runs[last + 3] = cnt + 1;
        continue;
      }
    }
    runs.push(t, local, 1, 1);
    last = n;
  }
  return { touched, runs: Int32Array.from(runs) };
}

/** The plan is exactly source block `touched[0]` whole, in order. */
function isWhole(plan: AxisPlan, offsets: readonly number[]): boolean {
  const b = plan.touched[0] as number;
  const len = (offsets[b + 1] as number) - (offsets[b] as number);
  return plan.touched.length === 1 && plan.runs.length === 4 && plan.runs[1] === 0 && (plan.runs[2] === 1 || len === 1) && plan.runs[3] === len;
}

/**
 * Builds the ds-array whose element (r, c) is source element (rows.at(r), cols.at(c)), cut in blocks
 * of `blockSize`.
 */
export function gather(src: SourceGrid, rows: Selection, cols: Selection, blockSize: readonly [number, number], dtype: DType, sparse: boolean): DsArray {
  const shape: [number, number] = [rows.length, cols.length];
  const bs = normalizeBlockSize(blockSize, shape);
  const [nr, nc] = [blockCount(shape[0], bs[0]), blockCount(shape[1], bs[1])];
  const colPlans = Array.from({ length: nc }, (_, j) => planAxis(src.colOffsets, cols, j * bs[1], blockLength(shape[1], bs[1], j)));
  const blocks = Array.from({ length: nc === 0 ? 0 : nr }, (_, i) => {
    const outRows = blockLength(shape[0], bs[0], i);
    const rowPlan = planAxis(src.rowOffsets, rows, i * bs[0], outRows);
    return colPlans.map((colPlan, j) => {
      const outCols = blockLength(shape[1], bs[1], j);
      if (isWhole(rowPlan, src.rowOffsets) && isWhole(colPlan, src.colOffsets)) {
        const cell = src.cells[rowPlan.touched[0] as number]?.[colPlan.touched[0] as number] as SourceCell;
        if (cell.dtype === dtype && cell.sparse === sparse) return cell.future;
      }
      const sources = rowPlan.touched.map((bi) => colPlan.touched.map((bj) => (src.cells[bi]?.[bj] as SourceCell).future));
      return submit(gatherTask, [sources, rowPlan.runs, colPlan.runs, outRows, outCols, dtype, sparse]);
    });
  });
  return DsArray.fromBlocks(blocks, shape, bs, { dtype, sparse });
}
