/**
 * Block makers of the dataset generators: pure functions of a plan (the small driver-made parameter
 * tables) and a block position, run by the tasks in ./tasks.ts. Every value is computed per row from
 * (seed, row), so a block is the same under any blocking.
 *
 * @packageDocumentation
 */
import type { CsrBlock, DType, DenseBlock } from '../dsarray/block.js';
import { alloc, castData } from '../dsarray/blockops.js';
import { normalRows, permute, segmentOf, Stream, uniformRows, type Permutation } from './streams.js';

/** Rows of a generator that shuffles: row i holds generated sample `order(i)`. */
export interface RowOrder {
  /** Present when rows are shuffled. */
  readonly shuffle: Permutation | null;
  /** Cumulative sample counts of the groups (centers or clusters): group g holds samples `[bounds[g-1], bounds[g])`. */
  readonly bounds: Float64Array;
}

function groupOf(order: RowOrder, row: number): number {
  return segmentOf(order.bounds, order.shuffle === null ? row : permute(order.shuffle, row));
}

/** Plan of makeBlobs. */
export interface BlobsPlan extends RowOrder {
  readonly seed: number;
  readonly nFeatures: number;
  /** Centers, row-major (centers x features). */
  readonly centers: Float64Array;
  /** Standard deviation of each center. */
  readonly std: Float64Array;
}

/** Block of makeBlobs' x: rows `row0 ..`, columns `col0 ..`: center + std * N(0, 1) per element. */
export function blobsBlock(p: BlobsPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType): DenseBlock {
  const z = normalRows(p.seed, Stream.features, row0, rows, col0, cols);
  const data = alloc(dtype, rows * cols);
  for (let r = 0; r < rows; r++) {
    const g = groupOf(p, row0 + r);
    const s = p.std[g] as number;
    for (let c = 0; c < cols; c++) data[r * cols + c] = (p.centers[g * p.nFeatures + col0 + c] as number) + s * (z[r * cols + c] as number);
  }
  return { kind: 'dense', rows, cols, data };
}

/** Labels (group index) of rows `row0 ..` of a shuffled or ordered generator, as a one-column block. */
export function groupLabels(order: RowOrder, row0: number, rows: number, dtype: DType): DenseBlock {
  const data = alloc(dtype, rows);
  for (let r = 0; r < rows; r++) data[r] = groupOf(order, row0 + r);
  return { kind: 'dense', rows, cols: 1, data };
}

/** Plan of makeClassification (see ./classification.ts for the recipe). */
export interface ClassificationPlan extends RowOrder {
  readonly seed: number;
  readonly nInformative: number;
  readonly nRedundant: number;
  readonly nRepeated: number;
  readonly nClasses: number;
  readonly flipY: number;
  /** Centroid of each cluster, row-major (clusters x informative). */
  readonly centroids: Float64Array;
  /** Covariance factor A of each cluster (clusters x informative x informative): informative = z A + centroid. */
  readonly covariance: Float64Array;
  /** Redundant features = informative B (informative x redundant). */
  readonly redundant: Float64Array;
  /** Generated feature copied by each repeated feature. */
  readonly repeated: Int32Array;
  /** Shift and scale of each generated feature. */
  readonly shift: Float64Array;
  readonly scale: Float64Array;
  /** Generated feature of each output column. */
  readonly columns: Int32Array;
}

/** Block of makeClassification's x. */
export function classificationBlock(p: ClassificationPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType): DenseBlock {
  const ni = p.nInformative;
  const nUseful = ni + p.nRedundant + p.nRepeated;
  const z = normalRows(p.seed, Stream.features, row0, rows, 0, ni);
  const useless = normalRows(p.seed, Stream.features, row0, rows, ni, p.columns.length - nUseful);
  const nu = p.columns.length - nUseful;
  const data = alloc(dtype, rows * cols);
  const informative = new Float64Array(ni);
  for (let r = 0; r < rows; r++) {
    const g = groupOf(p, row0 + r);
    for (let a = 0; a < ni; a++) {
      let v = p.centroids[g * ni + a] as number;
      for (let b = 0; b < ni; b++) v += (z[r * ni + b] as number) * (p.covariance[(g * ni + b) * ni + a] as number);
      informative[a] = v;
    }
    const feature = (f: number): number => {
      if (f < ni) return informative[f] as number;
      if (f < ni + p.nRedundant) {
        let v = 0;
        for (let a = 0; a < ni; a++) v += (informative[a] as number) * (p.redundant[a * p.nRedundant + f - ni] as number);
        return v;
      }
      if (f < nUseful) return feature(p.repeated[f - ni - p.nRedundant] as number);
      return useless[r * nu + f - nUseful] as number;
    };
    for (let c = 0; c < cols; c++) {
      const f = p.columns[col0 + c] as number;
      data[r * cols + c] = (feature(f) + (p.shift[f] as number)) * (p.scale[f] as number);
    }
  }
  return { kind: 'dense', rows, cols, data };
}

/** Labels of makeClassification: cluster mod classes, replaced by a uniform class with probability flipY. */
export function classificationLabels(p: ClassificationPlan, row0: number, rows: number, dtype: DType): DenseBlock {
  const u = uniformRows(p.seed, Stream.flip, row0, rows, 0, 2);
  const data = alloc(dtype, rows);
  for (let r = 0; r < rows; r++) {
    const flip = (u[2 * r] as number) < p.flipY;
    data[r] = flip ? Math.floor((u[2 * r + 1] as number) * p.nClasses) : groupOf(p, row0 + r) % p.nClasses;
  }
  return { kind: 'dense', rows, cols: 1, data };
}

/** Plan of makeRegression. */
export interface RegressionPlan {
  readonly seed: number;
  readonly nInformative: number;
  readonly nTargets: number;
  readonly bias: number;
  readonly noise: number;
  /** Coefficients of the informative generated features (informative x targets). */
  readonly groundTruth: Float64Array;
  /** Generated feature of each output column. */
  readonly columns: Int32Array;
}

/** Block of makeRegression's x: standard normals, generated feature `columns[c]` in output column c. */
export function regressionBlock(p: RegressionPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType): DenseBlock {
  let lo = Infinity;
  let hi = -Infinity;
  for (let c = col0; c < col0 + cols; c++) [lo, hi] = [Math.min(lo, p.columns[c] as number), Math.max(hi, p.columns[c] as number)];
  const width = cols === 0 ? 0 : hi - lo + 1;
  const z = normalRows(p.seed, Stream.features, row0, rows, cols === 0 ? 0 : lo, width);
  const data = alloc(dtype, rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = z[r * width + (p.columns[col0 + c] as number) - lo] as number;
  return { kind: 'dense', rows, cols, data };
}

/** Targets of makeRegression: informative features times the ground truth, plus bias and noise. */
export function regressionTargets(p: RegressionPlan, row0: number, rows: number, dtype: DType): DenseBlock {
  const ni = p.nInformative;
  const nt = p.nTargets;
  const z = normalRows(p.seed, Stream.features, row0, rows, 0, ni);
  const e = p.noise > 0 ? normalRows(p.seed, Stream.targetNoise, row0, rows, 0, nt) : null;
  const data = alloc(dtype, rows * nt);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < nt; t++) {
      let v = p.bias;
      for (let a = 0; a < ni; a++) v += (z[r * ni + a] as number) * (p.groundTruth[a * nt + t] as number);
      data[r * nt + t] = e === null ? v : v + p.noise * (e[r * nt + t] as number);
    }
  }
  return { kind: 'dense', rows, cols: nt, data };
}

/** Plan of makeLowRankRatings. */
export interface RatingsPlan {
  readonly seed: number;
  readonly nItems: number;
  readonly rank: number;
  readonly noise: number;
  /** Activity order of users: user u is the `activity(u)`-th most active. */
  readonly activity: Permutation;
  /** Ratings of the k-th most active user (0-based k): `round(scale * (k + 1)^-exponent)`, clipped to [1, nItems]. */
  readonly scale: number;
  readonly exponent: number;
}

/** First row of the item factors in the factor stream (users take the rows below it). */
export const ITEM_FACTOR_ROW = 2 ** 51;

/** Latent factors (rank values, N(0, 1) / rank^(1/4), so a product has unit variance) of rows `row0 ..` of the factor stream. */
export function factorRows(p: RatingsPlan, row0: number, rows: number): Float64Array {
  const z = normalRows(p.seed, Stream.factors, row0, rows, 0, p.rank);
  const s = Math.pow(p.rank, -0.25);
  for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) * s;
  return z;
}

/** Number of ratings of user `u`. */
export function ratingCount(p: RatingsPlan, u: number): number {
  const k = permute(p.activity, u);
  return Math.min(p.nItems, Math.max(1, Math.round(p.scale * Math.pow(k + 1, -p.exponent))));
}

/**
 * CSR block of ratings of users `row0 ..` on items `col0 .. col0 + cols - 1`. A user's items are drawn
 * without replacement (Floyd's algorithm over the user's uniforms); the rating of the j-th drawn item
 * is user factors . item factors + noise * (the user's j-th rating normal).
 */
export function ratingsBlock(p: RatingsPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType): CsrBlock {
  const users = factorRows(p, row0, rows);
  const items = factorRows(p, ITEM_FACTOR_ROW + col0, cols);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const u = row0 + r;
    const n = ratingCount(p, u);
    const draws = uniformRows(p.seed, Stream.items, u, 1, 0, n);
    const noise = p.noise > 0 ? normalRows(p.seed, Stream.ratingNoise, u, 1, 0, n) : null;
    const chosen = new Map<number, number>(); // item -> draw order
    for (let j = p.nItems - n, d = 0; j < p.nItems; j++, d++) {
      const t = Math.floor((draws[d] as number) * (j + 1));
      chosen.set(chosen.has(t) ? j : t, d);
    }
    const mine = [...chosen].filter(([item]) => item >= col0 && item < col0 + cols).sort((a, b) => a[0] - b[0]);
    for (const [item, d] of mine) {
      let v = 0;
      for (let a = 0; a < p.rank; a++) v += (users[r * p.rank + a] as number) * (items[(item - col0) * p.rank + a] as number);
      indices.push(item - col0);
      values.push(noise === null ? v : v + p.noise * (noise[d] as number));
    }
    indptr[r + 1] = indices.length;
  }
  return { kind: 'csr', rows, cols, indptr, indices: Int32Array.from(indices), data: castData(Float64Array.from(values), dtype) };
}

/** Dense block of factors: rows `row0 ..` (users) or items when `items`, columns `col0 ..` of the rank. */
export function factorBlock(p: RatingsPlan, items: boolean, row0: number, rows: number, col0: number, cols: number, dtype: DType): DenseBlock {
  const f = factorRows(p, (items ? ITEM_FACTOR_ROW : 0) + row0, rows);
  const data = alloc(dtype, rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = f[r * p.rank + col0 + c] as number;
  return { kind: 'dense', rows, cols, data };
}
