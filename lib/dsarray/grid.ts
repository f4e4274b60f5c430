/**
 * Geometry of a regular block grid: every block is `blockSize` except the last block row/column,
 * which holds the remainder.
 */
import { ParameterError } from '../errors.js';

/** Number of blocks along a dimension of `length` cut in pieces of `size` (0 for an empty dimension). */
export function blockCount(length: number, size: number): number {
  return length === 0 ? 0 : Math.ceil(length / size);
}

/** Length of block `index` along a dimension of `length` cut in pieces of `size`. */
export function blockLength(length: number, size: number, index: number): number {
  return Math.min(size, length - index * size);
}

/** Block boundaries along a dimension: `[0, size, 2 size, ..., length]` (one more entry than blocks). */
export function blockOffsets(length: number, size: number): number[] {
  return Array.from({ length: blockCount(length, size) + 1 }, (_, i) => Math.min(i * size, length));
}

/** Checks that `shape` is two non-negative integers. */
export function checkShape(shape: readonly number[], parameter = 'shape'): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ParameterError(parameter, `expected [rows, cols] of non-negative integers, found ${JSON.stringify(shape)}`);
  }
  return [shape[0] as number, shape[1] as number];
}

/**
 * Checks a block size and clips it to the shape, so two arrays with the same shape and grid have
 * equal block sizes (a block larger than the array is allowed: the array is then one block).
 */
export function normalizeBlockSize(blockSize: readonly number[], shape: readonly [number, number], parameter = 'blockSize'): [number, number] {
  if (!Array.isArray(blockSize) || blockSize.length !== 2 || !blockSize.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ParameterError(parameter, `expected [rows, cols] of positive integers, found ${JSON.stringify(blockSize)}`);
  }
  return [Math.max(1, Math.min(blockSize[0] as number, shape[0])), Math.max(1, Math.min(blockSize[1] as number, shape[1]))];
}
