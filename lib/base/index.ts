/**
 * The estimator contract shared by every estimator, and its helpers.
 *
 * @packageDocumentation
 */
export { BaseEstimator, type ParamSpec, type ParamSpecs, type FitOptions, type FitProgress, type EstimatorJSON } from './estimator.js';
export type { ParamCheck } from './validation.js';
export { Random } from './random.js';
