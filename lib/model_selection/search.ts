/**
 * Cross-validated evaluation and hyper-parameter search (scikit-learn's `cross_validate`,
 * `GridSearchCV`, `RandomizedSearchCV`). Every candidate x fold fit is launched at once: the folds are
 * row selections of the data, made once and shared by all candidates, and the fits' tasks interleave
 * on the workers instead of running one fit after another.
 *
 * @packageDocumentation
 */
import { describe } from '../base/validation.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { checkDsArray, checkXY, type Targets } from '../base/input.js';
import { NotFittedError, ParameterError } from '../errors.js';
import { gridCandidates, sampledCandidates, type ParamDistributions, type ParamGrid, type ParamSet } from './params.js';
import { getScorer, type Scorer, type Scoring, type SearchableEstimator } from './scoring.js';
import { KFold, type CrossValidator, type Fold } from './split.js';

/** How to cut the data: a number of K folds (unshuffled {@link KFold}), a splitter, or explicit folds. */
export type CvOption = number | CrossValidator | readonly Fold[];

/** Options shared by {@link crossValidate} and the searches. */
export interface CvOptions<E extends SearchableEstimator> {
  /** Folds. Default 5 (KFold without shuffling; scikit-learn would stratify for classifiers). */
  readonly cv?: CvOption;
  /** A scorer name (`'accuracy'`, `'r2'`, `'neg_mean_squared_error'`, ...), a function, or undefined for the estimator's own `score`. */
  readonly scoring?: Scoring<E>;
}

function checkKeys(options: object, allowed: readonly string[], what: string): void {
  if (typeof options !== 'object' || options === null) throw new ParameterError('options', `expected an object, found ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new ParameterError(key, `unknown option of ${what} (valid options: ${allowed.join(', ')})`);
  }
}

function checkIndices(list: unknown, n: number, name: string): Int32Array {
  if (!(list instanceof Int32Array) && !Array.isArray(list)) throw new ParameterError(name, `expected row indices, found ${describe(list)}`);
  const out = Int32Array.from(list as ArrayLike<number>);
  if (out.length === 0 || out.length !== (list as ArrayLike<number>).length || out.some((i, k) => i !== (list as ArrayLike<number>)[k] || i < 0 || i >= n)) {
    throw new ParameterError(name, `expected a non-empty list of row indices in [0, ${n})`);
  }
  return out;
}

const BAD_CV = 'expected an integer >= 2, a splitter (split(n), getNSplits()) or a non-empty list of { train, test } folds';

/** Checks the form of a cv option (its folds are made at fit, when the row count is known). */
function checkCv(cv: CvOption): void {
  const ok =
    (typeof cv === 'number' && Number.isSafeInteger(cv) && cv >= 2) ||
    (Array.isArray(cv) && cv.length > 0) ||
    (!Array.isArray(cv) && typeof cv === 'object' && cv !== null && typeof (cv as CrossValidator).split === 'function');
  if (!ok) throw new ParameterError('cv', `${BAD_CV}, found ${describe(cv)}`);
}

/** The folds of `n` rows under a cv option. */
export function resolveFolds(cv: CvOption | undefined, n: number): Fold[] {
  const value = cv ?? 5;
  checkCv(value);
  if (typeof value === 'number') return new KFold({ nSplits: value }).split(n);
  if (Array.isArray(value)) {
    return value.map((f: Fold, i) => {
      if (typeof f !== 'object' || f === null) throw new ParameterError(`cv[${i}]`, `expected { train, test }, found ${describe(f)}`);
      return { train: checkIndices(f.train, n, `cv[${i}].train`), test: checkIndices(f.test, n, `cv[${i}].test`) };
    });
  }
  return (value as CrossValidator).split(n);
}

/** x checked, and y (when given) as a one-column ds-array with x's rows and row blocking (see checkXY). */
function checkData(x: unknown, y: DsArray | Targets | undefined): { x: DsArray; y: DsArray | undefined } {
  if (y === undefined) return { x: checkDsArray(x, 'x'), y: undefined };
  return checkXY(x, y);
}

async function fitOn(est: SearchableEstimator, x: DsArray, y: DsArray | undefined): Promise<void> {
  await (y === undefined ? est.fit(x) : est.fit(x, y));
}

/** Scores and times of one fit. */
interface FitResult<E> {
  readonly estimator: E;
  readonly testScore: number;
  readonly trainScore: number | undefined;
  readonly fitTime: number;
  readonly scoreTime: number;
}

/**
 * Fits and scores every candidate (an unfitted estimator) on every fold, all launched together.
 * Returns `results[candidate][fold]`.
 */
async function evaluate<E extends SearchableEstimator>(
  candidates: readonly E[],
  x: DsArray,
  y: DsArray | undefined,
  folds: readonly Fold[],
  scorer: Scorer<E>,
  trainScores: boolean,
): Promise<FitResult<E>[][]> {
  // One row selection per fold and part, shared by every candidate.
  const parts = folds.map(({ train, test }) => ({
    xTrain: x.rows(train),
    xTest: x.rows(test),
    yTrain: y?.rows(train),
    yTest: y?.rows(test),
  }));
  return Promise.all(
    candidates.map((candidate) =>
      Promise.all(
        parts.map(async (p) => {
          const est = candidate.clone() as E;
          const t0 = performance.now();
          await fitOn(est, p.xTrain, p.yTrain);
          const t1 = performance.now();
          const testScore = await scorer(est, p.xTest, p.yTest);
          const t2 = performance.now();
          const trainScore = trainScores ? await scorer(est, p.xTrain, p.yTrain) : undefined;
          return { estimator: est, testScore, trainScore, fitTime: (t1 - t0) / 1000, scoreTime: (t2 - t1) / 1000 };
        }),
      ),
    ),
  );
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions<E extends SearchableEstimator> extends CvOptions<E> {
  /** Also score each model on its training part. Default false. */
  readonly returnTrainScore?: boolean;
  /** Return the fitted model of each fold. Default false. */
  readonly returnEstimator?: boolean;
}

/** What {@link crossValidate} returns (scikit-learn's keys), one entry per fold. */
export interface CrossValidateResult<E> {
  readonly test_score: number[];
  readonly train_score?: number[];
  readonly fit_time: number[];
  readonly score_time: number[];
  readonly estimator?: E[];
}

/**
 * Fits a clone of `estimator` on the training part of every fold and scores it on the test part,
 * all folds at once (scikit-learn's `cross_validate`).
 *
 * @param y - targets (a one-column ds-array blocked by rows like x, or a 1-D array), or undefined for a clusterer
 * @throws {@link ParameterError} on a bad option, cv or scoring
 * @example
 * ```ts
 * const { test_score } = await crossValidate(new KMeans({ nClusters: 3 }), x, undefined, { cv: 5 });
 * ```
 */
export async function crossValidate<E extends SearchableEstimator>(
  estimator: E,
  x: DsArray,
  y?: DsArray | Targets,
  options: CrossValidateOptions<E> = {},
): Promise<CrossValidateResult<E>> {
  checkKeys(options, ['cv', 'scoring', 'returnTrainScore', 'returnEstimator'], 'crossValidate');
  const data = checkData(x, y);
  const scorer = getScorer(options.scoring);
  const folds = resolveFolds(options.cv, data.x.shape[0]);
  const [results] = await evaluate([estimator.clone() as E], data.x, data.y, folds, scorer, options.returnTrainScore ?? false);
  const rows = results as FitResult<E>[];
  return {
    test_score: rows.map((r) => r.testScore),
    ...(options.returnTrainScore ? { train_score: rows.map((r) => r.trainScore as number) } : {}),
    fit_time: rows.map((r) => r.fitTime),
    score_time: rows.map((r) => r.scoreTime),
    ...(options.returnEstimator ? { estimator: rows.map((r) => r.estimator) } : {}),
  };
}

/** Options of the searches. */
export interface SearchOptions<E extends SearchableEstimator> extends CvOptions<E> {
  /** Fit the best setting on all the data afterwards ({@link BaseSearchCV.bestEstimator}). Default true. */
  readonly refit?: boolean;
}

/**
 * scikit-learn's `cv_results_`: one entry per candidate in every list. `param_<name>` is undefined for
 * candidates without that parameter; ranks are 1 for the best mean test score, ties sharing the
 * smallest rank ('min'), NaN scores last.
 */
export type CvResults = {
  readonly params: ParamSet[];
  readonly mean_test_score: number[];
  readonly std_test_score: number[];
  readonly rank_test_score: number[];
  readonly mean_fit_time: number[];
  readonly std_fit_time: number[];
  readonly mean_score_time: number[];
  readonly std_score_time: number[];
} & { readonly [key: `param_${string}` | `split${number}_test_score`]: unknown[] };

function meanStd(v: readonly number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return [mean, Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)];
}

/** Ranks of `scores`, best (largest) first, ties 'min', NaN after every number. */
function rankMin(scores: readonly number[]): number[] {
  const key = (s: number) => (Number.isNaN(s) ? -Infinity : s);
  return scores.map((s) => 1 + scores.filter((t) => key(t) > key(s) || (Number.isNaN(s) && !Number.isNaN(t))).length);
}

function cvResults(sets: readonly ParamSet[], results: readonly FitResult<unknown>[][]): CvResults {
  const names = [...new Set(sets.flatMap((s) => Object.keys(s)))].sort();
  const out: Record<string, unknown[]> = { params: sets.map((s) => ({ ...s })) };
  for (const name of names) out[`param_${name}`] = sets.map((s) => (Object.hasOwn(s, name) ? s[name] : undefined));
  const nFolds = results[0]?.length ?? 0;
  for (let f = 0; f < nFolds; f++) out[`split${f}_test_score`] = results.map((r) => (r[f] as FitResult<unknown>).testScore);
  const stats = (pick: (r: FitResult<unknown>) => number) => results.map((r) => meanStd(r.map(pick)));
  const test = stats((r) => r.testScore);
  out.mean_test_score = test.map((s) => s[0]);
  out.std_test_score = test.map((s) => s[1]);
  out.rank_test_score = rankMin(test.map((s) => s[0]));
  for (const [key, pick] of [['fit', (r: FitResult<unknown>) => r.fitTime], ['score', (r: FitResult<unknown>) => r.scoreTime]] as const) {
    const s = stats(pick);
    out[`mean_${key}_time`] = s.map((v) => v[0]);
    out[`std_${key}_time`] = s.map((v) => v[1]);
  }
  return out as CvResults;
}

interface SearchState<E> {
  readonly cvResults: CvResults;
  readonly bestIndex: number;
  readonly bestEstimator: E | undefined;
}

/** What the two searches share: candidates x folds evaluated together, results, best setting, refit. */
export abstract class BaseSearchCV<E extends SearchableEstimator> {
  /** The estimator whose clones are fitted (never fitted itself). */
  readonly estimator: E;
  readonly #options: SearchOptions<E>;
  readonly #scorer: Scorer<E>;
  #state: SearchState<E> | undefined;

  protected constructor(estimator: E, options: SearchOptions<E>, extraKeys: readonly string[]) {
    checkKeys(options, ['cv', 'scoring', 'refit', ...extraKeys], new.target.name);
    if (typeof estimator?.clone !== 'function' || typeof estimator.getParams !== 'function' || typeof estimator.fit !== 'function') {
      throw new ParameterError('estimator', `expected an estimator (getParams, setParams, clone, fit), found ${describe(estimator)}`);
    }
    if (options.refit !== undefined && typeof options.refit !== 'boolean') throw new ParameterError('refit', `expected a boolean, found ${describe(options.refit)}`);
    if (options.cv !== undefined) checkCv(options.cv);
    this.estimator = estimator;
    this.#options = options;
    this.#scorer = getScorer(options.scoring);
  }

  /** The candidate settings, in the order of `cvResults`. */
  protected abstract candidates(): ParamSet[];

  /** Checks every candidate's names and values on a clone, before any task is submitted. */
  #estimators(sets: readonly ParamSet[]): E[] {
    const known = Object.keys(this.estimator.getParams());
    return sets.map((s) => {
      for (const key of Object.keys(s)) {
        if (!known.includes(key)) throw new ParameterError(key, `is not a parameter of ${this.estimator.constructor.name} (valid parameters: ${known.join(', ')})`);
      }
      const est = this.estimator.clone() as E;
      est.setParams(s as never);
      return est;
    });
  }

  /**
   * Fits and scores every candidate on every fold (all at once), ranks them, and with `refit` fits the
   * best one on all of x.
   *
   * @param y - targets, or undefined for a clusterer
   * @throws {@link ParameterError} on an unknown parameter name or value (before any task is submitted), bad cv or scoring
   */
  async fit(x: DsArray, y?: DsArray | Targets): Promise<this> {
    const data = checkData(x, y);
    const sets = this.candidates();
    const estimators = this.#estimators(sets);
    const folds = resolveFolds(this.#options.cv, data.x.shape[0]);
    const results = await evaluate(estimators, data.x, data.y, folds, this.#scorer, false);
    const table = cvResults(sets, results);
    const bestIndex = table.rank_test_score.indexOf(Math.min(...table.rank_test_score));
    let best: E | undefined;
    if (this.#options.refit ?? true) {
      best = estimators[bestIndex]?.clone() as E;
      await fitOn(best, data.x, data.y);
    }
    this.#state = { cvResults: table, bestIndex, bestEstimator: best };
    return this;
  }

  #fitted(what: string): SearchState<E> {
    if (this.#state === undefined) throw new NotFittedError(this.constructor.name, what);
    return this.#state;
  }

  /** Results per candidate (scikit-learn's `cv_results_` keys). */
  get cvResults(): CvResults {
    return structuredClone(this.#fitted('cvResults').cvResults);
  }

  /** Index of the best candidate in `cvResults` (the first of rank 1). */
  get bestIndex(): number {
    return this.#fitted('bestIndex').bestIndex;
  }

  /** Mean cross-validated score of the best candidate. */
  get bestScore(): number {
    const s = this.#fitted('bestScore');
    return s.cvResults.mean_test_score[s.bestIndex] as number;
  }

  /** Parameter setting of the best candidate. */
  get bestParams(): ParamSet {
    const s = this.#fitted('bestParams');
    return structuredClone(s.cvResults.params[s.bestIndex] as ParamSet);
  }

  /** The best setting fitted on all the data; undefined with `refit: false`. */
  get bestEstimator(): E | undefined {
    return this.#fitted('bestEstimator').bestEstimator;
  }

  #refitted(what: string): E {
    const best = this.#fitted(what).bestEstimator;
    if (best === undefined) throw new ParameterError('refit', `${what} needs the refitted best estimator: construct with refit: true`);
    return best;
  }

  /** Predictions of the best estimator. */
  predict(x: DsArray): DsArray {
    const best = this.#refitted('predict()');
    if (typeof best.predict !== 'function') throw new ParameterError('estimator', `${best.constructor.name} has no predict()`);
    return best.predict(x);
  }

  /** Score of the best estimator on (x, y) under the search's scoring. */
  async score(x: DsArray, y?: DsArray | Targets): Promise<number> {
    const best = this.#refitted('score()');
    const data = checkData(x, y);
    return this.#scorer(best, data.x, data.y);
  }
}

/**
 * Exhaustive search over a parameter grid (scikit-learn's `GridSearchCV`): every combination is
 * cross-validated, all candidate x fold fits side by side on the cluster.
 *
 * @example
 * ```ts
 * const search = await new GridSearchCV(new KMeans(), { nClusters: [2, 3, 4], maxIter: [5, 20] }, { cv: 5 }).fit(x);
 * console.log(search.bestParams, search.cvResults.mean_test_score);
 * ```
 */
export class GridSearchCV<E extends SearchableEstimator> extends BaseSearchCV<E> {
  readonly paramGrid: ParamGrid;
  readonly #sets: ParamSet[];

  /** @throws {@link ParameterError} on an empty grid, an empty value list, a bad option or cv */
  constructor(estimator: E, paramGrid: ParamGrid, options: SearchOptions<E> = {}) {
    super(estimator, options, []);
    this.#sets = gridCandidates(paramGrid);
    this.paramGrid = paramGrid;
  }

  protected candidates(): ParamSet[] {
    return this.#sets;
  }
}

/** Options of {@link RandomizedSearchCV}. */
export interface RandomizedSearchOptions<E extends SearchableEstimator> extends SearchOptions<E> {
  /** Number of settings drawn. Default 10. */
  readonly nIter?: number;
  /** Seed of the draws (an integer in [0, 2^32)). Default: fresh entropy on each fit. */
  readonly randomState?: number;
}

/**
 * Search over `nIter` settings drawn from lists and distributions (scikit-learn's
 * `RandomizedSearchCV`); see {@link sampledCandidates} for the draws.
 *
 * @example
 * ```ts
 * const search = new RandomizedSearchCV(new KMeans(), { nClusters: randint(2, 10), tol: loguniform(1e-6, 1e-2) }, { nIter: 8, randomState: 0 });
 * ```
 */
export class RandomizedSearchCV<E extends SearchableEstimator> extends BaseSearchCV<E> {
  readonly paramDistributions: ParamDistributions;
  readonly nIter: number;
  readonly randomState: number | undefined;

  /** @throws {@link ParameterError} on empty distributions, a bad nIter, randomState, option or cv */
  constructor(estimator: E, paramDistributions: ParamDistributions, options: RandomizedSearchOptions<E> = {}) {
    super(estimator, options, ['nIter', 'randomState']);
    const nIter = options.nIter ?? 10;
    if (!Number.isSafeInteger(nIter) || nIter < 1) throw new ParameterError('nIter', `expected an integer >= 1, found ${describe(nIter)}`);
    const rs = options.randomState;
    if (rs !== undefined && (!Number.isInteger(rs) || rs < 0 || rs >= 2 ** 32)) throw new ParameterError('randomState', `expected an integer in [0, 2^32), found ${describe(rs)}`);
    sampledCandidates(paramDistributions, 1, 0); // validates the distributions now
    this.paramDistributions = paramDistributions;
    this.nIter = nIter;
    this.randomState = rs;
  }

  protected candidates(): ParamSet[] {
    return sampledCandidates(this.paramDistributions, this.nIter, this.randomState);
  }
}
