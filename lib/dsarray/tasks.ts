/**
 * Block tasks of the ds-array. Submits carry this module's URL and workers import it on first use, so
 * every name below resolves to the same function on the driver and on the workers.
 *
 * @packageDocumentation
 */
import { ParameterError, ShapeError } from '../errors.js';
import { kernels } from '../kernels/index.js';
import { taskModule } from '../runtime/index.js';
import { lookupTask } from '../runtime/task.js';
import type { Block, CsrBlock, DType, DenseBlock } from './block.js';
import {
  accumulateSparseProduct,
  alloc,
  castBlock,
  castData,
  combineBlocks,
  combinePartials,
  csrProduct,
  elementAt,
  gatherBlock,
  mapBlock,
  partialReduce,
  sumBlocks,
  toCsr,
  toDense,
  transposeBlock,
  zeroCsr,
  type BinaryOp,
  type PartialOp,
  type ReduceAxis,
  type ScalarOp,
  type UnaryOp,
} from './blockops.js';
import { uniformBlock } from './random.js';

const defineTask = taskModule(import.meta.url);

/** Places a block built in the driver on a worker. */
export const putTask = defineTask('dsarray.put', (block: Block) => block);

/** Independent copy of a block. */
export const copyTask = defineTask('dsarray.copy', (block: Block) => block);

/** One element of a block. */
export const elementTask = defineTask('dsarray.element', (block: Block, r: number, c: number) => elementAt(block, r, c), { readOnly: true });

/** Uniform [0, 1) block at (row0, col0) of the random matrix of `seed`. */
export const uniformTask = defineTask(
  'dsarray.uniform',
  (seed: number, row0: number, col0: number, rows: number, cols: number, dtype: DType): DenseBlock => ({
    kind: 'dense',
    rows,
    cols,
    data: uniformBlock(seed, row0, col0, rows, cols, dtype),
  }),
);

/** A block filled with `value` (an empty CSR block when sparse; the caller checks value is 0 then). */
export const fullTask = defineTask('dsarray.full', (rows: number, cols: number, value: number, dtype: DType, sparse: boolean): Block => {
  if (sparse) return zeroCsr(rows, cols, dtype);
  const data = alloc(dtype, rows * cols);
  if (value !== 0) data.fill(value);
  return { kind: 'dense', rows, cols, data };
});

/** Block at (row0, col0) of a matrix with ones on diagonal `k` (element (r, r + k)) and zeros elsewhere. */
export const eyeTask = defineTask(
  'dsarray.eye',
  (row0: number, col0: number, rows: number, cols: number, k: number, dtype: DType, sparse: boolean): Block => {
    const block: DenseBlock = { kind: 'dense', rows, cols, data: alloc(dtype, rows * cols) };
    for (let r = 0; r < rows; r++) {
      const c = row0 + r + k - col0;
      if (c >= 0 && c < cols) block.data[r * cols + c] = 1;
    }
    return sparse ? toCsr(block) : block;
  },
);

/** Transposed block. */
export const transposeTask = defineTask('dsarray.transpose', (block: Block) => transposeBlock(block), { readOnly: true });

/** Elementwise function or operation with a scalar. */
export const mapTask = defineTask('dsarray.map', (block: Block, op: ScalarOp | UnaryOp, s: number, dtype: DType) => mapBlock(block, op, s, dtype), { readOnly: true });

/** Elementwise operation between two blocks (with broadcasting of length-1 dimensions). */
export const combineTask = defineTask('dsarray.combine', (a: Block, b: Block, op: BinaryOp, dtype: DType) => combineBlocks(a, b, op, dtype), { readOnly: true });

/** Float64 partial reduction of one block. */
export const partialTask = defineTask('dsarray.partial', (block: Block, op: PartialOp, axis: ReduceAxis) => partialReduce(block, op, axis), { readOnly: true });

/** Combines partial reductions, left to right. */
export const mergePartialsTask = defineTask('dsarray.mergePartials', (parts: Float64Array[], op: PartialOp) => combinePartials(parts, op), { readOnly: true });

/**
 * Turns a combined partial into a result block of `rows` x `cols`: `mean` divides by `count`, `norm`
 * takes the square root, other ops keep the value.
 */
export const finishReduceTask = defineTask(
  'dsarray.finishReduce',
  (partial: Float64Array, op: 'sum' | 'mean' | 'min' | 'max' | 'norm', count: number, rows: number, cols: number, dtype: DType): DenseBlock => {
    const f = op === 'mean' ? (v: number) => v / count : op === 'norm' ? Math.sqrt : (v: number) => v;
    const out = alloc(dtype, rows * cols);
    for (let i = 0; i < out.length; i++) out[i] = f(partial[i] as number);
    return { kind: 'dense', rows, cols, data: out };
  },
);

/** Assembles one output block from pieces of source blocks (slicing, rechunking, concatenation). */
export const gatherTask = defineTask(
  'dsarray.gather',
  (sources: Block[][], rowRuns: Int32Array, colRuns: Int32Array, rows: number, cols: number, dtype: DType, sparse: boolean) =>
    gatherBlock(sources, rowRuns, colRuns, rows, cols, dtype, sparse),
  { readOnly: true },
);

/** Converts a block to dense or CSR form and to `dtype`. */
export const convertTask = defineTask('dsarray.convert', (block: Block, sparse: boolean, dtype: DType): Block =>
  castBlock(sparse ? toCsr(block) : toDense(block), dtype),
  { readOnly: true },
);

/**
 * Sum over k of op(as[k]) * op(bs[k]) (op transposes when its flag is set): a CSR block when both
 * operands are CSR, else dense through the GEMM kernel (dense pairs) or the sparse-dense loops.
 */
export const matmulTask = defineTask(
  'dsarray.matmul',
  (as: Block[], bs: Block[], transA: boolean, transB: boolean, dtype: DType): Block => {
    const op = (b: Block, t: boolean) => castBlock(t ? transposeBlock(b) : b, dtype);
    const first = as[0] as Block;
    const firstB = bs[0] as Block;
    if (first.kind === 'csr' && firstB.kind === 'csr') {
      return sumBlocks(as.map((a, k) => csrProduct(op(a, transA) as CsrBlock, op(bs[k] as Block, transB) as CsrBlock, dtype)), dtype);
    }
    const rows = transA ? first.cols : first.rows;
    const cols = transB ? firstB.rows : firstB.cols;
    const out = alloc(dtype, rows * cols);
    as.forEach((a, k) => {
      const b = bs[k] as Block;
      if (a.kind === 'dense' && b.kind === 'dense') {
        const inner = transA ? a.rows : a.cols;
        kernels().gemm(transA, transB, rows, cols, inner, 1, castData(a.data, dtype), castData(b.data, dtype), 1, out);
      } else {
        accumulateSparseProduct(op(a, transA), op(b, transB), out);
      }
    });
    return { kind: 'dense', rows, cols, data: out };
  },
  { readOnly: true },
);

/** Sum of same-shape blocks, left to right. */
export const sumBlocksTask = defineTask('dsarray.sumBlocks', (blocks: Block[], dtype: DType) => sumBlocks(blocks, dtype), { readOnly: true });

/**
 * Runs the registered task `name` on the slab made of `pieces` (stacked vertically for axis 0,
 * side by side for axis 1) as `fn(slab, axis, ...args)`; the function returns one value per column
 * (axis 0) or per row (axis 1) as a number array, a typed array or a block of that shape.
 */
export const applyTask = defineTask(
  'dsarray.apply',
  async (name: string, axis: 0 | 1, pieces: Block[], dtype: DType, args: unknown[]): Promise<DenseBlock> => {
    const def = lookupTask(name);
    if (def === undefined) throw new ParameterError('task', `unknown task ${name}: list its module in init({ taskModules })`);
    const slab = stack(pieces.map(toDense), axis, dtype);
    const result = (await def.fn(slab, axis, ...args)) as unknown;
    const values = resultValues(result, name);
    const length = axis === 0 ? slab.cols : slab.rows;
    if (values.length !== length) {
      throw new ShapeError(`applyAlongAxis: task ${name} returned ${values.length} values for a slab of ${slab.rows} x ${slab.cols} along axis ${axis}, expected ${length}`, { task: name });
    }
    const data = castData(values instanceof Float64Array || values instanceof Float32Array ? values : Float64Array.from(values), dtype);
    return axis === 0 ? { kind: 'dense', rows: 1, cols: length, data } : { kind: 'dense', rows: length, cols: 1, data };
  },
);

function resultValues(result: unknown, name: string): ArrayLike<number> & Iterable<number> {
  if (result instanceof Float64Array || result instanceof Float32Array) return result;
  if (Array.isArray(result) && result.every((v) => typeof v === 'number')) return result as number[];
  if (result !== null && typeof result === 'object' && 'kind' in result) return toDense(result as Block).data;
  throw new ParameterError('task', `applyAlongAxis: task ${name} must return numbers, a Float64Array/Float32Array or a block`);
}

function stack(pieces: readonly DenseBlock[], axis: 0 | 1, dtype: DType): DenseBlock {
  if (axis === 0) {
    const rows = pieces.reduce((s, p) => s + p.rows, 0);
    const cols = pieces[0]?.cols ?? 0;
    const data = alloc(dtype, rows * cols);
    let at = 0;
    for (const p of pieces) {
      data.set(castData(p.data, dtype), at);
      at += p.data.length;
    }
    return { kind: 'dense', rows, cols, data };
  }
  const rows = pieces[0]?.rows ?? 0;
  const cols = pieces.reduce((s, p) => s + p.cols, 0);
  const data = alloc(dtype, rows * cols);
  let c0 = 0;
  for (const p of pieces) {
    for (let r = 0; r < rows; r++) data.set(castData(p.data.subarray(r * p.cols, (r + 1) * p.cols), dtype), r * cols + c0);
    c0 += p.cols;
  }
  return { kind: 'dense', rows, cols, data };
}
