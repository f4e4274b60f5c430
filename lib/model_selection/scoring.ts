/**
 * Scorers for model selection: a name of scikit-learn's (greater is better, so errors are negated) or a
 * function; without one, the estimator's own `score`.
 *
 * @packageDocumentation
 */
import { describe } from '../base/validation.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { ParameterError } from '../errors.js';
import { accuracyScore, meanSquaredError, r2Score } from '../base/metrics.js';
import { maxError, meanAbsoluteError, rootMeanSquaredError } from './metrics.js';

/** What model selection needs of an estimator: scikit-learn's parameter protocol, `fit`, and `predict` or `score` for scoring. */
export interface SearchableEstimator {
  getParams(): object;
  setParams(params: never): unknown;
  clone(): SearchableEstimator;
  fit(x: DsArray, y?: DsArray): Promise<unknown>;
  predict?(x: DsArray): DsArray;
  score?(x: DsArray, y?: DsArray): Promise<number>;
}

/** A scorer: greater is better. */
export type Scorer<E = SearchableEstimator> = (estimator: E, x: DsArray, y: DsArray | undefined) => Promise<number>;

/** A scorer name, a scorer function, or undefined for the estimator's `score`. */
export type Scoring<E = SearchableEstimator> = ScorerName | Scorer<E> | undefined;

type Metric = (yTrue: DsArray, yPred: DsArray) => Promise<number>;

const METRICS = {
  accuracy: { metric: accuracyScore, sign: 1 },
  r2: { metric: r2Score, sign: 1 },
  neg_mean_squared_error: { metric: meanSquaredError, sign: -1 },
  neg_root_mean_squared_error: { metric: rootMeanSquaredError, sign: -1 },
  neg_mean_absolute_error: { metric: meanAbsoluteError, sign: -1 },
  max_error: { metric: maxError, sign: -1 },
} satisfies Record<string, { metric: Metric; sign: 1 | -1 }>;

/** Names of the built-in scorers. */
export type ScorerName = keyof typeof METRICS;

/** The estimator's own `score(x, y)` (for a clusterer without y, `score(x)`). */
async function ownScore(est: SearchableEstimator, x: DsArray, y: DsArray | undefined): Promise<number> {
  if (typeof est.score !== 'function') throw new ParameterError('scoring', `${est.constructor.name} has no score method: give a scorer name or function`);
  return y === undefined ? est.score(x) : est.score(x, y);
}

/**
 * Resolves a scoring option to a scorer.
 *
 * @throws {@link ParameterError} naming `scoring` on an unknown name or a non-function
 */
export function getScorer<E extends SearchableEstimator>(scoring: Scoring<E>): Scorer<E> {
  if (scoring === undefined) return ownScore;
  if (typeof scoring === 'function') return scoring;
  if (typeof scoring === 'string' && Object.hasOwn(METRICS, scoring)) {
    const { metric, sign } = METRICS[scoring];
    return async (est, x, y) => {
      if (y === undefined) throw new ParameterError('scoring', `'${scoring}' compares predictions with y: give y, or leave scoring out to use the estimator's score`);
      if (typeof est.predict !== 'function') throw new ParameterError('scoring', `'${scoring}' needs predict(), which ${est.constructor.name} lacks`);
      return sign * (await metric(y, est.predict(x)));
    };
  }
  throw new ParameterError('scoring', `expected one of ${Object.keys(METRICS).join(', ')}, a function, or undefined, found ${describe(scoring)}`);
}
