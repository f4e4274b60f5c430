/**
 * StandardScaler: removes the mean and scales to unit variance, column by column (scikit-learn's).
 *
 * @packageDocumentation
 */
import { checkFitOptions, type FitOptions, type ParamSpecs, type StateSchema } from '../base/estimator.js';
import { checkDsArray } from '../base/input.js';
import { Transformer } from '../base/kinds.js';
import { registerEstimator } from '../base/registry.js';
import { bool, finiteVector, integer, nullable } from '../base/validation.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { meanOf } from '../dsarray/moments.js';
import { ParameterError } from '../errors.js';
import { affine, joined, perBlockColumn } from './columns.js';
import { momentsTask } from './tasks.js';

/** Hyper-parameters of {@link StandardScaler}. */
export interface StandardScalerParams {
  /** Subtract the column means (default true). Not possible on CSR input, whose zeros would fill in. */
  withMean: boolean;
  /** Divide by the column standard deviations (default true). */
  withStd: boolean;
}

/** Options of the {@link StandardScaler} constructor: any subset of {@link StandardScalerParams}. */
export type StandardScalerOptions = Partial<StandardScalerParams>;

/** Fitted state of a StandardScaler (what `toJSON` saves). */
export interface StandardScalerState {
  /** Column means (null when neither `withMean` nor `withStd`). */
  mean: number[] | null;
  /** Column (population) variances (null unless `withStd`). */
  var: number[] | null;
  /** Divisors of the columns: standard deviations, 1 for constant columns (null unless `withStd`). */
  scale: number[] | null;
  /** Rows seen by `fit`. */
  nSamplesSeen: number;
  /** Columns seen by `fit`. */
  nFeaturesIn: number;
}

const SPECS: ParamSpecs<StandardScalerParams> = {
  withMean: { default: true, check: bool },
  withStd: { default: true, check: bool },
};

const STATE: StateSchema<StandardScalerState> = {
  mean: nullable(finiteVector),
  var: nullable(finiteVector),
  scale: nullable(finiteVector),
  nSamplesSeen: integer(1),
  nFeaturesIn: integer(1),
};

/**
 * A column whose variance is within the error bound of the two-pass algorithm (Chan, Golub and
 * LeVeque) is constant: scaled by 1, as scikit-learn's `_is_constant_feature`.
 */
function scaleOf(variance: number, mean: number, n: number): number {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2 ? 1 : Math.sqrt(variance);
}

/**
 * Standardizes columns: `(x - mean) / scale`, with the mean and population standard deviation of each
 * column from `fit` (scikit-learn's `StandardScaler`). Statistics are computed per block and merged
 * with Chan's pairwise formula in a fixed tree, so a column far from zero keeps its precision and the
 * result is the same for any number of workers. CSR input stays CSR (with `withMean: false`).
 * Non-finite input is rejected (scikit-learn would skip NaN as missing).
 *
 * @example
 * ```ts
 * const scaler = await new StandardScaler().fit(x);
 * const z = scaler.transform(x);       // lazy DsArray, blocked like x
 * const back = scaler.inverseTransform(z);
 * ```
 */
export class StandardScaler extends Transformer<StandardScalerParams, StandardScalerState> {
  /**
   * @param options - defaults `{ withMean: true, withStd: true }`
   * @throws {@link ParameterError} naming an unknown or invalid option
   */
  constructor(options: StandardScalerOptions = {}) {
    super(SPECS, STATE, options);
  }

  /** Column means (null when neither `withMean` nor `withStd`). */
  get mean(): number[] | null {
    return this.attr('mean');
  }

  /** Column population variances (null unless `withStd`). */
  get var(): number[] | null {
    return this.attr('var');
  }

  /** Column divisors: the standard deviations, 1 for constant columns (null unless `withStd`). */
  get scale(): number[] | null {
    return this.attr('scale');
  }

  /** Number of rows seen by `fit`. */
  get nSamplesSeen(): number {
    return this.attr('nSamplesSeen');
  }

  /** Number of columns seen by `fit`. */
  get nFeaturesIn(): number {
    return this.attr('nFeaturesIn');
  }

  /**
   * Computes the column means and variances of `x` (dense or CSR, float64 or float32).
   *
   * @param _y - ignored
   * @param options - `arity` of the reduction trees
   * @throws {@link ParameterError} when `x` is not a DsArray, is CSR while `withMean` is true
   * @throws {@link NonFiniteError} naming the row and column of the first NaN or infinity of `x`
   */
  override async fit(x: DsArray, _y?: unknown, options?: FitOptions): Promise<this> {
    const data = checkDsArray(x, 'x');
    const { arity } = checkFitOptions(options);
    const p = this.getParams();
    this.#checkSparse(data);
    const parts = await perBlockColumn(data, momentsTask, arity, this.estimatorName);
    const n = data.shape[0];
    const mean = joined(parts.map(meanOf));
    const variance = joined(parts.map((m) => m.m2)).map((m2) => m2 / n);
    this.setFitted({
      mean: p.withMean || p.withStd ? mean : null,
      var: p.withStd ? variance : null,
      scale: p.withStd ? variance.map((v, f) => scaleOf(v, mean[f] as number, n)) : null,
      nSamplesSeen: n,
      nFeaturesIn: data.shape[1],
    });
    return this;
  }

  /**
   * `(x - mean) / scale` (the steps that are on), lazily, blocked like `x`; CSR stays CSR and is
   * multiplied by `1 / scale`, as scikit-learn does.
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x` (not a DsArray,
   *   wrong column count, or CSR while `withMean` is true)
   */
  transform(x: DsArray): DsArray {
    const s = this.checkFittedInput(x, 'transform()');
    const { withMean } = this.getParams();
    this.#checkSparse(x);
    if (x.sparse) return affine(x, { mul: s.scale?.map((v) => 1 / v) ?? null });
    return affine(x, { sub: withMean ? s.mean : null, div: s.scale });
  }

  /**
   * `x * scale + mean` (the steps that are on): undoes {@link StandardScaler.transform}.
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x`
   */
  inverseTransform(x: DsArray): DsArray {
    const s = this.checkFittedInput(x, 'inverseTransform()');
    const { withMean } = this.getParams();
    this.#checkSparse(x);
    return affine(x, { mul: s.scale, add: withMean && !x.sparse ? s.mean : null });
  }

  #checkSparse(x: DsArray): void {
    if (x.sparse && this.getParams().withMean) {
      throw new ParameterError('x', 'cannot center CSR input (its zeros would fill in): pass withMean: false');
    }
  }
}

registerEstimator(StandardScaler);
