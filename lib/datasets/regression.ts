/**
 * makeRegression: a random linear regression problem (scikit-learn's `make_regression`).
 *
 * @packageDocumentation
 */
import { submit } from '../runtime/index.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { ParameterError } from '../errors.js';
import type { RegressionPlan } from './blocks.js';
import { count, finite, generated, layout, type GeneratorOptions } from './grid.js';
import { checkSeed, columnOrder, driverRandom } from './streams.js';
import { regressionTargetsTask, regressionTask } from './tasks.js';

/** Options of {@link makeRegression} (scikit-learn's `make_regression` parameters, camelCase). */
export interface MakeRegressionOptions extends GeneratorOptions {
  /** Samples. Default 100. */
  readonly nSamples?: number;
  /** Features. Default 100. */
  readonly nFeatures?: number;
  /** Features with a non-zero coefficient. Default 10. */
  readonly nInformative?: number;
  /** Columns of y. Default 1. */
  readonly nTargets?: number;
  /** Added to every target. Default 0. */
  readonly bias?: number;
  /** Standard deviation of the Gaussian noise added to the targets. Default 0. */
  readonly noise?: number;
  /** Shuffle the columns (and so the coefficients). Default true. */
  readonly shuffle?: boolean;
}

/** What {@link makeRegression} returns. */
export interface Regression {
  /** Samples, `nSamples x nFeatures`, N(0, 1) entries. */
  readonly x: DsArray;
  /** Targets, `nSamples x nTargets`, blocked by rows like x. */
  readonly y: DsArray;
  /** The coefficients of each column of x: `coef[c][t]` for target t (zero for non-informative columns). */
  readonly coef: number[][];
}

/**
 * A linear regression problem as recompute-only ds-arrays, following scikit-learn's recipe: x has
 * N(0, 1) entries; the first `nInformative` generated features get coefficients uniform in [0, 100)
 * per target, the others 0; y = x coef + bias + noise * N(0, 1); with `shuffle` the columns (and the
 * coefficients with them) are permuted. Rows are independent draws, so row shuffling is implied.
 * scikit-learn's `effectiveRank` (a low-rank x from an SVD of the whole matrix) is not offered: it
 * cannot be generated block by block. The numbers differ from scikit-learn's (another generator).
 *
 * @throws {@link ParameterError} naming the invalid option
 */
export function makeRegression(opts: MakeRegressionOptions = {}): Regression {
  const seed = checkSeed(opts.randomState);
  const rng = driverRandom(seed);
  const n = count(opts.nSamples ?? 100, 'nSamples', 0);
  const nFeatures = count(opts.nFeatures ?? 100, 'nFeatures', 1);
  const nInformative = Math.min(nFeatures, count(opts.nInformative ?? 10, 'nInformative', 0));
  const nTargets = count(opts.nTargets ?? 1, 'nTargets', 1);
  const bias = finite(opts.bias ?? 0, 'bias');
  const noise = finite(opts.noise ?? 0, 'noise', 0);
  if ('effectiveRank' in opts) throw new ParameterError('effectiveRank', 'a low-rank x cannot be generated block by block; not supported');
  const groundTruth = Float64Array.from({ length: nInformative * nTargets }, () => 100 * rng.next());
  const columns = columnOrder(rng, nFeatures, opts.shuffle ?? true);
  const plan: RegressionPlan = { seed, nInformative, nTargets, bias, noise, groundTruth, columns };
  const { dtype, blockSize } = layout(opts, [n, nFeatures]);
  const x = generated([n, nFeatures], blockSize, dtype, false, (row0, rows, col0, cols) => submit(regressionTask, [plan, row0, rows, col0, cols, dtype]));
  const y = generated([n, nTargets], [blockSize[0], nTargets], dtype, false, (row0, rows) => submit(regressionTargetsTask, [plan, row0, rows, dtype]));
  const coef = Array.from(columns, (f) => Array.from({ length: nTargets }, (_, t) => (f < nInformative ? (groundTruth[f * nTargets + t] as number) : 0)));
  return { x, y, coef };
}
