/**
 * Block matrix product: output block (i, j) is the sum over the inner block index k of
 * op(A)_ik op(B)_kj, computed by tasks over fixed groups of k and merged by a fixed-shape tree.
 *
 * @packageDocumentation
 */
import { ParameterError, ShapeError } from '../errors.js';
import { submit, type Future } from '../runtime/index.js';
import type { Block } from './block.js';
import { promote } from './blockops.js';
import { DsArray } from './dsarray.js';
import { blockCount, blockLength } from './grid.js';
import { rechunkArray } from './indexing.js';
import { fullTask, matmulTask, sumBlocksTask } from './tasks.js';
import { ARITY, treeReduce } from './tree.js';

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** Multiply by the transpose of `a` (no transposed copy is made). Default false. */
  readonly transposeA?: boolean;
  /** Multiply by the transpose of `b`. Default false. */
  readonly transposeB?: boolean;
}

/**
 * The matrix product op(a) · op(b), where op transposes when the matching option is set. When the
 * inner block sizes differ, `b` is rechunked to match `a`. The result is CSR when both operands are
 * sparse, dense otherwise (mixed operands are allowed); its dtype is the wider of the two; its blocks
 * are op(a)'s row blocks by op(b)'s column blocks. Partial products are summed in a fixed order, so
 * the result does not depend on the worker count.
 *
 * @throws {@link ShapeError} when op(a)'s columns differ from op(b)'s rows (at call time)
 * @example
 * ```ts
 * const gram = matmul(x, x, { transposeA: true }); // xᵀx
 * ```
 */
export function matmul(a: DsArray, b: DsArray, opts: MatmulOptions = {}): DsArray {
  if (!(a instanceof DsArray) || !(b instanceof DsArray)) throw new ParameterError('b', 'matmul expects two ds-arrays');
  const tA = opts.transposeA ?? false;
  const tB = opts.transposeB ?? false;
  const [rows, inner] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [innerB, cols] = tB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (inner !== innerB) {
    throw new ShapeError(`matmul: op(a) is ${rows} x ${inner} but op(b) is ${innerB} x ${cols}`, { a: a.shape, b: b.shape, transposeA: tA, transposeB: tB });
  }
  const innerSize = tA ? a.blockSize[0] : a.blockSize[1];
  const bInner = tB ? b.blockSize[1] : b.blockSize[0];
  const bb = bInner === innerSize ? b : rechunkArray(b, tB ? [b.blockSize[0], innerSize] : [innerSize, b.blockSize[1]]);
  const bs: [number, number] = [tA ? a.blockSize[1] : a.blockSize[0], tB ? bb.blockSize[0] : bb.blockSize[1]];
  const dtype = promote(a.dtype, b.dtype);
  const sparse = a.sparse && b.sparse;
  const [nr, nc, nk] = [blockCount(rows, bs[0]), blockCount(cols, bs[1]), blockCount(inner, innerSize)];
  const blockA = (i: number, k: number) => (tA ? a.blocks[k]?.[i] : a.blocks[i]?.[k]) as Future<Block>;
  const blockB = (k: number, j: number) => (tB ? bb.blocks[j]?.[k] : bb.blocks[k]?.[j]) as Future<Block>;
  const blocks = Array.from({ length: nc === 0 ? 0 : nr }, (_, i) =>
    Array.from({ length: nc }, (_, j) => {
      if (nk === 0) return submit(fullTask, [blockLength(rows, bs[0], i), blockLength(cols, bs[1], j), 0, dtype, sparse]);
      const groups: Future<Block>[] = [];
      for (let k0 = 0; k0 < nk; k0 += ARITY) {
        const ks = Array.from({ length: Math.min(ARITY, nk - k0) }, (_, t) => k0 + t);
        groups.push(submit(matmulTask, [ks.map((k) => blockA(i, k)), ks.map((k) => blockB(k, j)), tA, tB, dtype]));
      }
      return treeReduce(groups, sumBlocksTask, { args: [dtype] });
    }),
  );
  return DsArray.fromBlocks(blocks, [rows, cols], bs, { dtype, sparse });
}
