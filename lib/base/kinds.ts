/**
 * The kinds of estimators (scikit-learn's mixins): what each offers beyond `fit(x, y?, options?)`,
 * with the shared defaults (`fitPredict`, `fitTransform`, `score` as accuracy or R²).
 *
 * @packageDocumentation
 */
import type { DsArray } from '../dsarray/dsarray.js';
import { BaseEstimator, type EstimatorKind, type FitOptions, type FittedBase } from './estimator.js';
import type { Targets } from './input.js';
import { accuracyScore, r2Score } from './metrics.js';

/** Unsupervised grouping of rows: `fit(x)`, `predict(x)` (labels n x 1), `fitPredict(x)`. `y` is ignored. */
export abstract class Clusterer<P extends object, S extends FittedBase> extends BaseEstimator<P, S> {
  readonly estimatorKind: EstimatorKind = 'clusterer';

  /** Cluster of every row of `x`, as a lazy n x 1 DsArray with the row blocking of `x`. */
  abstract predict(x: DsArray): DsArray;

  /** Fits on `x` and returns its labels (same as `fit(x)` then `predict(x)`). */
  async fitPredict(x: DsArray, y?: unknown, options?: FitOptions): Promise<DsArray> {
    await this.fit(x, y, options);
    return this.predict(x);
  }
}

/** Supervised prediction of labels: `fit(x, y)`, `predict(x)`, `score(x, y)` = accuracy. */
export abstract class Classifier<P extends object, S extends FittedBase> extends BaseEstimator<P, S> {
  readonly estimatorKind: EstimatorKind = 'classifier';

  abstract override fit(x: DsArray, y: Targets, options?: FitOptions): Promise<this>;

  /** Predicted label of every row of `x`, as a lazy n x 1 DsArray with the row blocking of `x`. */
  abstract predict(x: DsArray): DsArray;

  /**
   * Mean accuracy of `predict(x)` against `y` (scikit-learn's `ClassifierMixin.score`).
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x` or `y`
   */
  async score(x: DsArray, y: Targets): Promise<number> {
    return accuracyScore(y, this.predict(x));
  }
}

/** Supervised prediction of values: `fit(x, y)`, `predict(x)`, `score(x, y)` = R². */
export abstract class Regressor<P extends object, S extends FittedBase> extends BaseEstimator<P, S> {
  readonly estimatorKind: EstimatorKind = 'regressor';

  abstract override fit(x: DsArray, y: Targets, options?: FitOptions): Promise<this>;

  /** Predicted value of every row of `x`, as a lazy n x 1 DsArray with the row blocking of `x`. */
  abstract predict(x: DsArray): DsArray;

  /**
   * Coefficient of determination R² of `predict(x)` against `y` (scikit-learn's `RegressorMixin.score`).
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x` or `y`
   */
  async score(x: DsArray, y: Targets): Promise<number> {
    return r2Score(y, this.predict(x));
  }
}

/** Feature transformation: `fit(x)`, `transform(x)`, `fitTransform(x)`, and `inverseTransform(x)` where it exists. `y` is ignored. */
export abstract class Transformer<P extends object, S extends FittedBase> extends BaseEstimator<P, S> {
  readonly estimatorKind: EstimatorKind = 'transformer';

  /** The transformed `x` as a lazy DsArray (shape and blocking as the estimator documents). */
  abstract transform(x: DsArray): DsArray;

  /** Fits on `x` and returns its transform (same as `fit(x)` then `transform(x)`). */
  async fitTransform(x: DsArray, y?: unknown, options?: FitOptions): Promise<DsArray> {
    await this.fit(x, y, options);
    return this.transform(x);
  }
}
