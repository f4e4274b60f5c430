/**
 * Creation routines: ds-arrays from driver data (`array`), or generated on the workers
 * (`randomArray`, `zeros`, `full`, `identity`, `eye`).
 *
 * @packageDocumentation
 */
import { randomInt } from 'node:crypto';
import { ParameterError, ShapeError } from '../errors.js';
import { submit, type Future } from '../runtime/index.js';
import type { FloatArray } from '../kernels/types.js';
import type { Block, CsrBlock, DType, DenseBlock } from './block.js';
import { alloc, castData, toCsr, toDense } from './blockops.js';
import { DsArray, type Matrix } from './dsarray.js';
import { blockCount, blockLength, checkShape, normalizeBlockSize } from './grid.js';
import { eyeTask, fullTask, putTask, uniformTask } from './tasks.js';

/** A dense row-major matrix given as a flat buffer and its shape. */
export interface DenseInput {
  /** Row-major values, `shape[0] * shape[1]` of them. */
  readonly data: FloatArray | readonly number[];
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
}

/** A sparse matrix in CSR form (as scipy's `csr_matrix`): row `r` holds entries `indptr[r]` to `indptr[r + 1]`. */
export interface CsrInput {
  /** `rows + 1` offsets into `indices` and `data`, starting at 0, non-decreasing. */
  readonly indptr: Int32Array | readonly number[];
  /** Column of each entry, increasing within a row. */
  readonly indices: Int32Array | readonly number[];
  /** Value of each entry. */
  readonly data: FloatArray | readonly number[];
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
}

/** Options of the creation routines. */
export interface CreationOptions {
  /** Element type. Default `'float64'` (or the input's type for a Float32Array input to {@link array}). */
  readonly dtype?: DType;
  /** Store CSR blocks. Default false (true for a {@link CsrInput}). */
  readonly sparse?: boolean;
}

/** Options of {@link randomArray}. */
export interface RandomArrayOptions {
  /** Non-negative safe integer; the same seed gives the same array whatever the blocking and worker count. Default: a random seed. */
  readonly seed?: number;
  /** Element type. Default `'float64'`. */
  readonly dtype?: DType;
  /**
   * Let the runtime drop blocks under memory pressure and regenerate them from the seed when needed
   * again (never spilled), so arrays larger than the workers' memory can be reduced. Default false.
   */
  readonly recomputeOnly?: boolean;
}

function checkDtype(dtype: unknown): DType {
  if (dtype !== 'float64' && dtype !== 'float32') throw new ParameterError('dtype', `expected 'float64' or 'float32', found ${JSON.stringify(dtype)}`);
  return dtype;
}

function isNdarray(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && 'stride' in x && 'shape' in x && typeof (x as { get?: unknown }).get === 'function';
}

function isCsr(x: unknown): x is CsrInput {
  return typeof x === 'object' && x !== null && 'indptr' in x && 'indices' in x;
}

/** Reads any dense input into one row-major buffer. */
function denseValues(data: readonly (readonly number[])[] | Matrix | DenseInput, dtype: DType): { values: FloatArray; shape: [number, number] } {
  if (Array.isArray(data)) {
    const rows = data as readonly (readonly number[])[];
    if (rows.length > 0 && !Array.isArray(rows[0])) {
      throw new ParameterError('data', 'expected rows of numbers (number[][]); wrap a 1-D list as [[...]] (one row) or map it to [[v], ...] (one column)');
    }
    const m = rows[0]?.length ?? 0;
    const values = alloc(dtype, rows.length * m);
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== m) {
        throw new ShapeError(`array: row ${r} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${m} (rows must have equal lengths)`, { row: r });
      }
      row.forEach((v, c) => {
        if (typeof v !== 'number') throw new ParameterError('data', `element (${r}, ${c}) is ${typeof v}, expected a number`);
        values[r * m + c] = v;
      });
    });
    return { values, shape: [rows.length, m] };
  }
  if (isNdarray(data)) {
    if (data.shape.length !== 2) throw new ShapeError(`array: expected a 2-D ndarray, found ${data.shape.length} dimensions`);
    const [n, m] = checkShape(data.shape as [number, number], 'data.shape');
    const values = alloc(dtype, n * m);
    for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) values[r * m + c] = data.get(r, c) as number;
    return { values, shape: [n, m] };
  }
  const d = data as DenseInput;
  const shape = checkShape(d.shape, 'data.shape');
  if (d.data.length !== shape[0] * shape[1]) {
    throw new ShapeError(`array: ${d.data.length} values do not fill shape ${shape[0]} x ${shape[1]}`, { shape });
  }
  const values = d.data instanceof Float64Array || d.data instanceof Float32Array ? castData(d.data, dtype).slice() : castData(Float64Array.from(d.data), dtype);
  return { values, shape };
}

function checkCsr(x: CsrInput): [number, number] {
  const [n, m] = checkShape(x.shape, 'data.shape');
  const { indptr, indices, data } = x;
  if (indptr.length !== n + 1 || indptr[0] !== 0) throw new ParameterError('data.indptr', `expected ${n + 1} offsets starting at 0`);
  for (let r = 0; r < n; r++) {
    const [p, q] = [indptr[r] as number, indptr[r + 1] as number];
    if (!(q >= p) || q > indices.length) throw new ParameterError('data.indptr', `offsets of row ${r} are not non-decreasing within ${indices.length} entries`);
    for (let k = p; k < q; k++) {
      const c = indices[k] as number;
      if (!Number.isInteger(c) || c < 0 || c >= m || (k > p && c <= (indices[k - 1] as number))) {
        throw new ParameterError('data.indices', `row ${r}: column indices must be increasing integers in [0, ${m}), found ${c}`);
      }
    }
  }
  if (data.length !== indices.length || indptr[n] !== indices.length) throw new ParameterError('data', 'indices and data must have indptr[rows] entries');
  return [n, m];
}

/** Cuts a CSR matrix into CSR blocks in the driver. */
function csrBlocks(x: CsrInput, shape: [number, number], bs: [number, number], dtype: DType): CsrBlock[][] {
  const [nr, nc] = [blockCount(shape[0], bs[0]), blockCount(shape[1], bs[1])];
  return Array.from({ length: nr }, (_, i) => {
    const rows = blockLength(shape[0], bs[0], i);
    const parts = Array.from({ length: nc }, () => ({ indptr: new Int32Array(rows + 1), indices: [] as number[], data: [] as number[] }));
    for (let r = 0; r < rows; r++) {
      const g = i * bs[0] + r;
      for (let p = x.indptr[g] as number; p < (x.indptr[g + 1] as number); p++) {
        const c = x.indices[p] as number;
        const part = parts[Math.floor(c / bs[1])] as (typeof parts)[number];
        part.indices.push(c % bs[1]);
        part.data.push(x.data[p] as number);
      }
      for (const part of parts) part.indptr[r + 1] = part.indices.length;
    }
    return parts.map((part, j) => ({
      kind: 'csr' as const,
      rows,
      cols: blockLength(shape[1], bs[1], j),
      indptr: part.indptr,
      indices: Int32Array.from(part.indices),
      data: castData(Float64Array.from(part.data), dtype),
    }));
  });
}

function denseBlocks(values: FloatArray, shape: [number, number], bs: [number, number], dtype: DType): DenseBlock[][] {
  const [nr, nc] = [blockCount(shape[0], bs[0]), blockCount(shape[1], bs[1])];
  return Array.from({ length: nr }, (_, i) =>
    Array.from({ length: nc }, (_, j) => {
      const [rows, cols] = [blockLength(shape[0], bs[0], i), blockLength(shape[1], bs[1], j)];
      const data = alloc(dtype, rows * cols);
      for (let r = 0; r < rows; r++) {
        const from = (i * bs[0] + r) * shape[1] + j * bs[1];
        data.set(values.subarray(from, from + cols), r * cols);
      }
      return { kind: 'dense' as const, rows, cols, data };
    }),
  );
}

/**
 * Copies driver data into a new ds-array, cut into blocks of `blockSize` (the last block row and
 * column hold the remainder; a block larger than the data makes one block).
 *
 * @param data - nested rows (`number[][]`), a 2-D `ndarray`, `{ data, shape }` (row-major), or a {@link CsrInput}
 * @param blockSize - `[rows, cols]` of a block
 * @param opts - `dtype` and `sparse` (CSR blocks; implied by a {@link CsrInput})
 * @throws {@link ShapeError} on ragged rows or data that does not fill its shape
 * @throws {@link ParameterError} on a bad block size, dtype or CSR structure
 * @example
 * ```ts
 * const x = array([[1, 2, 3], [4, 5, 6]], [1, 2]);
 * x.nBlocks; // [2, 2]
 * const s = array({ indptr: [0, 1, 1], indices: [2], data: [7], shape: [2, 3] }, [2, 2]); // sparse
 * ```
 */
export function array(
  data: readonly (readonly number[])[] | Matrix | DenseInput | CsrInput,
  blockSize: readonly [number, number],
  opts: CreationOptions = {},
): DsArray {
  const fromData = !Array.isArray(data) && (data as { data?: unknown }).data instanceof Float32Array ? 'float32' : 'float64';
  const dtype = checkDtype(opts.dtype ?? fromData);
  let blocks: Block[][];
  let shape: [number, number];
  let bs: [number, number];
  let sparse: boolean;
  if (isCsr(data)) {
    shape = checkCsr(data);
    bs = normalizeBlockSize(blockSize, shape);
    sparse = opts.sparse ?? true;
    const csr = csrBlocks(data, shape, bs, dtype);
    blocks = sparse ? csr : csr.map((row) => row.map(toDense));
  } else {
    const d = denseValues(data, dtype);
    shape = d.shape;
    bs = normalizeBlockSize(blockSize, shape);
    sparse = opts.sparse ?? false;
    const dense = denseBlocks(d.values, shape, bs, dtype);
    blocks = sparse ? dense.map((row) => row.map(toCsr)) : dense;
  }
  const futures = blocks.map((row) => row.map((b) => submit(putTask, [b])));
  return DsArray.fromBlocks(futures, shape, bs, { dtype, sparse });
}

/** Submits `make(i, j, rows, cols)` for every block of the grid and wraps the futures. */
function generate(
  shape: readonly [number, number],
  blockSize: readonly [number, number],
  dtype: DType,
  sparse: boolean,
  make: (i: number, j: number, rows: number, cols: number) => Future<Block>,
): DsArray {
  const s = checkShape(shape);
  const bs = normalizeBlockSize(blockSize, s);
  const [nr, nc] = [blockCount(s[0], bs[0]), blockCount(s[1], bs[1])];
  const blocks = Array.from({ length: nc === 0 ? 0 : nr }, (_, i) =>
    Array.from({ length: nc }, (_, j) => make(i, j, blockLength(s[0], bs[0], i), blockLength(s[1], bs[1], j))),
  );
  return DsArray.fromBlocks(blocks, s, bs, { dtype, sparse });
}

/**
 * A ds-array of uniform [0, 1) values generated on the workers. Element (r, c) depends only on the
 * seed and (r, c) (counter-based Philox4x32-10), so the same seed gives the same array whatever the
 * block size, worker count or scheduling.
 *
 * @param shape - `[rows, cols]`
 * @param blockSize - `[rows, cols]` of a block
 * @param opts - `seed`, `dtype`, `recomputeOnly` (blocks regenerated instead of held or spilled)
 * @throws {@link ParameterError} on a bad shape, block size, seed or dtype
 * @example
 * ```ts
 * const x = randomArray([1000, 10], [100, 10], { seed: 42 });
 * ```
 */
export function randomArray(shape: readonly [number, number], blockSize: readonly [number, number], opts: RandomArrayOptions = {}): DsArray {
  const dtype = checkDtype(opts.dtype ?? 'float64');
  const seed = opts.seed ?? randomInt(2 ** 48 - 1);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ParameterError('seed', `expected a non-negative safe integer, found ${String(seed)}`);
  const bs = normalizeBlockSize(blockSize, checkShape(shape));
  const options = { recomputeOnly: opts.recomputeOnly ?? false };
  return generate(shape, bs, dtype, false, (i, j, rows, cols) => submit(uniformTask, [seed, i * bs[0], j * bs[1], rows, cols, dtype], options));
}

/**
 * A ds-array filled with `value`, generated on the workers.
 *
 * @throws {@link ParameterError} on a bad shape, block size or dtype, or a non-zero value with `sparse`
 */
export function full(shape: readonly [number, number], blockSize: readonly [number, number], value: number, opts: CreationOptions = {}): DsArray {
  const dtype = checkDtype(opts.dtype ?? 'float64');
  const sparse = opts.sparse ?? false;
  if (typeof value !== 'number') throw new ParameterError('value', `expected a number, found ${typeof value}`);
  if (sparse && value !== 0) throw new ParameterError('value', `a sparse array can only be filled with 0, found ${value}`);
  return generate(shape, blockSize, dtype, sparse, (_i, _j, rows, cols) => submit(fullTask, [rows, cols, value, dtype, sparse]));
}

/** A ds-array of zeros (an empty CSR array with `sparse`), generated on the workers. */
export function zeros(shape: readonly [number, number], blockSize: readonly [number, number], opts: CreationOptions = {}): DsArray {
  return full(shape, blockSize, 0, opts);
}

/** Options of {@link eye}. */
export interface EyeOptions extends CreationOptions {
  /** Diagonal holding the ones: 0 the main one, > 0 above it, < 0 below it. Default 0. */
  readonly k?: number;
}

/**
 * An `n` x `m` ds-array with ones on diagonal `k` and zeros elsewhere (numpy's `eye`).
 *
 * @throws {@link ParameterError} on a bad size, block size, diagonal or dtype
 */
export function eye(n: number, m: number, blockSize: readonly [number, number], opts: EyeOptions = {}): DsArray {
  const dtype = checkDtype(opts.dtype ?? 'float64');
  const k = opts.k ?? 0;
  if (!Number.isSafeInteger(k)) throw new ParameterError('k', `expected an integer, found ${String(k)}`);
  const sparse = opts.sparse ?? false;
  const bs = normalizeBlockSize(blockSize, checkShape([n, m]));
  return generate([n, m], bs, dtype, sparse, (i, j, rows, cols) => submit(eyeTask, [i * bs[0], j * bs[1], rows, cols, k, dtype, sparse]));
}

/** The `n` x `n` identity matrix as a ds-array. */
export function identity(n: number, blockSize: readonly [number, number], opts: CreationOptions = {}): DsArray {
  return eye(n, n, blockSize, opts);
}
