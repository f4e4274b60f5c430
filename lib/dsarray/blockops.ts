/**
 * Pure block math used by the ds-array tasks: conversions, element access, transpose, elementwise
 * maps, reductions and gathers over dense and CSR blocks. No runtime code here: every function takes
 * and returns plain blocks, so it is testable on its own and runs unchanged on any worker.
 */
import type { FloatArray } from '../kernels/types.js';
import type { Block, CsrBlock, DType, DenseBlock } from './block.js';

/** A fresh zeroed buffer of `n` elements of `dtype`. */
export function alloc(dtype: DType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** Element type of a buffer. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/** numpy's promotion of two float types: float64 wins. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** A zero dense block. */
export function zeroDense(rows: number, cols: number, dtype: DType): DenseBlock {
  return { kind: 'dense', rows, cols, data: alloc(dtype, rows * cols) };
}

/** An all-zero CSR block. */
export function zeroCsr(rows: number, cols: number, dtype: DType): CsrBlock {
  return { kind: 'csr', rows, cols, indptr: new Int32Array(rows + 1), indices: new Int32Array(0), data: alloc(dtype, 0) };
}

/** Converts `data` to `dtype` (returns it unchanged when it already is). */
export function castData(data: FloatArray, dtype: DType): FloatArray {
  if (dtypeOf(data) === dtype) return data;
  return dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data);
}

/** The block with its values converted to `dtype`. */
export function castBlock<B extends Block>(block: B, dtype: DType): B {
  return dtypeOf(block.data) === dtype ? block : { ...block, data: castData(block.data, dtype) };
}

/** Dense form of a block (the block itself when already dense). */
export function toDense(block: Block): DenseBlock {
  if (block.kind === 'dense') return block;
  const out = zeroDense(block.rows, block.cols, dtypeOf(block.data));
  for (let r = 0; r < block.rows; r++) {
    for (let p = block.indptr[r] as number; p < (block.indptr[r + 1] as number); p++) {
      out.data[r * block.cols + (block.indices[p] as number)] = block.data[p] as number;
    }
  }
  return out;
}

/** CSR form of a block, keeping only non-zero values (NaN counts as non-zero). */
export function toCsr(block: Block): CsrBlock {
  if (block.kind === 'csr') return block;
  const { rows, cols, data } = block;
  let nnz = 0;
  for (const v of data) if (v !== 0) nnz++;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = alloc(dtypeOf(data), nnz);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c] as number;
      if (v !== 0) {
        indices[p] = c;
        values[p++] = v;
      }
    }
    indptr[r + 1] = p;
  }
  return { kind: 'csr', rows, cols, indptr, indices, data: values };
}

/** Value at local (r, c). */
export function elementAt(block: Block, r: number, c: number): number {
  if (block.kind === 'dense') return block.data[r * block.cols + c] as number;
  const p = findInRow(block, r, c);
  return p < 0 ? 0 : (block.data[p] as number);
}

/** Position of column `c` in row `r` of a CSR block, or -1 (binary search: indices are sorted in a row). */
function findInRow(block: CsrBlock, r: number, c: number): number {
  let lo = block.indptr[r] as number;
  let hi = (block.indptr[r + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = block.indices[mid] as number;
    if (v === c) return mid;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** First position in row `r` whose column is >= c. */
function lowerBound(block: CsrBlock, r: number, c: number): number {
  let lo = block.indptr[r] as number;
  let hi = block.indptr[r + 1] as number;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((block.indices[mid] as number) < c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The transposed block (same kind). */
export function transposeBlock(block: Block): Block {
  const { rows, cols } = block;
  if (block.kind === 'dense') {
    const out = alloc(dtypeOf(block.data), rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = block.data[r * cols + c] as number;
    return { kind: 'dense', rows: cols, cols: rows, data: out };
  }
  const nnz = block.indices.length;
  const indptr = new Int32Array(cols + 1);
  for (let p = 0; p < nnz; p++) {
    const c = (block.indices[p] as number) + 1;
    indptr[c] = (indptr[c] as number) + 1;
  }
  for (let c = 0; c < cols; c++) indptr[c + 1] = (indptr[c + 1] as number) + (indptr[c] as number);
  const next = indptr.slice(0, cols);
  const indices = new Int32Array(nnz);
  const data = alloc(dtypeOf(block.data), nnz);
  for (let r = 0; r < rows; r++) {
    for (let p = block.indptr[r] as number; p < (block.indptr[r + 1] as number); p++) {
      const c = block.indices[p] as number;
      const q = next[c] as number;
      next[c] = q + 1;
      indices[q] = r;
      data[q] = block.data[p] as number;
    }
  }
  return { kind: 'csr', rows: cols, cols: rows, indptr, indices, data };
}

/** Elementwise operations with a scalar (`r*` ones take the scalar as the left operand). */
export type ScalarOp = 'add' | 'sub' | 'rsub' | 'mul' | 'div' | 'rdiv' | 'pow' | 'rpow';
/** Elementwise functions of one value. */
export type UnaryOp = 'sqrt' | 'abs' | 'exp' | 'log' | 'neg';
/** Elementwise operations between two arrays. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/** The scalar function `x -> x op s` (or `s op x` for the reversed ops). */
export function scalarFunction(op: ScalarOp | UnaryOp, s = 0): (x: number) => number {
  switch (op) {
    case 'add': return (x) => x + s;
    case 'sub': return (x) => x - s;
    case 'rsub': return (x) => s - x;
    case 'mul': return (x) => x * s;
    case 'div': return (x) => x / s;
    case 'rdiv': return (x) => s / x;
    case 'pow': return (x) => x ** s;
    case 'rpow': return (x) => s ** x;
    case 'sqrt': return Math.sqrt;
    case 'abs': return Math.abs;
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'neg': return (x) => -x;
  }
}

/**
 * Applies `op` to every element. CSR blocks keep their structure: only call it for them when the
 * function maps 0 to 0 (the caller checks), and explicit entries are mapped in place.
 */
export function mapBlock(block: Block, op: ScalarOp | UnaryOp, s: number, dtype: DType): Block {
  const f = scalarFunction(op, s);
  const src = block.data;
  const out = alloc(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i] as number);
  return { ...block, data: out };
}

function binaryFunction(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
  }
}

/**
 * `a op b` elementwise, numpy broadcasting: a dimension of length 1 in one operand is repeated along
 * the other's. Both dense, or both CSR of the same shape (op add, sub or mul, which keep 0 op 0 = 0).
 */
export function combineBlocks(a: Block, b: Block, op: BinaryOp, dtype: DType): Block {
  if (a.kind === 'csr' && b.kind === 'csr') return combineCsr(a, b, op, dtype);
  const da = toDense(a);
  const db = toDense(b);
  const rows = Math.max(da.rows, db.rows);
  const cols = Math.max(da.cols, db.cols);
  const f = binaryFunction(op);
  const out = alloc(dtype, rows * cols);
  const [ars, acs] = [da.rows === 1 ? 0 : da.cols, da.cols === 1 ? 0 : 1];
  const [brs, bcs] = [db.rows === 1 ? 0 : db.cols, db.cols === 1 ? 0 : 1];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = f(da.data[r * ars + c * acs] as number, db.data[r * brs + c * bcs] as number);
    }
  }
  return { kind: 'dense', rows, cols, data: out };
}

function combineCsr(a: CsrBlock, b: CsrBlock, op: BinaryOp, dtype: DType): CsrBlock {
  const f = binaryFunction(op);
  const indptr = new Int32Array(a.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < a.rows; r++) {
    let p = a.indptr[r] as number;
    let q = b.indptr[r] as number;
    const pe = a.indptr[r + 1] as number;
    const qe = b.indptr[r + 1] as number;
    while (p < pe || q < qe) {
      const ca = p < pe ? (a.indices[p] as number) : Infinity;
      const cb = q < qe ? (b.indices[q] as number) : Infinity;
      const c = Math.min(ca, cb);
      const va = ca === c ? (a.data[p++] as number) : 0;
      const vb = cb === c ? (b.data[q++] as number) : 0;
      const v = f(va, vb);
      if (v !== 0) {
        indices.push(c);
        values.push(v);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { kind: 'csr', rows: a.rows, cols: a.cols, indptr, indices: Int32Array.from(indices), data: castData(Float64Array.from(values), dtype) };
}

/** Sum of blocks of the same shape, added left to right (CSR only when every block is CSR). */
export function sumBlocks(blocks: readonly Block[], dtype: DType): Block {
  const [first, ...rest] = blocks;
  if (first === undefined) throw new RangeError('sumBlocks: no blocks');
  let acc: Block = castBlock(first, dtype);
  for (const b of rest) acc = combineBlocks(acc, b, 'add', dtype);
  return acc;
}

/** Reductions computed per block and combined: `sumsq` is the sum of squares (for norms). */
export type PartialOp = 'sum' | 'sumsq' | 'min' | 'max';
/** Axis of a reduction: 0 (down the rows: one value per column), 1 (one per row) or 'all'. */
export type ReduceAxis = 0 | 1 | 'all';

function accumulate(op: PartialOp): (acc: number, v: number) => number {
  switch (op) {
    case 'sum': return (acc, v) => acc + v;
    case 'sumsq': return (acc, v) => acc + v * v;
    // NaN propagates as in numpy: once acc is NaN neither comparison replaces it.
    case 'min': return (acc, v) => (v < acc || v !== v ? v : acc);
    case 'max': return (acc, v) => (v > acc || v !== v ? v : acc);
  }
}

function identityOf(op: PartialOp): number {
  return op === 'min' ? Infinity : op === 'max' ? -Infinity : 0;
}

/** Combines two partial values of the same op (sums add, min/max compare; NaN propagates). */
export function combineValue(op: PartialOp): (a: number, b: number) => number {
  return op === 'sumsq' ? accumulate('sum') : accumulate(op);
}

/**
 * Partial reduction of one block in float64: one value per column (axis 0), per row (axis 1) or one
 * value ('all'). CSR blocks count their implicit zeros for min and max.
 */
export function partialReduce(block: Block, op: PartialOp, axis: ReduceAxis): Float64Array {
  const { rows, cols } = block;
  const out = new Float64Array(axis === 0 ? cols : axis === 1 ? rows : 1).fill(identityOf(op));
  const acc = accumulate(op);
  const slot = axis === 0 ? (_r: number, c: number) => c : axis === 1 ? (r: number) => r : () => 0;
  if (block.kind === 'dense') {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = slot(r, c);
        out[i] = acc(out[i] as number, block.data[r * cols + c] as number);
      }
    }
    return out;
  }
  const seen = new Float64Array(out.length);
  for (let r = 0; r < rows; r++) {
    for (let p = block.indptr[r] as number; p < (block.indptr[r + 1] as number); p++) {
      const i = slot(r, block.indices[p] as number);
      out[i] = acc(out[i] as number, block.data[p] as number);
      seen[i] = (seen[i] as number) + 1;
    }
  }
  if (op === 'min' || op === 'max') {
    const full = axis === 0 ? rows : axis === 1 ? cols : rows * cols;
    for (let i = 0; i < out.length; i++) if ((seen[i] as number) < full) out[i] = acc(out[i] as number, 0);
  }
  return out;
}

/** Element-wise combination of partials of the same op, left to right. */
export function combinePartials(parts: readonly Float64Array[], op: PartialOp): Float64Array {
  const [first, ...rest] = parts;
  if (first === undefined) throw new RangeError('combinePartials: no partials');
  const out = Float64Array.from(first);
  const f = combineValue(op);
  for (const p of rest) for (let i = 0; i < out.length; i++) out[i] = f(out[i] as number, p[i] as number);
  return out;
}

/** Receives one piece of a gather: output row `r` takes source row `sr` of `src` at columns `cStart + u * cStep` (u < cCount) into its columns from `c`. */
type GatherPiece = (r: number, sr: number, src: Block, c: number, cStart: number, cStep: number, cCount: number) => void;

/** Walks the pieces of one gather in output order, calling `rowDone(r)` after each output row. */
type GatherWalk = (piece: GatherPiece, rowDone?: (r: number) => void) => void;

/**
 * Copies a sub-grid of source blocks into one output block. `rowRuns` and `colRuns` are flat
 * quadruples `[sourceIndex, start, step, count]`: output rows (columns) in order come from row
 * (column) `start + t * step` (t < count) of source block row (column) `sourceIndex` of `sources`.
 * The result is CSR when `sparse`, else dense.
 */
export function gatherBlock(
  sources: readonly (readonly Block[])[],
  rowRuns: Int32Array,
  colRuns: Int32Array,
  rows: number,
  cols: number,
  dtype: DType,
  sparse: boolean,
): Block {
  const walk: GatherWalk = (piece, rowDone) => {
    let r = 0;
    for (let i = 0; i < rowRuns.length; i += 4) {
      const [si, rStart, rStep, rCount] = [rowRuns[i], rowRuns[i + 1], rowRuns[i + 2], rowRuns[i + 3]] as number[] as [number, number, number, number];
      const row = sources[si] as readonly Block[];
      for (let t = 0; t < rCount; t++, r++) {
        const sr = rStart + t * rStep;
        let c = 0;
        for (let j = 0; j < colRuns.length; j += 4) {
          const [sj, cStart, cStep, cCount] = [colRuns[j], colRuns[j + 1], colRuns[j + 2], colRuns[j + 3]] as number[] as [number, number, number, number];
          piece(r, sr, row[sj] as Block, c, cStart, cStep, cCount);
          c += cCount;
        }
        rowDone?.(r);
      }
    }
  };
  return sparse ? gatherCsr(walk, rows, cols, dtype) : gatherDense(walk, rows, cols, dtype);
}

function gatherDense(walk: GatherWalk, rows: number, cols: number, dtype: DType): DenseBlock {
  const out = alloc(dtype, rows * cols);
  walk((r, sr, src, c, cStart, cStep, cCount) => {
    const base = r * cols + c;
    if (src.kind === 'dense' && cStep === 1) {
      const from = sr * src.cols + cStart;
      out.set(src.data.subarray(from, from + cCount), base);
    } else {
      for (let u = 0; u < cCount; u++) out[base + u] = elementAt(src, sr, cStart + u * cStep);
    }
  });
  return { kind: 'dense', rows, cols, data: out };
}

function gatherCsr(walk: GatherWalk, rows: number, cols: number, dtype: DType): CsrBlock {
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  walk(
    (_r, sr, block, c, cStart, cStep, cCount) => {
      const src = toCsr(block);
      if (cStep === 1) {
        // Entries of a contiguous column range are already in output order.
        const end = lowerBound(src, sr, cStart + cCount);
        for (let p = lowerBound(src, sr, cStart); p < end; p++) {
          indices.push(c + (src.indices[p] as number) - cStart);
          values.push(src.data[p] as number);
        }
      } else {
        for (let u = 0; u < cCount; u++) {
          const p = findInRow(src, sr, cStart + u * cStep);
          if (p >= 0) {
            indices.push(c + u);
            values.push(src.data[p] as number);
          }
        }
      }
    },
    (r) => {
      indptr[r + 1] = indices.length;
    },
  );
  return { kind: 'csr', rows, cols, indptr, indices: Int32Array.from(indices), data: castData(Float64Array.from(values), dtype) };
}

/**
 * out (rows x cols, row-major) += a * b where at least one of a, b is CSR and both are already in
 * their final orientation (a is rows x k, b is k x cols). Dense-dense products go to the GEMM kernel.
 */
export function accumulateSparseProduct(a: Block, b: Block, out: FloatArray): void {
  const cols = b.cols;
  if (a.kind === 'csr' && b.kind === 'dense') {
    for (let r = 0; r < a.rows; r++) {
      for (let p = a.indptr[r] as number; p < (a.indptr[r + 1] as number); p++) {
        const v = a.data[p] as number;
        const k = a.indices[p] as number;
        for (let c = 0; c < cols; c++) out[r * cols + c] = (out[r * cols + c] as number) + v * (b.data[k * cols + c] as number);
      }
    }
    return;
  }
  if (a.kind === 'dense' && b.kind === 'csr') {
    for (let r = 0; r < a.rows; r++) {
      for (let k = 0; k < a.cols; k++) {
        const v = a.data[r * a.cols + k] as number;
        for (let q = b.indptr[k] as number; q < (b.indptr[k + 1] as number); q++) {
          const c = r * cols + (b.indices[q] as number);
          out[c] = (out[c] as number) + v * (b.data[q] as number);
        }
      }
    }
    return;
  }
  throw new TypeError('accumulateSparseProduct: expects one CSR and one dense operand');
}

/** a * b for two CSR blocks (Gustavson's row-by-row product), as a CSR block of `dtype`. */
export function csrProduct(a: CsrBlock, b: CsrBlock, dtype: DType): CsrBlock {
  const acc = new Float64Array(b.cols);
  const mark = new Int32Array(b.cols).fill(-1);
  const indptr = new Int32Array(a.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < a.rows; r++) {
    const touched: number[] = [];
    for (let p = a.indptr[r] as number; p < (a.indptr[r + 1] as number); p++) {
      const v = a.data[p] as number;
      const k = a.indices[p] as number;
      for (let q = b.indptr[k] as number; q < (b.indptr[k + 1] as number); q++) {
        const c = b.indices[q] as number;
        if (mark[c] !== r) {
          mark[c] = r;
          acc[c] = 0;
          touched.push(c);
        }
        acc[c] = (acc[c] as number) + v * (b.data[q] as number);
      }
    }
    touched.sort((x, y) => x - y);
    for (const c of touched) {
      const v = acc[c] as number;
      if (v !== 0) {
        indices.push(c);
        values.push(v);
      }
    }
    indptr[r + 1] = indices.length;
  }
  return { kind: 'csr', rows: a.rows, cols: b.cols, indptr, indices: Int32Array.from(indices), data: castData(Float64Array.from(values), dtype) };
}
