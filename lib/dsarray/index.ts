/**
 * The ds-array: blocked distributed 2-D arrays, their creation routines and lazy operations.
 *
 * @packageDocumentation
 */
export type { Block, DenseBlock, CsrBlock, DType } from './block.js';
export { DsArray, type Matrix, type CsrMatrix, type FromBlocksOptions } from './dsarray.js';
export { concatRows, concatColumns, type IndexSpec, type Range, type SliceSpec } from './indexing.js';
export { applyAlongAxis } from './apply.js';
export { matmul, type MatmulOptions } from './matmul.js';
export type { Axis, Reduction } from './reduce.js';
export {
  array,
  randomArray,
  zeros,
  full,
  eye,
  identity,
  type DenseInput,
  type CsrInput,
  type CreationOptions,
  type RandomArrayOptions,
  type EyeOptions,
} from './creation.js';
export { SparseUnsupportedError } from './errors.js';
export { copyRow, joinRow, mapBlocks, mapRowBlocks, withJoinedRows, type MapArgs, type MapOptions } from './rows.js';
export { columnMoments, columnRange, meanOf, mergeColumnRange, mergeMoments, type ColumnRange, type Moments } from './moments.js';
export { treeReduce, treeReduceValue, type MergeTask, type TreeOptions } from './tree.js';
