/**
 * MinMaxScaler: maps each column linearly onto a feature range (scikit-learn's).
 *
 * @packageDocumentation
 */
import { checkFitOptions, type FitOptions, type ParamSpecs, type StateSchema } from '../base/estimator.js';
import { checkDsArray } from '../base/input.js';
import { Transformer } from '../base/kinds.js';
import { registerEstimator } from '../base/registry.js';
import { finiteVector, integer, type ParamCheck } from '../base/validation.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { ParameterError } from '../errors.js';
import { affine, joined, perBlockColumn } from './columns.js';
import { rangeTask } from './tasks.js';

/** Hyper-parameters of {@link MinMaxScaler}. */
export interface MinMaxScalerParams {
  /** `[min, max]` of the transformed columns, min < max (default `[0, 1]`). */
  featureRange: [number, number];
}

/** Options of the {@link MinMaxScaler} constructor. */
export type MinMaxScalerOptions = Partial<MinMaxScalerParams>;

/** Fitted state of a MinMaxScaler (what `toJSON` saves). */
export interface MinMaxScalerState {
  dataMin: number[];
  dataMax: number[];
  dataRange: number[];
  scale: number[];
  min: number[];
  nSamplesSeen: number;
  nFeaturesIn: number;
}

const featureRange: ParamCheck<[number, number]> = (value, name) => {
  const [lo, hi] = finiteVector(value, name);
  if (!Array.isArray(value) || value.length !== 2 || !((lo as number) < (hi as number))) {
    throw new ParameterError(name, `expected [min, max] with min < max, found ${JSON.stringify(value)}`);
  }
  return [lo as number, hi as number];
};

const SPECS: ParamSpecs<MinMaxScalerParams> = { featureRange: { default: [0, 1], check: featureRange } };

const STATE: StateSchema<MinMaxScalerState> = {
  dataMin: finiteVector,
  dataMax: finiteVector,
  dataRange: finiteVector,
  scale: finiteVector,
  min: finiteVector,
  nSamplesSeen: integer(1),
  nFeaturesIn: integer(1),
};

/**
 * Scales each column to `featureRange`: `x * scale + min` with `scale = (hi - lo) / (dataMax - dataMin)`
 * (a constant column gets range 1, as scikit-learn) and `min = lo - dataMin * scale`. Dense input only:
 * CSR input is rejected, as scikit-learn does (shifting would fill in its zeros). Non-finite input is rejected.
 *
 * @example
 * ```ts
 * const mm = await new MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
 * const y = mm.transform(x);
 * ```
 */
export class MinMaxScaler extends Transformer<MinMaxScalerParams, MinMaxScalerState> {
  /**
   * @param options - default `{ featureRange: [0, 1] }`
   * @throws {@link ParameterError} naming an unknown or invalid option
   */
  constructor(options: MinMaxScalerOptions = {}) {
    super(SPECS, STATE, options);
  }

  /** Column minima seen by `fit`. */
  get dataMin(): number[] {
    return this.attr('dataMin');
  }

  /** Column maxima seen by `fit`. */
  get dataMax(): number[] {
    return this.attr('dataMax');
  }

  /** `dataMax - dataMin` per column. */
  get dataRange(): number[] {
    return this.attr('dataRange');
  }

  /** Per-column factor of the transform. */
  get scale(): number[] {
    return this.attr('scale');
  }

  /** Per-column offset of the transform. */
  get min(): number[] {
    return this.attr('min');
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
   * Computes the column minima and maxima of dense `x`.
   *
   * @param _y - ignored
   * @param options - `arity` of the reduction trees
   * @throws {@link ParameterError} when `x` is not a dense DsArray
   * @throws {@link NonFiniteError} naming the row and column of the first NaN or infinity of `x`
   */
  override async fit(x: DsArray, _y?: unknown, options?: FitOptions): Promise<this> {
    const data = dense(checkDsArray(x, 'x'));
    const { arity } = checkFitOptions(options);
    const [lo, hi] = this.getParams().featureRange;
    const parts = await perBlockColumn(data, rangeTask, arity, this.estimatorName);
    const dataMin = joined(parts.map((r) => r.min));
    const dataMax = joined(parts.map((r) => r.max));
    const dataRange = dataMax.map((v, f) => v - (dataMin[f] as number));
    const scale = dataRange.map((r) => (hi - lo) / (r < 10 * Number.EPSILON ? 1 : r));
    const min = dataMin.map((v, f) => lo - v * (scale[f] as number));
    this.setFitted({ dataMin, dataMax, dataRange, scale, min, nSamplesSeen: data.shape[0], nFeaturesIn: data.shape[1] });
    return this;
  }

  /**
   * `x * scale + min`, lazily, blocked like `x`.
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x`
   */
  transform(x: DsArray): DsArray {
    const s = this.checkFittedInput(x, 'transform()');
    return affine(dense(x), { mul: s.scale, add: s.min });
  }

  /**
   * `(x - min) / scale`: undoes {@link MinMaxScaler.transform}.
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x`
   */
  inverseTransform(x: DsArray): DsArray {
    const s = this.checkFittedInput(x, 'inverseTransform()');
    return affine(dense(x), { sub: s.min, div: s.scale });
  }
}

function dense(x: DsArray): DsArray {
  if (x.sparse) throw new ParameterError('x', 'MinMaxScaler does not support CSR input (shifting fills in its zeros): call x.toDense() first');
  return x;
}

registerEstimator(MinMaxScaler);
