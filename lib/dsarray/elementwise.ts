/**
 * Elementwise operations: with a scalar, a function of one value, or another ds-array of the same
 * shape or a broadcastable one (a 1 x m row, an n x 1 column or a 1 x 1 array).
 */
import { ParameterError, ShapeError } from '../errors.js';
import { submit, type Future } from '../runtime/index.js';
import type { Block } from './block.js';
import { promote, scalarFunction, type BinaryOp, type ScalarOp, type UnaryOp } from './blockops.js';
import { DsArray } from './dsarray.js';
import { SparseUnsupportedError } from './errors.js';
import { rechunkArray } from './indexing.js';
import { combineTask, mapTask } from './tasks.js';

/** Applies a scalar operation or a one-value function to every element; the dtype is kept (numpy NEP 50). */
export function mapArray(x: DsArray, op: ScalarOp | UnaryOp, s: number, name: string): DsArray {
  if (typeof s !== 'number') throw new ParameterError('value', `${name}: expected a number or a ds-array, found ${typeof s}`);
  if (x.sparse) {
    const zero = scalarFunction(op, s)(0);
    if (zero !== 0) throw new SparseUnsupportedError(name, `it maps the implicit zeros to ${zero}`);
  }
  const blocks = x.blocks.map((row) => row.map((b) => submit(mapTask, [b, op, s, x.dtype])));
  return DsArray.fromBlocks(blocks, x.shape, x.blockSize, { dtype: x.dtype, sparse: x.sparse });
}

function broadcastDim(a: number, b: number, dim: number, name: string, sa: readonly number[], sb: readonly number[]): number {
  if (a === b || b === 1) return a;
  if (a === 1) return b;
  throw new ShapeError(`${name}: shapes ${sa.join(' x ')} and ${sb.join(' x ')} do not broadcast (dimension ${dim})`, { left: sa, right: sb });
}

/** `x op y` elementwise with numpy broadcasting of length-1 dimensions. */
export function combineArrays(x: DsArray, y: DsArray, op: BinaryOp, name: string): DsArray {
  const shape: [number, number] = [
    broadcastDim(x.shape[0], y.shape[0], 0, name, x.shape, y.shape),
    broadcastDim(x.shape[1], y.shape[1], 1, name, x.shape, y.shape),
  ];
  if (x.sparse || y.sparse) {
    if (!(x.sparse && y.sparse)) throw new SparseUnsupportedError(name, 'sparse and dense operands cannot be mixed');
    if (op === 'div') throw new SparseUnsupportedError(name, 'dividing implicit zeros gives NaN');
    if (x.shape[0] !== y.shape[0] || x.shape[1] !== y.shape[1]) throw new SparseUnsupportedError(name, 'broadcasting');
  }
  // Each result dimension takes the block size of an operand that spans it (x first).
  const spans = (a: DsArray, d: 0 | 1) => a.shape[d] === shape[d];
  const bs: [number, number] = [
    spans(x, 0) ? x.blockSize[0] : y.blockSize[0],
    spans(x, 1) ? x.blockSize[1] : y.blockSize[1],
  ];
  const align = (a: DsArray) => {
    const want: [number, number] = [spans(a, 0) ? bs[0] : a.blockSize[0], spans(a, 1) ? bs[1] : a.blockSize[1]];
    return want[0] === a.blockSize[0] && want[1] === a.blockSize[1] ? a : rechunkArray(a, want);
  };
  const [ax, ay] = [align(x), align(y)];
  const pick = (a: DsArray, i: number, j: number): Future<Block> =>
    a.blocks[a.nBlocks[0] === 1 ? 0 : i]?.[a.nBlocks[1] === 1 ? 0 : j] as Future<Block>;
  const dtype = promote(x.dtype, y.dtype);
  const nr = Math.max(ax.nBlocks[0], ay.nBlocks[0]);
  const nc = Math.max(ax.nBlocks[1], ay.nBlocks[1]);
  const blocks = Array.from({ length: nc === 0 ? 0 : nr }, (_, i) =>
    Array.from({ length: nc }, (_, j) => submit(combineTask, [pick(ax, i, j), pick(ay, i, j), op, dtype])),
  );
  return DsArray.fromBlocks(blocks, shape, bs, { dtype, sparse: x.sparse });
}

/** Dispatches `x op other` to the scalar or the array form. */
export function arithmetic(x: DsArray, other: number | DsArray, op: BinaryOp, name: string): DsArray {
  if (other instanceof DsArray) return combineArrays(x, other, op, name);
  return mapArray(x, op, other, name);
}
