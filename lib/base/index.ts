/**
 * The estimator contract shared by every estimator, and its helpers.
 *
 * Writing an estimator (see lib/preprocessing/minmax for the smallest, lib/cluster/kmeans for an
 * iterative one):
 * - Extend a kind: `Clusterer` (predict, fitPredict), `Classifier` (predict, score = accuracy),
 *   `Regressor` (predict, score = R²) or `Transformer` (transform, fitTransform, inverseTransform where
 *   it exists). `estimatorKind` tells which.
 * - `constructor(options) { super(PARAM_SPECS, STATE_SCHEMA, options); }`: `ParamSpecs<P>` gives each
 *   hyper-parameter a default and a check (lib/base/validation.ts); unknown options are rejected.
 *   `StateSchema<S>` declares the fitted state (a check per field; `S` always has `nFeaturesIn`):
 *   `toJSON`/`fromJSON` save and validate it, and every fitted getter is `get f() { return this.attr('f'); }`
 *   (NotFittedError naming `f` before fit). Cross-field checks: override `checkStateConsistency`.
 * - `fit(x, y?, options?)` returns `this`: check `x` with `checkDsArray` (or `x` and `y` with `checkXY`:
 *   y is a one-column DsArray blocked like x, or a 1-D array blocked for you), read fit options with
 *   `checkFitOptions` (`arity` of the reduction trees and `onProgress` are per-call options, not
 *   hyper-parameters), end with `this.setFitted(state)`. Never change params in fit.
 * - predict/transform: `const s = this.checkFittedInput(x, 'predict()')` (fitted, DsArray, column count),
 *   then `mapBlocks`/`mapRowBlocks` (lib/dsarray/rows.ts) build the lazy result from a block task.
 * - Tasks: `const defineTask = taskModule(import.meta.url)` at the top of the estimator's tasks module;
 *   workers import it on first use (no list to edit). Reduce per-block partials with `treeReduceValue`
 *   (lib/dsarray/tree.ts) and `summing<T>()` (numbers and typed arrays add, `Moments` merge by Chan).
 *   Block helpers: `joinRow`, `copyRow`, `withJoinedRows` (join once per fit) in lib/dsarray/rows.ts,
 *   `columnMoments`/`mergeMoments` in lib/dsarray/moments.ts.
 * - After the class: `registerEstimator(MyEstimator)` so that `loadModel(json)` finds it; export it from
 *   lib/index.ts. Test it with `checkEstimator` (test/helpers/checkEstimator.ts).
 *
 * @packageDocumentation
 */
export {
  BaseEstimator,
  checkFitOptions,
  DEFAULT_ARITY,
  type EstimatorJSON,
  type EstimatorKind,
  type FitOptions,
  type FitProgress,
  type FittedBase,
  type ParamSpec,
  type ParamSpecs,
  type ResolvedFitOptions,
  type StateSchema,
} from './estimator.js';
export { Classifier, Clusterer, Regressor, Transformer } from './kinds.js';
export { checkColumns, checkDsArray, checkXY, type Targets } from './input.js';
export { accuracyScore, meanSquaredError, r2Score } from './metrics.js';
export { sumPartials, summing, type Mergeable } from './partials.js';
export { loadModel, registerEstimator, type EstimatorClass } from './registry.js';
export type { ParamCheck } from './validation.js';
export { Random } from './random.js';
