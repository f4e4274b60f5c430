/**
 * The ds-array: a 2-D array cut into a regular grid of blocks that live on the workers as futures of
 * the runtime. Operations are lazy: they submit block tasks and return a new DsArray at once.
 *
 * @packageDocumentation
 */
import ndarray from 'ndarray';
import { ParameterError, ShapeError } from '../errors.js';
import { Future, get, getAll, submit } from '../runtime/index.js';
import type { FloatArray } from '../kernels/types.js';
import type { Block, DType } from './block.js';
import { alloc, dtypeOf, toCsr, toDense } from './blockops.js';
import { arithmetic, mapArray } from './elementwise.js';
import { blockCount, blockLength, checkShape, normalizeBlockSize } from './grid.js';
import { rechunkArray, resolveIndex, sliceArray, type SliceSpec } from './indexing.js';
import { matmul, type MatmulOptions } from './matmul.js';
import { reduceArray, type Axis } from './reduce.js';
import { convertTask, copyTask, elementTask, transposeTask } from './tasks.js';

/** A collected ds-array: an `ndarray` of shape `[rows, cols]` over a Float64Array or Float32Array. */
export type Matrix = ndarray.NdArray<FloatArray>;

/** A sparse matrix collected in CSR form (see {@link DsArray.collectCsr}). */
export interface CsrMatrix {
  /** `rows + 1` offsets into `indices` and `data`. */
  readonly indptr: Int32Array;
  /** Column of each entry, increasing within a row. */
  readonly indices: Int32Array;
  /** Value of each entry. */
  readonly data: FloatArray;
  /** `[rows, cols]`. */
  readonly shape: [number, number];
}

/** Options of {@link DsArray.fromBlocks}. */
export interface FromBlocksOptions {
  /** Element type of every block. Default `'float64'`. */
  readonly dtype?: DType;
  /** The blocks are CSR blocks. Default false. */
  readonly sparse?: boolean;
}

/**
 * A distributed 2-D array of blocks. Block `(i, j)` holds rows `i * blockSize[0]` up to the next block
 * row and columns likewise; the last block row and column may be smaller. Build one with the creation
 * routines (`array`, `randomArray`, `zeros`, ...) or the loaders; every operation returns a new one.
 *
 * @example
 * ```ts
 * const x = array([[1, 2], [3, 4]], [1, 2]);
 * const y = x.mul(2).add(1).transpose();
 * console.log(await y.toArray()); // [[3, 7], [5, 9]]
 * ```
 */
export class DsArray {
  /** Row-major grid of block futures: `blocks[i][j]`. */
  readonly blocks: readonly (readonly Future<Block>[])[];
  /** `[rows, cols]` of the whole array. */
  readonly shape: readonly [number, number];
  /** `[rows, cols]` of a regular block (clipped to the shape). */
  readonly blockSize: readonly [number, number];
  /** `[block rows, block columns]` of the grid. */
  readonly nBlocks: readonly [number, number];
  /** Element type. */
  readonly dtype: DType;
  /** True when every block is a CSR block. */
  readonly sparse: boolean;

  private constructor(blocks: Future<Block>[][], shape: [number, number], blockSize: [number, number], dtype: DType, sparse: boolean) {
    this.blocks = Object.freeze(blocks.map((row) => Object.freeze(row)));
    this.shape = Object.freeze(shape);
    this.blockSize = Object.freeze(blockSize);
    this.nBlocks = Object.freeze([blocks.length, blocks[0]?.length ?? blockCount(shape[1], blockSize[1])] as [number, number]);
    this.dtype = dtype;
    this.sparse = sparse;
  }

  /**
   * Builds a ds-array from a grid of block futures (for loaders and estimators). Block `(i, j)` must
   * hold `min(blockSize[0], shape[0] - i * blockSize[0])` rows and likewise columns; `collect()`
   * checks that.
   *
   * @param blocks - row-major grid of `ceil(shape[0] / blockSize[0])` rows of `ceil(shape[1] / blockSize[1])` futures
   * @param shape - `[rows, cols]` of the array
   * @param blockSize - `[rows, cols]` of a regular block (a size larger than the shape is clipped)
   * @throws {@link ShapeError} when the grid does not match the shape and block size
   * @throws {@link ParameterError} on a bad shape, block size, dtype or a non-future block
   */
  static fromBlocks(
    blocks: readonly (readonly Future<Block>[])[],
    shape: readonly [number, number],
    blockSize: readonly [number, number],
    opts: FromBlocksOptions = {},
  ): DsArray {
    const s = checkShape(shape);
    const bs = normalizeBlockSize(blockSize, s);
    const dtype = opts.dtype ?? 'float64';
    if (dtype !== 'float64' && dtype !== 'float32') throw new ParameterError('dtype', `expected 'float64' or 'float32', found ${JSON.stringify(dtype)}`);
    const [nr, nc] = [blockCount(s[0], bs[0]), blockCount(s[1], bs[1])];
    const rowsOk = Array.isArray(blocks) && blocks.length === (nc === 0 ? 0 : nr);
    if (!rowsOk || !blocks.every((row) => Array.isArray(row) && row.length === nc)) {
      throw new ShapeError(`fromBlocks: a ${s[0]} x ${s[1]} array in ${bs[0]} x ${bs[1]} blocks needs a ${nr} x ${nc} grid of blocks`, {
        shape: s,
        blockSize: bs,
      });
    }
    blocks.forEach((row: readonly unknown[], i: number) =>
      row.forEach((f: unknown, j: number) => {
        if (!(f instanceof Future)) throw new ParameterError('blocks', `block (${i}, ${j}) is not a Future`);
      }),
    );
    return new DsArray(blocks.map((row) => [...row]), s, bs, dtype, opts.sparse ?? false);
  }

  /** Rows of block row `i`. */
  blockRows(i: number): number {
    return blockLength(this.shape[0], this.blockSize[0], i);
  }

  /** Columns of block column `j`. */
  blockCols(j: number): number {
    return blockLength(this.shape[1], this.blockSize[1], j);
  }

  /** Iterates over the block rows, each as a ds-array of one block row that shares this array's blocks. */
  *rowBlocks(): Generator<DsArray> {
    for (let i = 0; i < this.nBlocks[0]; i++) {
      const rows = this.blockRows(i);
      yield new DsArray([[...(this.blocks[i] ?? [])]], [rows, this.shape[1]], [rows, this.blockSize[1]], this.dtype, this.sparse);
    }
  }

  /** Iterates over the block columns, each as a ds-array of one block column that shares this array's blocks. */
  *colBlocks(): Generator<DsArray> {
    for (let j = 0; j < this.nBlocks[1]; j++) {
      const cols = this.blockCols(j);
      const column = this.blocks.map((row) => [row[j] as Future<Block>]);
      yield new DsArray(column, [this.shape[0], cols], [this.blockSize[0], cols], this.dtype, this.sparse);
    }
  }

  /** A new ds-array of the same shape, dtype and sparsity built by `task(block)` on every block. */
  #mapBlocks(make: (b: Future<Block>) => Future<Block>, sparse = this.sparse, dtype = this.dtype): DsArray {
    return new DsArray(this.blocks.map((row) => row.map(make)), [...this.shape], [...this.blockSize], dtype, sparse);
  }

  /** The block future and local coordinates of element (i, j) after resolving negative indices. */
  #locate(i: number, j: number): [Future<Block>, number, number] {
    const r = resolveIndex(i, this.shape[0], 'i');
    const c = resolveIndex(j, this.shape[1], 'j');
    const [bi, bj] = [Math.floor(r / this.blockSize[0]), Math.floor(c / this.blockSize[1])];
    return [this.blocks[bi]?.[bj] as Future<Block>, r - bi * this.blockSize[0], c - bj * this.blockSize[1]];
  }

  /**
   * Value of element (i, j); negative indices count from the end (numpy).
   *
   * @throws {@link ParameterError} when an index is out of range (at call time)
   */
  async get(i: number, j: number): Promise<number> {
    const [block, r, c] = this.#locate(i, j);
    return get(submit(elementTask, [block, r, c]));
  }

  /**
   * The value of a 1 x 1 ds-array, e.g. of a reduction over the whole array: `await x.sum().item()`.
   *
   * @throws {@link ShapeError} when the array is not 1 x 1
   */
  async item(): Promise<number> {
    if (this.shape[0] !== 1 || this.shape[1] !== 1) throw new ShapeError(`item: expected a 1 x 1 array, found ${this.shape.join(' x ')}`);
    return this.get(0, 0);
  }

  /**
   * Selects rows and columns by index, `[start, stop]` range, `{ start, stop, step }` range or `{ indices }` list
   * (numpy semantics, negative indices count from the end; a single index keeps its dimension). The
   * result has this array's block size.
   *
   * @throws {@link ParameterError} on an out-of-range index or a bad specification (at call time)
   * @example
   * ```ts
   * x.slice({ rows: [10, 20], cols: { start: 0, step: 2 } });
   * x.slice({ cols: { indices: [4, 0, 4] } });
   * ```
   */
  slice(spec: SliceSpec): DsArray {
    return sliceArray(this, spec);
  }

  /** The rows `indices`, in the given order (repeats allowed, negative indices count from the end). */
  rows(indices: readonly number[] | Int32Array): DsArray {
    return sliceArray(this, { rows: { indices } });
  }

  /** The columns `indices`, in the given order (repeats allowed, negative indices count from the end). */
  cols(indices: readonly number[] | Int32Array): DsArray {
    return sliceArray(this, { cols: { indices } });
  }

  /** The transposed array (block size swapped). */
  transpose(): DsArray {
    const blocks = Array.from({ length: this.nBlocks[1] }, (_, j) => this.blocks.map((row) => submit(transposeTask, [row[j] as Future<Block>])));
    return new DsArray(blocks, [this.shape[1], this.shape[0]], [this.blockSize[1], this.blockSize[0]], this.dtype, this.sparse);
  }

  /**
   * Elementwise sum with a scalar, a same-shape ds-array, or a broadcastable one (1 x m, n x 1, 1 x 1;
   * either operand may be the broadcast one). The dtype is the wider of the two (a scalar keeps it).
   *
   * @throws {@link ShapeError} when the shapes do not broadcast (at call time)
   * @throws {@link SparseUnsupportedError} for a non-zero scalar on a sparse array, or mixed sparsity
   */
  add(other: number | DsArray): DsArray {
    return arithmetic(this, other, 'add', 'add');
  }

  /** Elementwise difference `this - other`; operands as in {@link DsArray.add}. */
  sub(other: number | DsArray): DsArray {
    return arithmetic(this, other, 'sub', 'sub');
  }

  /** Elementwise product `this * other`; operands as in {@link DsArray.add}. */
  mul(other: number | DsArray): DsArray {
    return arithmetic(this, other, 'mul', 'mul');
  }

  /** Elementwise quotient `this / other` (IEEE: x / 0 is ±Infinity or NaN); operands as in {@link DsArray.add} (sparse: scalars only). */
  div(other: number | DsArray): DsArray {
    return arithmetic(this, other, 'div', 'div');
  }

  /** Elementwise power `this ** p` for a scalar `p` (sparse arrays need `p > 0`). */
  pow(p: number): DsArray {
    return mapArray(this, 'pow', p, 'pow');
  }

  /** Elementwise square root (NaN for negative values). */
  sqrt(): DsArray {
    return mapArray(this, 'sqrt', 0, 'sqrt');
  }

  /** Elementwise absolute value. */
  abs(): DsArray {
    return mapArray(this, 'abs', 0, 'abs');
  }

  /** Elementwise negation. */
  neg(): DsArray {
    return mapArray(this, 'neg', 0, 'neg');
  }

  /** Elementwise e^x (not for sparse arrays: it maps 0 to 1). */
  exp(): DsArray {
    return mapArray(this, 'exp', 0, 'exp');
  }

  /** Elementwise natural logarithm (not for sparse arrays: it maps 0 to -Infinity). */
  log(): DsArray {
    return mapArray(this, 'log', 0, 'log');
  }

  /**
   * Sum along `axis`: 0 gives a 1 x m ds-array (one value per column), 1 an n x 1 one, omitted a 1 x 1
   * one (read it with `await x.sum().item()`). Partials are float64 and merged by a fixed tree, so the
   * result does not depend on the worker count. The result is dense and has this array's dtype.
   *
   * @throws {@link ShapeError} for an empty array
   */
  sum(axis?: Axis): DsArray {
    return reduceArray(this, 'sum', axis);
  }

  /** Arithmetic mean along `axis` (shapes as in {@link DsArray.sum}). */
  mean(axis?: Axis): DsArray {
    return reduceArray(this, 'mean', axis);
  }

  /** Minimum along `axis` (NaN wins, as in numpy; shapes as in {@link DsArray.sum}). */
  min(axis?: Axis): DsArray {
    return reduceArray(this, 'min', axis);
  }

  /** Maximum along `axis` (NaN wins, as in numpy; shapes as in {@link DsArray.sum}). */
  max(axis?: Axis): DsArray {
    return reduceArray(this, 'max', axis);
  }

  /** Euclidean (Frobenius when `axis` is omitted) norm along `axis` (shapes as in {@link DsArray.sum}). */
  norm(axis?: Axis): DsArray {
    return reduceArray(this, 'norm', axis);
  }

  /**
   * The matrix product `op(this) · op(other)` (see {@link matmul}).
   *
   * @throws {@link ShapeError} when the inner dimensions differ (at call time)
   */
  matmul(other: DsArray, opts: MatmulOptions = {}): DsArray {
    return matmul(this, other, opts);
  }

  /**
   * The same values cut in blocks of `blockSize` (blocks that already match are reused).
   *
   * @throws {@link ParameterError} on a bad block size
   */
  rechunk(blockSize: readonly [number, number]): DsArray {
    return rechunkArray(this, blockSize);
  }

  /** An independent copy: new blocks with the same values. */
  copy(): DsArray {
    return this.#mapBlocks((b) => submit(copyTask, [b]));
  }

  /** Dense copy of this array (itself when already dense). */
  toDense(): DsArray {
    return this.sparse ? this.#mapBlocks((b) => submit(convertTask, [b, false, this.dtype]), false) : this;
  }

  /** CSR copy of this array, keeping the non-zero values (itself when already sparse). */
  toSparse(): DsArray {
    return this.sparse ? this : this.#mapBlocks((b) => submit(convertTask, [b, true, this.dtype]), true);
  }

  /** This array with elements of `dtype` (itself when already of that type). */
  astype(dtype: DType): DsArray {
    if (dtype !== 'float64' && dtype !== 'float32') throw new ParameterError('dtype', `expected 'float64' or 'float32', found ${JSON.stringify(dtype)}`);
    return dtype === this.dtype ? this : this.#mapBlocks((b) => submit(convertTask, [b, this.sparse, dtype]), this.sparse, dtype);
  }

  /**
   * Waits for every block and assembles the array in CSR form (for sparse arrays; dense arrays are
   * converted, keeping their non-zero values).
   */
  async collectCsr(): Promise<CsrMatrix> {
    const [n, m] = this.shape;
    const values = await getAll(this.blocks.flat());
    const nc = this.nBlocks[1];
    const csr = values.map((b, k) => {
      checkBlock(b, this.blockRows(Math.floor(k / nc)), this.blockCols(k % nc), Math.floor(k / nc), k % nc);
      return toCsr(b);
    });
    const nnz = csr.reduce((s, b) => s + b.indices.length, 0);
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(nnz);
    const data = alloc(this.dtype, nnz);
    let p = 0;
    for (let i = 0; i < this.nBlocks[0]; i++) {
      for (let r = 0; r < this.blockRows(i); r++) {
        for (let j = 0; j < nc; j++) {
          const b = csr[i * nc + j] as (typeof csr)[number];
          for (let q = b.indptr[r] as number; q < (b.indptr[r + 1] as number); q++) {
            indices[p] = j * this.blockSize[1] + (b.indices[q] as number);
            data[p++] = b.data[q] as number;
          }
        }
        indptr[i * this.blockSize[0] + r + 1] = p;
      }
    }
    return { indptr, indices, data, shape: [n, m] };
  }

  /**
   * Waits for every block and assembles the whole array in this process as a dense `ndarray` of
   * shape `[rows, cols]` (sparse arrays are densified; see `collectCsr` for their CSR form).
   *
   * @throws {@link ShapeError} when a block does not have the shape its grid position requires
   * @throws {@link TaskFailedError} when a block's task failed
   */
  async collect(): Promise<Matrix> {
    const [n, m] = this.shape;
    const out = alloc(this.dtype, n * m);
    const values = await getAll(this.blocks.flat());
    values.forEach((block, k) => {
      const i = Math.floor(k / this.nBlocks[1]);
      const j = k % this.nBlocks[1];
      checkBlock(block, this.blockRows(i), this.blockCols(j), i, j);
      const dense = toDense(block);
      const [r0, c0] = [i * this.blockSize[0], j * this.blockSize[1]];
      const same = dtypeOf(dense.data) === this.dtype;
      for (let r = 0; r < dense.rows; r++) {
        const row = dense.data.subarray(r * dense.cols, (r + 1) * dense.cols);
        if (same) out.set(row, (r0 + r) * m + c0);
        else for (let c = 0; c < dense.cols; c++) out[(r0 + r) * m + c0 + c] = row[c] as number;
      }
    });
    return ndarray(out, [n, m]);
  }

  /** The whole array as nested arrays of numbers (rows of columns). */
  async toArray(): Promise<number[][]> {
    const x = await this.collect();
    const [n, m] = this.shape;
    return Array.from({ length: n }, (_, r) => Array.from(x.data.subarray(r * m, (r + 1) * m)));
  }
}

function checkBlock(block: Block, rows: number, cols: number, i: number, j: number): void {
  if (block === null || typeof block !== 'object' || (block.kind !== 'dense' && block.kind !== 'csr')) {
    throw new ShapeError(`block (${i}, ${j}) is not a dense or CSR block`, { block: [i, j] });
  }
  if (block.rows !== rows || block.cols !== cols) {
    throw new ShapeError(`block (${i}, ${j}) is ${block.rows} x ${block.cols}, expected ${rows} x ${cols}`, { block: [i, j] });
  }
}
