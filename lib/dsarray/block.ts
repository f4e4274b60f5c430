/**
 * Blocks: the unit of data a worker holds. Plain objects of typed arrays, so the runtime's codec moves
 * them as binary frames without knowing what they are.
 */
import type { FloatArray } from '../kernels/types.js';

/** Element type of a ds-array. */
export type DType = 'float64' | 'float32';

/** A dense row-major block. `data.length === rows * cols`. */
export interface DenseBlock {
  kind: 'dense';
  rows: number;
  cols: number;
  data: FloatArray;
}

/** A sparse block in CSR form: `indptr.length === rows + 1`, column `indices` sorted within a row. */
export interface CsrBlock {
  kind: 'csr';
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: FloatArray;
}

/** Any block. */
export type Block = DenseBlock | CsrBlock;
