/**
 * makeBlobs: isotropic Gaussian blobs for clustering (scikit-learn's `make_blobs`).
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { submit } from '../runtime/index.js';
import type { DsArray } from '../dsarray/dsarray.js';
import type { BlobsPlan } from './blocks.js';
import { count, finite, generated, layout, type GeneratorOptions } from './grid.js';
import { checkSeed, driverRandom, permutation } from './streams.js';
import { blobsTask, groupLabelsTask } from './tasks.js';

/** Options of {@link makeBlobs} (scikit-learn's `make_blobs` parameters, camelCase). */
export interface MakeBlobsOptions extends GeneratorOptions {
  /** Total samples, split evenly over the centers (the first ones take one more), or the count of each center. Default 100. */
  readonly nSamples?: number | readonly number[];
  /** Features (ignored when `centers` gives coordinates). Default 2. */
  readonly nFeatures?: number;
  /** Number of centers drawn uniformly in `centerBox`, or their coordinates. Default 3 (or one per entry of an `nSamples` list). */
  readonly centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every center, or one per center. Default 1. */
  readonly clusterStd?: number | readonly number[];
  /** Bounds of each coordinate of drawn centers. Default [-10, 10]. */
  readonly centerBox?: readonly [number, number];
  /** Shuffle the rows (otherwise the samples of each center are contiguous, in center order). Default true. */
  readonly shuffle?: boolean;
}

/** What {@link makeBlobs} returns. */
export interface Blobs {
  /** Samples, `nSamples x nFeatures`. */
  readonly x: DsArray;
  /** Center index of each sample (one column, blocked by rows like x). */
  readonly y: DsArray;
  /** The centers, one row each. */
  readonly centers: number[][];
}

/**
 * Gaussian blobs as recompute-only ds-arrays. Recipe (as scikit-learn's): centers uniform in
 * `centerBox` unless given; center k has `nSamples[k]` samples, each coordinate center + std_k * N(0, 1);
 * with `shuffle`, row i holds sample `pi(i)` of a seeded permutation pi of the rows. Every normal is
 * drawn from (randomState, row, feature), so the arrays do not depend on the blocking or the workers;
 * the numbers differ from scikit-learn's (another generator), the distribution does not.
 *
 * @throws {@link ParameterError} naming the invalid option
 * @example
 * ```ts
 * const { x, y } = makeBlobs({ nSamples: 1e6, nFeatures: 10, centers: 5, randomState: 0, blockSize: [100_000, 10] });
 * ```
 */
export function makeBlobs(opts: MakeBlobsOptions = {}): Blobs {
  const seed = checkSeed(opts.randomState);
  const rng = driverRandom(seed);
  const nSamplesOpt = opts.nSamples ?? 100;
  const perCenterGiven = Array.isArray(nSamplesOpt);
  const box = opts.centerBox ?? [-10, 10];
  if (!Array.isArray(box) || box.length !== 2 || !(finite(box[0], 'centerBox[0]') <= finite(box[1], 'centerBox[1]'))) {
    throw new ParameterError('centerBox', 'expected [min, max] with min <= max');
  }
  let centers: number[][];
  if (Array.isArray(opts.centers)) {
    const given = opts.centers as readonly (readonly number[])[];
    if (given.length === 0) throw new ParameterError('centers', 'expected at least one center');
    const m = Array.isArray(given[0]) ? given[0].length : 0;
    centers = given.map((row, k) => {
      if (!Array.isArray(row) || row.length !== m || m === 0) throw new ParameterError(`centers[${k}]`, `expected ${m || 'a non-empty list of'} numbers`);
      return row.map((v, j) => finite(v, `centers[${k}][${j}]`));
    });
  } else {
    const nCenters = opts.centers === undefined ? (perCenterGiven ? (nSamplesOpt as readonly number[]).length : 3) : count(opts.centers, 'centers', 1);
    const m = count(opts.nFeatures ?? 2, 'nFeatures', 1);
    centers = Array.from({ length: nCenters }, () => Array.from({ length: m }, () => box[0] + (box[1] - box[0]) * rng.next()));
  }
  const k = centers.length;
  const m = (centers[0] as number[]).length;
  let perCenter: number[];
  if (perCenterGiven) {
    const list = nSamplesOpt as readonly number[];
    if (list.length !== k) throw new ParameterError('nSamples', `a list of counts needs one per center (${k}), found ${list.length}`);
    perCenter = list.map((v, i) => count(v, `nSamples[${i}]`, 0));
  } else {
    const n = count(nSamplesOpt, 'nSamples', 0);
    perCenter = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
  }
  const stdOpt = opts.clusterStd ?? 1;
  const std = Array.isArray(stdOpt)
    ? (() => {
        if (stdOpt.length !== k) throw new ParameterError('clusterStd', `a list needs one value per center (${k}), found ${stdOpt.length}`);
        return stdOpt.map((v: unknown, i: number) => finite(v, `clusterStd[${i}]`, 0));
      })()
    : Array.from({ length: k }, () => finite(stdOpt, 'clusterStd', 0));
  const n = perCenter.reduce((a, b) => a + b, 0);
  const bounds = new Float64Array(k);
  perCenter.reduce((acc, c, i) => (bounds[i] = acc + c), 0);
  const shuffle = opts.shuffle ?? true;
  const plan: BlobsPlan = {
    seed,
    nFeatures: m,
    centers: Float64Array.from(centers.flat()),
    std: Float64Array.from(std),
    bounds,
    shuffle: shuffle ? permutation(seed, 0, n) : null,
  };
  const { dtype, blockSize } = layout(opts, [n, m]);
  const x = generated([n, m], blockSize, dtype, false, (row0, rows, col0, cols) => submit(blobsTask, [plan, row0, rows, col0, cols, dtype]));
  const y = generated([n, 1], [blockSize[0], 1], dtype, false, (row0, rows) => submit(groupLabelsTask, [{ bounds, shuffle: plan.shuffle }, row0, rows, dtype]));
  return { x, y, centers };
}
