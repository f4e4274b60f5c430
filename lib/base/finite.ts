/**
 * Finite-value checks of estimator input, made inside passes estimators already make over their data:
 * a block task tests its own cheap result first ({@link allFinite}: a NaN or infinity in the data
 * reaches every sum it enters) and locates the culprit ({@link firstNonFinite}) only then.
 *
 * @packageDocumentation
 */
import type { Block } from '../dsarray/block.js';
import { NonFiniteError } from '../errors.js';

/** A non-finite value and where it is (row and column from 0). */
export interface NonFinite {
  row: number;
  column: number;
  value: number;
}

/** Whether a partial result's field is a {@link NonFinite} finding. */
export function isNonFinite(v: unknown): v is NonFinite {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && Object.keys(v).length === 3 &&
    typeof (v as NonFinite).row === 'number' && typeof (v as NonFinite).column === 'number' && typeof (v as NonFinite).value === 'number';
}

/** Whether every value is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
}

/**
 * The first non-finite value of a block in row-major order, or null; the block's first element is at
 * (`rowOffset`, `colOffset`) of the array.
 */
export function firstNonFinite(block: Block, rowOffset = 0, colOffset = 0): NonFinite | null {
  const { rows, cols, data } = block;
  if (block.kind === 'dense') {
    for (let i = 0; i < rows * cols; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) return { row: rowOffset + Math.floor(i / cols), column: colOffset + (i % cols), value: v };
    }
    return null;
  }
  for (let r = 0; r < rows; r++) {
    let found: NonFinite | null = null;
    for (let p = block.indptr[r] as number; p < (block.indptr[r + 1] as number); p++) {
      const v = data[p] as number;
      const column = colOffset + (block.indices[p] as number);
      // CSR indices of a row are sorted in this library, but the first column is what the message needs.
      if (!Number.isFinite(v) && (found === null || column < found.column)) found = { row: rowOffset + r, column, value: v };
    }
    if (found !== null) return found;
  }
  return null;
}

/** The first of two findings in row-major order (null when neither found one). */
export function earlierNonFinite(a: NonFinite | null, b: NonFinite | null): NonFinite | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.row < a.row || (b.row === a.row && b.column < a.column) ? b : a;
}

/**
 * Throws when a pass found a non-finite value.
 *
 * @param parameter - the argument's name, e.g. `'x'`
 * @param estimator - who needs finite values, e.g. `'KMeans.fit'`
 * @throws {@link NonFiniteError} naming the row and column
 */
export function assertFinite(found: NonFinite | null, parameter: string, estimator: string): void {
  if (found !== null) throw new NonFiniteError(parameter, estimator, found);
}
