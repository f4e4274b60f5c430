/**
 * Block-level helpers of the K-means tasks: nearest centers of every row (dense through the distance
 * kernel in chunks, CSR through sparse dot products), CSR sums per center, and typed centers of a
 * block's dtype.
 *
 * @packageDocumentation
 */
import type { Block, CsrBlock, DenseBlock } from '../../dsarray/block.js';
import { kernels } from '../../kernels/index.js';
import type { FloatArray } from '../../kernels/types.js';

/** Nearest center of each row and the squared distance to it. */
export interface Nearest {
  labels: Int32Array;
  dists: Float64Array;
}

/** Centers (float64, k x d) in the dtype of the block they are compared with. */
export function centersFor(block: Block, centers: FloatArray): FloatArray {
  const want32 = block.data instanceof Float32Array;
  if (want32 === centers instanceof Float32Array) return centers;
  return want32 ? Float32Array.from(centers) : Float64Array.from(centers);
}

// Rows per distance chunk: keeps the chunk's n x k distances near 2 MiB, as scikit-learn's chunking does.
const CHUNK_ELEMENTS = 1 << 18;

/** Nearest of the k centers (k x d) for every row of a block; ties go to the lowest index. */
export function nearest(block: Block, centers: FloatArray, k: number): Nearest {
  return block.kind === 'dense' ? nearestDense(block, centersFor(block, centers), k) : nearestCsr(block, centers, k);
}

function nearestDense(block: DenseBlock, centers: FloatArray, k: number): Nearest {
  const { rows, cols: d, data } = block;
  const labels = new Int32Array(rows);
  const dists = new Float64Array(rows);
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / k));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = Math.min(rows, r0 + chunk);
    const dist = kernels().pairwiseSqDist(data.subarray(r0 * d, r1 * d), r1 - r0, centers, k, d);
    for (let i = 0; i < r1 - r0; i++) {
      let best = 0;
      let bestD = dist[i * k] as number;
      for (let j = 1; j < k; j++) {
        const v = dist[i * k + j] as number;
        if (v < bestD) {
          bestD = v;
          best = j;
        }
      }
      labels[r0 + i] = best;
      dists[r0 + i] = Math.max(bestD, 0);
    }
  }
  return { labels, dists };
}

/**
 * CSR rows against dense centers: ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2 where x.c accumulates, for
 * each stored entry (j, v) of the row, v times row j of the transposed centers (d x k, contiguous in k).
 */
function nearestCsr(block: CsrBlock, centers: FloatArray, k: number): Nearest {
  const { rows, cols: d, indptr, indices, data } = block;
  const ct = new Float64Array(d * k);
  const cNorm = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = centers[j * d + f] as number;
      ct[f * k + j] = v;
      s += v * v;
    }
    cNorm[j] = s;
  }
  const labels = new Int32Array(rows);
  const dists = new Float64Array(rows);
  const dots = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    dots.fill(0);
    let xNorm = 0;
    for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) {
      const v = data[p] as number;
      xNorm += v * v;
      const off = (indices[p] as number) * k;
      for (let j = 0; j < k; j++) dots[j] = (dots[j] as number) + v * (ct[off + j] as number);
    }
    let best = 0;
    let bestD = (cNorm[0] as number) - 2 * (dots[0] as number);
    for (let j = 1; j < k; j++) {
      const v = (cNorm[j] as number) - 2 * (dots[j] as number);
      if (v < bestD) {
        bestD = v;
        best = j;
      }
    }
    labels[i] = best;
    dists[i] = Math.max(xNorm + bestD, 0);
  }
  return { labels, dists };
}

/** Adds the rows of a CSR block to the sums of their labels (k x d) and counts them. */
export function accumulateCsr(block: CsrBlock, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  const { rows, cols: d, indptr, indices, data } = block;
  for (let i = 0; i < rows; i++) {
    const base = (labels[i] as number) * d;
    counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
    for (let p = indptr[i] as number; p < (indptr[i + 1] as number); p++) {
      sums[base + (indices[p] as number)] = (sums[base + (indices[p] as number)] as number) + (data[p] as number);
    }
  }
}
