/**
 * Model selection: splitters, scorers and metrics, cross-validation and hyper-parameter searches.
 *
 * @packageDocumentation
 */
export { KFold, trainTestSplit, trainTestIndices, type Fold, type CrossValidator, type KFoldOptions, type TrainTestSplitOptions } from './split.js';
export { rootMeanSquaredError, meanAbsoluteError, maxError } from './metrics.js';
export { getScorer, type Scorer, type ScorerName, type Scoring, type SearchableEstimator } from './scoring.js';
export { uniform, loguniform, randint, gridCandidates, sampledCandidates, type Distribution, type ParamGrid, type ParamDistributions, type ParamSet } from './params.js';
export {
  crossValidate,
  GridSearchCV,
  RandomizedSearchCV,
  BaseSearchCV,
  resolveFolds,
  type CvOption,
  type CvOptions,
  type CvResults,
  type CrossValidateOptions,
  type CrossValidateResult,
  type SearchOptions,
  type RandomizedSearchOptions,
} from './search.js';
