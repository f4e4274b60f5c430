/**
 * The block tasks of K-means. Submits carry this module's URL and workers import it on first use, so
 * the names below resolve to the same functions on the driver and on the workers.
 *
 * @packageDocumentation
 */
import type { Block, DenseBlock } from '../../dsarray/block.js';
import { allFinite, firstNonFinite, type NonFinite } from '../../base/finite.js';
import { Random } from '../../base/random.js';
import { kernels } from '../../kernels/index.js';
import type { FloatArray } from '../../kernels/types.js';
import { taskModule } from '../../runtime/index.js';
import { columnMoments, type Moments } from '../../dsarray/moments.js';
import { copyRow, joinRow } from '../../dsarray/rows.js';
import { accumulateCsr, centersFor, nearest } from './blocks.js';

const defineTask = taskModule(import.meta.url);

/** Partial result of one Lloyd step over some rows: what the driver needs to compute new centers. */
export interface StepPartial {
  /** k x d sums of the rows assigned to each center. */
  sums: Float64Array;
  /** Rows assigned to each center. */
  counts: Float64Array;
  /** Sum of squared distances of the rows to their nearest center. */
  inertia: number;
  /** Column moments of the rows (only when asked for: they give the tolerance's scale). */
  moments: Moments | null;
  /** The first NaN or infinity of the rows (null when they are finite). */
  nonFinite: NonFinite | null;
}

/** The `m` rows farthest from their nearest center among some rows (for empty-cluster relocation). */
export interface Farthest {
  /** Number of columns of the rows. */
  cols: number;
  /** Squared distance of each to its nearest center, descending (ties: ascending index). */
  dists: Float64Array;
  /** Global row index of each. */
  index: Float64Array;
  /** Nearest center of each. */
  labels: Int32Array;
  /** Their values, row-major (length x d). */
  rows: Float64Array;
}

/**
 * One Lloyd step over a row block (its first row is row `rowOffset` of the array): fused nearest-center
 * search and per-center sums (dense), or CSR dot products. A NaN or infinity in the block reaches the
 * sums of its row's cluster, so the block is searched for it only when the sums or inertia are not finite.
 */
export const stepTask = defineTask(
  'kmeans.step',
  (row: Block[], centers: FloatArray, k: number, withMoments: boolean, rowOffset: number): StepPartial => {
    const x = joinRow(row);
    const stats = withMoments ? columnMoments(x) : null;
    let sums: Float64Array;
    let counts: Float64Array;
    let inertia: number;
    if (x.kind === 'dense') {
      ({ sums, counts, inertia } = kernels().cluster.kmeansStep(x.data, x.rows, x.cols, centersFor(x, centers), k));
    } else {
      const near = nearest(x, centers, k);
      sums = new Float64Array(k * x.cols);
      counts = new Float64Array(k);
      accumulateCsr(x, near.labels, sums, counts);
      inertia = near.dists.reduce((s, v) => s + v, 0);
    }
    const nonFinite = Number.isFinite(inertia) && allFinite(sums) ? null : firstNonFinite(x, rowOffset);
    return { sums, counts, inertia, moments: stats, nonFinite };
  },
  { readOnly: true },
);

function topFarthest(dists: Float64Array, index: Float64Array, m: number): number[] {
  const order = Array.from(dists.keys());
  order.sort((a, b) => (dists[b] as number) - (dists[a] as number) || (index[a] as number) - (index[b] as number));
  return order.slice(0, m);
}

/** The `m` rows of a row block farthest from their nearest center (global indices start at `rowOffset`). */
export const farthestTask = defineTask(
  'kmeans.farthest',
  (row: Block[], centers: FloatArray, k: number, m: number, rowOffset: number): Farthest => {
    const x = joinRow(row);
    const near = nearest(x, centers, k);
    const index = Float64Array.from({ length: x.rows }, (_, i) => rowOffset + i);
    const top = topFarthest(near.dists, index, m);
    const rows = new Float64Array(top.length * x.cols);
    top.forEach((i, r) => copyRow(x, i, rows, r * x.cols));
    return {
      cols: x.cols,
      dists: Float64Array.from(top, (i) => near.dists[i] as number),
      index: Float64Array.from(top, (i) => index[i] as number),
      labels: Int32Array.from(top, (i) => near.labels[i] as number),
      rows,
    };
  },
  { readOnly: true },
);

/** Keeps the `m` farthest rows of several partial results. */
export const mergeFarthestTask = defineTask('kmeans.mergeFarthest', (parts: Farthest[]): Farthest => {
  const width = parts[0]?.cols ?? 0;
  const m = Math.max(...parts.map((p) => p.dists.length));
  const dists = new Float64Array(parts.flatMap((p) => [...p.dists]));
  const index = new Float64Array(parts.flatMap((p) => [...p.index]));
  const labels = Int32Array.from(parts.flatMap((p) => [...p.labels]));
  const all = new Float64Array(dists.length * width);
  let off = 0;
  for (const p of parts) {
    all.set(p.rows, off);
    off += p.rows.length;
  }
  const top = topFarthest(dists, index, m);
  const rows = new Float64Array(top.length * width);
  top.forEach((i, r) => rows.set(all.subarray(i * width, (i + 1) * width), r * width));
  return {
    cols: width,
    dists: Float64Array.from(top, (i) => dists[i] as number),
    index: Float64Array.from(top, (i) => index[i] as number),
    labels: Int32Array.from(top, (i) => labels[i] as number),
    rows,
  };
}, { readOnly: true });

/** Labels of a row block: its rows' nearest centers as an n x 1 float64 block. */
export const predictTask = defineTask('kmeans.predict', (row: Block[], centers: FloatArray, k: number): DenseBlock => {
  const x = joinRow(row);
  let labels: Int32Array;
  if (x.kind === 'dense') {
    labels = new Int32Array(x.rows);
    kernels().cluster.kmeansStep(x.data, x.rows, x.cols, centersFor(x, centers), k, labels);
  } else {
    labels = nearest(x, centers, k).labels;
  }
  return { kind: 'dense', rows: x.rows, cols: 1, data: Float64Array.from(labels) };
}, { readOnly: true });

/** Rows of a row block at the given local indices, as a float64 row-major matrix. */
export const takeRowsTask = defineTask('kmeans.takeRows', (row: Block[], local: Int32Array): Float64Array => {
  const x = joinRow(row);
  const out = new Float64Array(local.length * x.cols);
  local.forEach((i, r) => copyRow(x, i, out, r * x.cols));
  return out;
}, { readOnly: true });

/**
 * D^2 bookkeeping of k-means++ and k-means||: the squared distance of each row to its nearest chosen
 * center, updated with `m` new centers (`previous` null for the first), and the block's total.
 */
export const minDistTask = defineTask(
  'kmeans.minDist',
  (row: Block[], previous: Float64Array | null, added: Float64Array, m: number): [Float64Array, number] => {
    const x = joinRow(row);
    const dists = nearest(x, added, m).dists;
    if (previous !== null) for (let i = 0; i < dists.length; i++) dists[i] = Math.min(dists[i] as number, previous[i] as number);
    return [dists, dists.reduce((s, v) => s + v, 0)];
  },
  { nReturns: 2, readOnly: true },
);

/** k-means++ draw inside a block: the first row whose running D^2 total exceeds `target`. */
export const pickD2Task = defineTask('kmeans.pickD2', (row: Block[], dists: Float64Array, target: number): Float64Array => {
  const x = joinRow(row);
  let acc = 0;
  let pick = x.rows - 1;
  for (let i = 0; i < x.rows; i++) {
    acc += dists[i] as number;
    if (acc > target) {
      pick = i;
      break;
    }
  }
  const out = new Float64Array(x.cols);
  copyRow(x, pick, out, 0);
  return out;
}, { readOnly: true });

/** k-means|| oversampling inside a block: keeps each row with probability min(1, factor * D^2). */
export const sampleD2Task = defineTask(
  'kmeans.sampleD2',
  (row: Block[], dists: Float64Array, factor: number, seed: number): Float64Array => {
    const x = joinRow(row);
    const rng = new Random(seed);
    const picked: number[] = [];
    for (let i = 0; i < x.rows; i++) if (rng.next() < factor * (dists[i] as number)) picked.push(i);
    const out = new Float64Array(picked.length * x.cols);
    picked.forEach((i, r) => copyRow(x, i, out, r * x.cols));
    return out;
  },
  { readOnly: true },
);
