/**
 * Worker side of the loaders' second layer: cut a block out of row-major pieces that each hold a run
 * of consecutive rows of the whole matrix.
 */
import type { DType, DenseBlock } from '../block.js';

/**
 * Builds the dense block of columns `[c0, c1)` from `pieces`, taking `counts[k]` rows of piece k
 * starting at its row `offsets[k]` (pieces have `cols` columns and follow each other in row order).
 */
export function assembleDense(
  pieces: readonly Float64Array[],
  offsets: readonly number[],
  counts: readonly number[],
  cols: number,
  c0: number,
  c1: number,
  dtype: DType,
): DenseBlock {
  const rows = counts.reduce((s, c) => s + c, 0);
  const width = c1 - c0;
  const data = dtype === 'float32' ? new Float32Array(rows * width) : new Float64Array(rows * width);
  let r = 0;
  pieces.forEach((piece, k) => {
    const first = offsets[k] as number;
    const count = counts[k] as number;
    if (c0 === 0 && c1 === cols) {
      data.set(piece.subarray(first * cols, (first + count) * cols), r * width);
    } else {
      for (let i = 0; i < count; i++) {
        const src = (first + i) * cols;
        data.set(piece.subarray(src + c0, src + c1), (r + i) * width);
      }
    }
    r += count;
  });
  return { kind: 'dense', rows, cols: width, data };
}

/**
 * A parse task returns its rows in this many pieces, so that a block is assembled from the pieces it
 * overlaps rather than from whole ranges (what moves between workers is about the block's size).
 */
export const PIECES_PER_RANGE = 16;

/** Rows of each of the `pieces` pieces of `rows` rows (as even as possible, in order). */
export function pieceRows(rows: number, pieces = PIECES_PER_RANGE): number[] {
  return Array.from({ length: pieces }, (_, p) => Math.floor(((p + 1) * rows) / pieces) - Math.floor((p * rows) / pieces));
}

/** Cuts a row-major `rows x cols` matrix into {@link pieceRows} pieces of consecutive rows (views, no copy). */
export function splitRows(values: Float64Array, rows: number, cols: number, pieces = PIECES_PER_RANGE): Float64Array[] {
  let r = 0;
  return pieceRows(rows, pieces).map((n) => values.subarray(r * cols, (r += n) * cols));
}

/** Rows of a piece that fall in one row block. */
export interface PieceSlice {
  piece: number;
  offset: number;
  count: number;
}

/**
 * Cuts row blocks of `blockRows` rows out of pieces of consecutive rows as their sizes become known:
 * {@link RowBlockCutter.push} takes the next pieces' row counts and returns the row blocks they
 * complete, each as the slices of the pieces it is made of, in row order (empty pieces never appear);
 * {@link RowBlockCutter.finish} returns the last, partial one.
 */
export class RowBlockCutter {
  readonly #blockRows: number;
  #pieces = 0;
  #current: PieceSlice[] = [];
  #filled = 0;

  constructor(blockRows: number) {
    this.#blockRows = blockRows;
  }

  push(pieceRows: readonly number[]): PieceSlice[][] {
    const out: PieceSlice[][] = [];
    for (const rows of pieceRows) {
      const piece = this.#pieces++;
      for (let offset = 0; offset < rows; ) {
        const count = Math.min(rows - offset, this.#blockRows - this.#filled);
        this.#current.push({ piece, offset, count });
        offset += count;
        this.#filled += count;
        if (this.#filled === this.#blockRows) {
          out.push(this.#current);
          this.#current = [];
          this.#filled = 0;
        }
      }
    }
    return out;
  }

  finish(): PieceSlice[][] {
    const last = this.#current.length > 0 ? [this.#current] : [];
    this.#current = [];
    this.#filled = 0;
    return last;
  }
}

/**
 * Maps row blocks of `blockRows` rows onto pieces holding `pieceRows[k]` consecutive rows each: for
 * every row block, the slices of the pieces it is made of, in row order (empty pieces never appear).
 */
export function rowBlockSlices(pieceRows: readonly number[], blockRows: number): PieceSlice[][] {
  const cutter = new RowBlockCutter(blockRows);
  return [...cutter.push(pieceRows), ...cutter.finish()];
}
