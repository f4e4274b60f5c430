/**
 * K-means clustering (Lloyd's algorithm) on ds-arrays, with scikit-learn's semantics.
 *
 * @packageDocumentation
 */
import { checkFitOptions, DEFAULT_ARITY, type FitOptions, type ParamSpecs, type StateSchema } from '../../base/estimator.js';
import { assertFinite } from '../../base/finite.js';
import { checkDsArray } from '../../base/input.js';
import { Clusterer } from '../../base/kinds.js';
import { summing } from '../../base/partials.js';
import { Random } from '../../base/random.js';
import { registerEstimator } from '../../base/registry.js';
import { either, finiteMatrix, finiteNumber, integer, oneOf, seed } from '../../base/validation.js';
import type { DsArray } from '../../dsarray/dsarray.js';
import { mapRowBlocks, withJoinedRows } from '../../dsarray/rows.js';
import { treeReduceValue } from '../../dsarray/tree.js';
import { ParameterError } from '../../errors.js';
import { submit } from '../../runtime/index.js';
import { initialCenters, type KMeansInit } from './init.js';
import { farthestTask, mergeFarthestTask, predictTask, stepTask, type StepPartial } from './tasks.js';

/** Hyper-parameters of {@link KMeans} (every field has a default: see {@link KMeansOptions}). */
export interface KMeansParams {
  /** Number of clusters k (default 8). Must not exceed the number of samples at `fit`. */
  nClusters: number;
  /**
   * Initial centers (default `'random'`): `'random'` picks k distinct rows of the data (scikit-learn's
   * 'random', not dislib's uniform [0, 1) points); `'k-means++'` D^2 sampling (one pass per center);
   * `'k-means||'` Bahmani et al.'s parallel variant (a few passes, as Spark MLlib); or a k x d matrix.
   */
  init: KMeansInit;
  /** Maximum number of Lloyd iterations (default 10, as dislib). */
  maxIter: number;
  /**
   * Convergence tolerance (default 1e-4), relative as in scikit-learn: iterations stop once the sum over
   * centers of the squared center shift is at most `tol` times the mean of the per-column variances of
   * the data (computed in the first iteration's pass). 0 stops only when no center moves.
   */
  tol: number;
  /** Seed of the initialisation (default undefined: fresh entropy each fit). */
  randomState: number | undefined;
}

/** Options of the {@link KMeans} constructor: any subset of {@link KMeansParams}. */
export type KMeansOptions = Partial<KMeansParams>;

/** Fitted state of a KMeans model (what `toJSON` saves). */
export interface KMeansState {
  clusterCenters: number[][];
  inertia: number;
  nIter: number;
  nFeaturesIn: number;
}

const SPECS: ParamSpecs<KMeansParams> = {
  nClusters: { default: 8, check: integer(1) },
  init: {
    default: 'random',
    check: either(oneOf(['random', 'k-means++', 'k-means||']), finiteMatrix, `'random', 'k-means++', 'k-means||' or a number[][] of centers`),
  },
  maxIter: { default: 10, check: integer(1) },
  tol: { default: 1e-4, check: finiteNumber(0) },
  randomState: { default: undefined, check: seed },
};

const STATE: StateSchema<KMeansState> = {
  clusterCenters: finiteMatrix,
  inertia: finiteNumber(0),
  nIter: integer(1),
  nFeaturesIn: integer(1),
};

/**
 * K-means clustering by Lloyd's algorithm: one task per row block and iteration computes the nearest
 * centers and per-center partial sums with the fused `cluster.kmeansStep` kernel (dense) or sparse dot
 * products (CSR), partial results are added in a fixed tree (fan-in: the fit option `arity`), and the driver
 * synchronises once per iteration to compute the new centers and test convergence.
 *
 * Semantics follow scikit-learn's `KMeans(algorithm='lloyd')`: given the same initial centers the
 * centers, inertia, labels and iteration count agree with scikit-learn's. An empty cluster takes the row
 * farthest from its nearest center, as scikit-learn does (this costs one extra pass, only in iterations
 * where a cluster is empty). After the last iteration, unless the centers stopped moving, one more pass
 * computes the inertia of the final centers (as scikit-learn).
 *
 * @example
 * ```ts
 * const x = await loadTxtFile('blobs.csv', [10_000, 2]);
 * const km = await new KMeans({ nClusters: 3, randomState: 0 }).fit(x);
 * console.log(km.clusterCenters, km.inertia, km.nIter);
 * const labels = await km.predict(x).collect();
 * ```
 */
export class KMeans extends Clusterer<KMeansParams, KMeansState> {
  /**
   * @param options - hyper-parameters; defaults: `{ nClusters: 8, init: 'random', maxIter: 10, tol: 1e-4 }`
   * @throws {@link ParameterError} naming an unknown or invalid option
   */
  constructor(options: KMeansOptions = {}) {
    super(SPECS, STATE, options);
  }

  /** Centers of the clusters, k rows of d numbers. */
  get clusterCenters(): number[][] {
    return this.attr('clusterCenters');
  }

  /** Sum of squared distances of the training rows to their nearest center (of the final centers). */
  get inertia(): number {
    return this.attr('inertia');
  }

  /** Number of Lloyd iterations run. */
  get nIter(): number {
    return this.attr('nIter');
  }

  /** Number of columns seen by `fit`. */
  get nFeaturesIn(): number {
    return this.attr('nFeaturesIn');
  }

  /**
   * Computes the clusters of `x` (n x d, dense or CSR, float64 or float32). The row blocks of a
   * multi-column-block `x` are joined once for the whole fit.
   *
   * @param _y - ignored (scikit-learn's convention for unsupervised estimators)
   * @param options - `arity` of the reduction trees; `onProgress`, called after every iteration with
   *   `inertia` (of the iteration's starting centers), `centerShift` (sum of squared center moves),
   *   `tolerance` (the shift at or below which the fit has converged) and `seconds` since the fit began
   * @throws {@link ParameterError} when `x` is not a DsArray, has fewer rows than `nClusters`,
   *   `init` is a matrix that is not `nClusters` x d, or a fit option is invalid
   * @throws {@link NonFiniteError} naming the row and column of the first NaN or infinity of `x` (found in
   *   the first pass over `x`, not by an extra one)
   * @throws {@link TaskFailedError} when a task fails
   */
  override async fit(x: DsArray, _y?: unknown, options?: FitOptions): Promise<this> {
    checkDsArray(x, 'x');
    const opts = checkFitOptions(options);
    const state = await withJoinedRows(x, (data) => this.#fit(data, opts.arity, opts.onProgress));
    this.setFitted(state);
    return this;
  }

  async #fit(data: DsArray, arity: number, onProgress: FitOptions['onProgress']): Promise<KMeansState> {
    const p = this.getParams();
    const [n, d] = data.shape;
    const k = p.nClusters;
    if (k > n) throw new ParameterError('nClusters', `expected at most the number of samples (${n}), found ${k}`);
    if (Array.isArray(p.init)) {
      if (p.init.length !== k) throw new ParameterError('init', `expected ${k} initial centers (nClusters), found ${p.init.length}`);
      if (p.init[0]?.length !== d) throw new ParameterError('init', `expected centers of ${d} columns (as x), found ${p.init[0]?.length ?? 0}`);
    }
    const started = performance.now();
    let centers = await initialCenters(data, p.init, k, new Random(p.randomState), arity);
    let tolerance = 0;
    let shift = Infinity;
    let inertia = 0;
    let iteration = 0;
    while (iteration < p.maxIter) {
      iteration++;
      const partial = await this.#pass(data, centers, iteration === 1 && p.tol > 0, arity);
      if (partial.moments !== null) tolerance = (partial.moments.m2.reduce((s, v) => s + v, 0) / (partial.moments.n * d)) * p.tol;
      if (partial.counts.some((c) => c === 0)) await this.#relocateEmpty(data, centers, partial, arity);
      const next = meanCenters(partial, centers, k, d);
      shift = squaredShift(next, centers);
      centers = next;
      inertia = partial.inertia;
      onProgress?.({
        estimator: this.estimatorName,
        iteration,
        maxIter: p.maxIter,
        metrics: { inertia, centerShift: shift, tolerance, seconds: (performance.now() - started) / 1000 },
      });
      if (shift <= tolerance) break;
    }
    if (shift !== 0) inertia = (await this.#pass(data, centers, false, arity)).inertia;
    return { clusterCenters: toRows(centers, k, d), inertia, nIter: iteration, nFeaturesIn: d };
  }

  /**
   * Index of the nearest center of every row of `x`, as a lazy n x 1 float64 DsArray with the row
   * blocking of `x` (ties go to the lowest index).
   *
   * @throws {@link NotFittedError} before `fit`
   * @throws {@link ParameterError} when `x` is not a DsArray or its column count differs from fit's
   */
  predict(x: DsArray): DsArray {
    const state = this.checkFittedInput(x, 'predict()');
    const centers = Float64Array.from(state.clusterCenters.flat());
    return mapRowBlocks(x, predictTask, 1, [centers, state.clusterCenters.length], { dtype: 'float64', sparse: false });
  }

  /**
   * Opposite of the inertia of `x` with the fitted centers (scikit-learn's `score`: higher is better).
   *
   * @throws {@link NotFittedError} before `fit`
   * @throws {@link ParameterError} when `x` is not a DsArray or its column count differs from fit's
   */
  async score(x: DsArray, _y?: unknown): Promise<number> {
    const state = this.checkFittedInput(x, 'score()');
    return -(await this.#pass(x, Float64Array.from(state.clusterCenters.flat()), false, DEFAULT_ARITY)).inertia;
  }

  protected override checkStateConsistency(state: KMeansState): void {
    if (state.clusterCenters[0]?.length !== state.nFeaturesIn) {
      throw new ParameterError('state.clusterCenters', `expected rows of ${state.nFeaturesIn} columns (nFeaturesIn), found ${state.clusterCenters[0]?.length ?? 0}`);
    }
  }

  /**
   * One pass over `x` with fixed centers: per-block steps reduced in the tree, one synchronisation.
   * The centers travel by value with every step (not as a future computed on one worker), so no step
   * waits for a peer transfer from a worker that is busy with its own steps.
   */
  async #pass(x: DsArray, centers: Float64Array, withMoments: boolean, arity: number): Promise<StepPartial> {
    const k = centers.length / x.shape[1];
    const br = x.blockSize[0];
    const parts = x.blocks.map((row, b) => submit(stepTask, [row, centers, k, withMoments, b * br]));
    const partial = await treeReduceValue(parts, summing<StepPartial>(), { arity });
    assertFinite(partial.nonFinite, 'x', this.estimatorName);
    return partial;
  }

  /**
   * scikit-learn's relocation of empty clusters: the j-th empty cluster (in index order) takes the j-th
   * row farthest from its nearest center among `centers` (those of the step; distance descending, then
   * row index), which leaves its old cluster. Updates the step's sums and counts in place.
   */
  async #relocateEmpty(x: DsArray, centers: Float64Array, partial: StepPartial, arity: number): Promise<void> {
    const { sums, counts } = partial;
    const empty = [...counts.keys()].filter((c) => counts[c] === 0);
    const d = x.shape[1];
    const br = x.blockSize[0];
    const parts = x.blocks.map((row, b) => submit(farthestTask, [row, centers, counts.length, empty.length, b * br]));
    const far = await treeReduceValue(parts, mergeFarthestTask, { arity });
    empty.forEach((c, j) => {
      const from = far.labels[j] as number;
      const row = far.rows.subarray(j * d, (j + 1) * d);
      for (let f = 0; f < d; f++) {
        sums[from * d + f] = (sums[from * d + f] as number) - (row[f] as number);
        sums[c * d + f] = row[f] as number;
      }
      counts[from] = (counts[from] as number) - 1;
      counts[c] = 1;
    });
  }
}

/** New centers: the mean of each cluster; a cluster left with no rows keeps its sums (as scikit-learn). */
function meanCenters(partial: StepPartial, old: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(old.length);
  for (let c = 0; c < k; c++) {
    const w = partial.counts[c] as number;
    for (let f = 0; f < d; f++) out[c * d + f] = w > 0 ? (partial.sums[c * d + f] as number) / w : (partial.sums[c * d + f] as number);
  }
  return out;
}

function squaredShift(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

function toRows(flat: Float64Array, k: number, d: number): number[][] {
  return Array.from({ length: k }, (_, c) => Array.from(flat.subarray(c * d, (c + 1) * d)));
}

registerEstimator(KMeans);
