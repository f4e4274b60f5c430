/**
 * makeClassification: a random n-class problem (scikit-learn's `make_classification`).
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { submit } from '../runtime/index.js';
import type { Random } from '../base/random.js';
import type { DsArray } from '../dsarray/dsarray.js';
import type { ClassificationPlan } from './blocks.js';
import { count, finite, generated, layout, type GeneratorOptions } from './grid.js';
import { checkSeed, columnOrder, driverRandom, permutation } from './streams.js';
import { classificationLabelsTask, classificationTask } from './tasks.js';

/** Options of {@link makeClassification} (scikit-learn's `make_classification` parameters, camelCase). */
export interface MakeClassificationOptions extends GeneratorOptions {
  /** Samples. Default 100. */
  readonly nSamples?: number;
  /** Features: informative, redundant, repeated, then useless noise. Default 20. */
  readonly nFeatures?: number;
  /** Informative features (the Gaussian clusters live in their space). Default 2. */
  readonly nInformative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  readonly nRedundant?: number;
  /** Copies of informative or redundant features. Default 0. */
  readonly nRepeated?: number;
  /** Classes. Default 2. */
  readonly nClasses?: number;
  /** Gaussian clusters per class. Default 2. */
  readonly nClustersPerClass?: number;
  /** Proportion of samples of each class (`nClasses` values, or `nClasses - 1` and the rest to the last). Default balanced. */
  readonly weights?: readonly number[] | null;
  /** Fraction of samples whose class is replaced by a uniformly drawn one. Default 0.01. */
  readonly flipY?: number;
  /** Half the side of the hypercube the cluster centroids sit on. Default 1. */
  readonly classSep?: number;
  /** Centroids on hypercube vertices; otherwise on a random polytope. Default true. */
  readonly hypercube?: boolean;
  /** Added to every feature, or one per feature; null draws one per feature in [-classSep, classSep]. Default 0. */
  readonly shift?: number | readonly number[] | null;
  /** Multiplies every feature (after the shift), or one per feature; null draws one per feature in [1, 101]. Default 1. */
  readonly scale?: number | readonly number[] | null;
  /** Shuffle the rows and the columns. Default true. */
  readonly shuffle?: boolean;
}

/** What {@link makeClassification} returns. */
export interface Classification {
  /** Samples, `nSamples x nFeatures`. */
  readonly x: DsArray;
  /** Class of each sample (one column, blocked by rows like x). */
  readonly y: DsArray;
}

function perFeature(value: number | readonly number[] | null, name: string, n: number, draw: () => number): Float64Array {
  if (value === null) return Float64Array.from({ length: n }, draw);
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ParameterError(name, `a list needs one value per feature (${n}), found ${value.length}`);
    return Float64Array.from(value, (v, i) => finite(v, `${name}[${i}]`));
  }
  const v = finite(value, name);
  return new Float64Array(n).fill(v);
}

/** `count` distinct vertices of the hypercube {0, 1}^dims, row-major (scikit-learn draws them the same way). */
function hypercubeVertices(rng: Random, count: number, dims: number): Float64Array {
  const low = Math.min(dims, 30);
  const ids = rng.sample(2 ** low, count);
  const out = new Float64Array(count * dims);
  ids.forEach((id, k) => {
    for (let a = 0; a < dims; a++) out[k * dims + a] = a < low ? Math.floor(id / 2 ** a) % 2 : rng.int(2);
  });
  return out;
}

function sampleCounts(n: number, nClasses: number, perClass: number, weightsOpt: readonly number[] | null): number[] {
  let weights: number[];
  if (weightsOpt === null) weights = Array.from({ length: nClasses }, () => 1 / nClasses);
  else {
    if (!Array.isArray(weightsOpt) || (weightsOpt.length !== nClasses && weightsOpt.length !== nClasses - 1)) {
      throw new ParameterError('weights', `expected ${nClasses} or ${nClasses - 1} proportions, found ${String(weightsOpt)}`);
    }
    weights = weightsOpt.map((w, i) => finite(w, `weights[${i}]`, 0));
    if (weights.length === nClasses - 1) weights.push(Math.max(0, 1 - weights.reduce((a, b) => a + b, 0)));
  }
  const nClusters = nClasses * perClass;
  const counts = Array.from({ length: nClusters }, (_, k) => Math.floor((n * (weights[k % nClasses] as number)) / perClass));
  const missing = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) counts[i % nClusters] = (counts[i % nClusters] as number) + 1;
  return counts;
}

/**
 * A classification problem as recompute-only ds-arrays, following scikit-learn's recipe:
 * `nClasses * nClustersPerClass` clusters with centroids on distinct vertices of a hypercube of side
 * `2 * classSep` in the informative subspace (scaled randomly when `hypercube` is false); a sample of
 * cluster k is z A_k + centroid_k with z ~ N(0, I) and A_k uniform in [-1, 1); its class is k mod
 * nClasses. Redundant features are informative B (B uniform in [-1, 1)), repeated ones copy drawn
 * useful features, the rest are N(0, 1) noise; a fraction `flipY` of labels is redrawn uniformly;
 * features are shifted then scaled; with `shuffle` rows and columns are permuted. Each row's values come
 * from (randomState, row), so the arrays do not depend on the blocking or the workers; the numbers
 * differ from scikit-learn's (another generator), the distribution does not.
 *
 * @throws {@link ParameterError} naming the invalid option
 */
export function makeClassification(opts: MakeClassificationOptions = {}): Classification {
  const seed = checkSeed(opts.randomState);
  const rng = driverRandom(seed);
  const n = count(opts.nSamples ?? 100, 'nSamples', 0);
  const nFeatures = count(opts.nFeatures ?? 20, 'nFeatures', 1);
  const ni = count(opts.nInformative ?? 2, 'nInformative', 1);
  const nr = count(opts.nRedundant ?? 2, 'nRedundant', 0);
  const nrep = count(opts.nRepeated ?? 0, 'nRepeated', 0);
  const nClasses = count(opts.nClasses ?? 2, 'nClasses', 1);
  const perClass = count(opts.nClustersPerClass ?? 2, 'nClustersPerClass', 1);
  if (ni + nr + nrep > nFeatures) throw new ParameterError('nFeatures', `must be at least nInformative + nRedundant + nRepeated = ${ni + nr + nrep}`);
  const nClusters = nClasses * perClass;
  if (2 ** ni < nClusters) throw new ParameterError('nInformative', `2^nInformative must be at least nClasses * nClustersPerClass = ${nClusters}`);
  const flipY = finite(opts.flipY ?? 0.01, 'flipY', 0);
  const classSep = finite(opts.classSep ?? 1, 'classSep');
  const counts = sampleCounts(n, nClasses, perClass, opts.weights ?? null);

  const centroids = hypercubeVertices(rng, nClusters, ni).map((v) => v * 2 * classSep - classSep);
  if (!(opts.hypercube ?? true)) {
    const perCluster = Array.from({ length: nClusters }, () => 2 * rng.next());
    const perAxis = Array.from({ length: ni }, () => 2 * rng.next());
    centroids.forEach((v, i) => (centroids[i] = v * (perCluster[Math.floor(i / ni)] as number) * (perAxis[i % ni] as number)));
  }
  const covariance = Float64Array.from({ length: nClusters * ni * ni }, () => 2 * rng.next() - 1);
  const redundant = Float64Array.from({ length: ni * nr }, () => 2 * rng.next() - 1);
  const repeated = Int32Array.from({ length: nrep }, () => Math.floor((ni + nr - 1) * rng.next() + 0.5));
  const shift = perFeature(opts.shift === undefined ? 0 : opts.shift, 'shift', nFeatures, () => (2 * rng.next() - 1) * classSep);
  const scale = perFeature(opts.scale === undefined ? 1 : opts.scale, 'scale', nFeatures, () => 1 + 100 * rng.next());
  const shuffle = opts.shuffle ?? true;
  const columns = columnOrder(rng, nFeatures, shuffle);
  const bounds = new Float64Array(nClusters);
  counts.reduce((acc, c, i) => (bounds[i] = acc + c), 0);
  const plan: ClassificationPlan = {
    seed,
    nInformative: ni,
    nRedundant: nr,
    nRepeated: nrep,
    nClasses,
    flipY,
    centroids,
    covariance,
    redundant,
    repeated,
    shift,
    scale,
    columns,
    bounds,
    shuffle: shuffle ? permutation(seed, 0, n) : null,
  };
  const { dtype, blockSize } = layout(opts, [n, nFeatures]);
  const x = generated([n, nFeatures], blockSize, dtype, false, (row0, rows, col0, cols) => submit(classificationTask, [plan, row0, rows, col0, cols, dtype]));
  const y = generated([n, 1], [blockSize[0], 1], dtype, false, (row0, rows) => submit(classificationLabelsTask, [plan, row0, rows, dtype]));
  return { x, y };
}
