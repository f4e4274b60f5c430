/**
 * GridSearchCV, RandomizedSearchCV and crossValidate over KMeans with explicit initial centers, against
 * scikit-learn's GridSearchCV cv_results_ (test/fixtures/model-selection.json, made by
 * test/fixtures/gen-model-selection.py); scorers and metrics; parameter errors.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  GridSearchCV,
  KFold,
  KMeans,
  MinMaxScaler,
  StandardScaler,
  NotFittedError,
  ParameterError,
  RandomizedSearchCV,
  array,
  crossValidate,
  init,
  loguniform,
  makeRegression,
  maxError,
  meanAbsoluteError,
  rootMeanSquaredError,
  meanSquaredError,
  r2Score,
  accuracyScore,
  randint,
  shutdown,
  type DsArray,
} from '../../lib/index.js';

interface SearchFixture {
  x: number[][];
  grid: Record<string, unknown[]>[];
  cv: number;
  params: Record<string, unknown>[];
  split_test_scores: number[][];
  mean_test_score: number[];
  std_test_score: number[];
  rank_test_score: number[];
  best_index: number;
  best_score: number;
  best_centers: number[][];
}

const fixture = (JSON.parse(readFileSync(new URL('../../../test/fixtures/model-selection.json', import.meta.url), 'utf8')) as { search: SearchFixture }).search;

function close(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual, what).to.have.length(expected.length);
  actual.forEach((v, i) => expect(v, `${what}[${i}]`).to.be.closeTo(expected[i] as number, 1e-9 * Math.max(1, Math.abs(expected[i] as number))));
}

describe('model selection searches', function () {
  this.timeout(120_000);
  let x: DsArray;
  before(async () => {
    await init({ workers: 2 });
    x = array(fixture.x, [7, 2]); // folds of 10 rows cut across blocks of 7
  });
  after(async () => {
    await shutdown();
  });

  it("GridSearchCV over KMeans equals scikit-learn's cv_results_, ranks with ties 'min', best estimator refitted", async () => {
    const search = await new GridSearchCV(new KMeans(), fixture.grid, { cv: fixture.cv }).fit(x);
    const r = search.cvResults;
    expect(r.params).to.deep.equal(fixture.params);
    expect(r.param_nClusters).to.deep.equal(fixture.params.map((p) => p.nClusters));
    expect(r.param_maxIter).to.deep.equal(fixture.params.map((p) => p.maxIter));
    for (let i = 0; i < fixture.cv; i++) close(r[`split${i}_test_score`] as number[], fixture.split_test_scores.map((s) => s[i] as number), `split${i}`);
    close(r.mean_test_score, fixture.mean_test_score, 'mean_test_score');
    close(r.std_test_score, fixture.std_test_score, 'std_test_score');
    expect(r.rank_test_score).to.deep.equal(fixture.rank_test_score);
    expect(r.mean_fit_time.every((t) => t > 0)).to.equal(true);
    expect(search.bestIndex).to.equal(fixture.best_index);
    expect(search.bestScore).to.be.closeTo(fixture.best_score, 1e-9 * Math.abs(fixture.best_score));
    expect(search.bestParams).to.deep.equal(fixture.params[fixture.best_index]);
    const best = search.bestEstimator as KMeans;
    best.clusterCenters.forEach((row, c) => close(row, fixture.best_centers[c] as number[], `center ${c}`));
    expect(await search.score(x)).to.be.closeTo(await best.score(x), 1e-12);
    expect(await search.predict(x).toArray()).to.deep.equal(await best.predict(x).toArray());
    expect(search.estimator.isFitted).to.equal(false);
  });

  it('launches every candidate x fold fit before any of them finishes (they run side by side)', async () => {
    const events: string[] = [];
    class LoggedKMeans extends KMeans {
      override async fit(data: DsArray, y?: unknown): Promise<this> {
        events.push('start');
        await super.fit(data, y);
        events.push('end');
        return this;
      }
    }
    const grid = { nClusters: [3], init: fixture.grid[1]?.init as number[][][], maxIter: [2, 300] };
    await new GridSearchCV(new LoggedKMeans(), grid, { cv: 4, refit: false }).fit(x);
    expect(events).to.have.length(16);
    expect(events.indexOf('end')).to.equal(8);
  });

  it('crossValidate gives the fold scores of the same candidate; refit: false leaves no best estimator', async () => {
    const p = fixture.params[4] as Record<string, unknown>;
    const est = new KMeans(p as never);
    const cv = await crossValidate(est, x, undefined, { cv: new KFold({ nSplits: 4 }), returnEstimator: true, returnTrainScore: true });
    close(cv.test_score, fixture.split_test_scores[4] as number[], 'test_score');
    expect(cv.estimator?.map((e) => e.isFitted)).to.deep.equal([true, true, true, true]);
    expect(cv.train_score?.every((s) => s < 0)).to.equal(true);
    expect(est.isFitted).to.equal(false);
    const search = await new GridSearchCV(new KMeans(), fixture.grid, { cv: 4, refit: false }).fit(x);
    expect(search.bestEstimator).to.equal(undefined);
    expect(search.bestIndex).to.equal(fixture.best_index);
    expect(() => search.predict(x)).to.throw(ParameterError, 'refit');
  });

  it('cross-validates a transformer (StandardScaler) on the rows of each training fold, scored by a function', async () => {
    const rows = fixture.x;
    const folds = new KFold({ nSplits: 4, shuffle: true, randomState: 5 }).split(rows.length);
    // Score: minus the mean absolute transformed test value (a fold that was scaled with its own statistics scores higher).
    const scoring = async (est: StandardScaler, xt: DsArray) => -(await est.transform(xt).abs().mean().item());
    const cv = await crossValidate(new StandardScaler(), x, undefined, { cv: folds, scoring, returnEstimator: true });
    cv.estimator?.forEach((est, f) => {
      const train = Array.from(folds[f]?.train ?? [], (i) => rows[i] as number[]);
      const mean = [0, 1].map((j) => train.reduce((a, r) => a + (r[j] as number), 0) / train.length);
      close(est.mean as number[], mean, `fold ${f} mean`);
    });
    expect(cv.test_score.every((v) => v < 0 && v > -2)).to.equal(true);
    const search = await new GridSearchCV(new MinMaxScaler(), { featureRange: [[0, 1], [-1, 1]] }, { cv: 4, scoring: async (est, xt) => -(await est.transform(xt).abs().mean().item()) }).fit(x);
    // Scaled into [-1, 1] the values sit around 0, into [0, 1] around 0.5: the first has the smaller mean |value|.
    expect(search.bestParams).to.deep.equal({ featureRange: [-1, 1] });
    expect(search.cvResults.rank_test_score).to.deep.equal([2, 1]);
  });

  it('RandomizedSearchCV: lists are drawn without replacement, distributions from the seed', async () => {
    const init3 = fixture.grid[1]?.init as number[][][];
    const grid = { nClusters: [3], init: init3, maxIter: [1, 2, 300] };
    const all = await new RandomizedSearchCV(new KMeans(), grid, { nIter: 10, randomState: 1, cv: 4 }).fit(x);
    expect(all.cvResults.params).to.have.length(3);
    expect(new Set(all.cvResults.params.map((p) => p.maxIter))).to.deep.equal(new Set([1, 2, 300]));
    const draws = { nClusters: [3], init: init3, maxIter: randint(1, 4), tol: loguniform(1e-6, 1e-2) };
    const a = new RandomizedSearchCV(new KMeans(), draws, { nIter: 5, randomState: 7, cv: 4, refit: false });
    const b = new RandomizedSearchCV(new KMeans(), draws, { nIter: 5, randomState: 7, cv: 4, refit: false });
    await Promise.all([a.fit(x), b.fit(x)]);
    expect(a.cvResults.params).to.deep.equal(b.cvResults.params);
    expect(a.cvResults.mean_test_score).to.deep.equal(b.cvResults.mean_test_score);
    for (const p of a.cvResults.params) {
      expect(p.maxIter).to.be.oneOf([1, 2, 3]);
      expect(p.tol).to.be.within(1e-6, 1e-2);
    }
  });

  it('scorers by name and metrics agree with their formulas; a scorer function is used as given', async () => {
    const { x: xr, y } = makeRegression({ nSamples: 200, nFeatures: 3, noise: 1, randomState: 2, blockSize: [64, 3] });
    const pred = xr.slice({ cols: [0, 1] }).mul(30);
    const [t, p] = [(await y.toArray()).map((r) => r[0] as number), (await pred.toArray()).map((r) => r[0] as number)];
    const mean = t.reduce((s, v) => s + v, 0) / t.length;
    const sse = t.reduce((s, v, i) => s + (v - (p[i] as number)) ** 2, 0);
    const sst = t.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(await meanSquaredError(y, pred)).to.be.closeTo(sse / 200, 1e-9 * sse);
    expect(await r2Score(y, pred)).to.be.closeTo(1 - sse / sst, 1e-9);
    expect(await rootMeanSquaredError(y, pred)).to.be.closeTo(Math.sqrt(sse / 200), 1e-9);
    expect(await maxError(y, pred)).to.equal(Math.max(...t.map((v, i) => Math.abs(v - (p[i] as number)))));
    expect(await meanAbsoluteError(y, pred)).to.be.closeTo(t.reduce((s, v, i) => s + Math.abs(v - (p[i] as number)), 0) / 200, 1e-9);
    const labels = array([[0], [1], [1], [2]], [3, 1]);
    expect(await accuracyScore(labels, array([[0], [1], [2], [2]], [3, 1]))).to.equal(0.75);
    // 'accuracy' compares KMeans labels with y; a function scorer gets (estimator, x, y).
    const y2 = (await new KMeans({ nClusters: 2, init: fixture.grid[0]?.init?.[0] as number[][] }).fit(x)).predict(x);
    const grid = { nClusters: [2], init: [fixture.grid[0]?.init?.[0] as number[][]] };
    const acc = await new GridSearchCV(new KMeans(), grid, { cv: 4, scoring: 'accuracy', refit: false }).fit(x, y2);
    expect(acc.bestScore).to.be.within(0.9, 1);
    let calls = 0;
    const fn = await new GridSearchCV(new KMeans(), grid, { cv: 4, scoring: async (est, xt) => (calls++, -(await est.score?.(xt) ?? 0)), refit: false }).fit(x);
    expect(calls).to.equal(4);
    close([fn.bestScore], [-fixture.mean_test_score[0]! as number], 'function scorer');
  });

  it('rejects bad grids, names, cv and scoring with a ParameterError naming the parameter, before any fit', async () => {
    const km = new KMeans();
    const named = (f: () => unknown, parameter: string) => {
      try {
        f();
      } catch (err) {
        expect(err).to.be.instanceOf(ParameterError);
        expect((err as ParameterError).context.parameter).to.equal(parameter);
        return;
      }
      expect.fail(`no error for ${parameter}`);
    };
    named(() => new GridSearchCV(km, []), 'paramGrid');
    named(() => new GridSearchCV(km, {}), 'paramGrid');
    named(() => new GridSearchCV(km, { nClusters: [] }), 'nClusters');
    named(() => new GridSearchCV(km, { nClusters: [2] }, { cv: 1 }), 'cv');
    named(() => new GridSearchCV(km, { nClusters: [2] }, { cv: 'five' as never }), 'cv');
    named(() => new GridSearchCV(km, { nClusters: [2] }, { scoring: 'accuracyy' as never }), 'scoring');
    named(() => new GridSearchCV(km, { nClusters: [2] }, { nJobs: 2 } as never), 'nJobs');
    named(() => new RandomizedSearchCV(km, { nClusters: [2] }, { nIter: 0 }), 'nIter');
    const bad = new GridSearchCV(km, { nClusterz: [2] });
    let err: unknown;
    await bad.fit(x).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ParameterError);
    expect((err as ParameterError).context.parameter).to.equal('nClusterz');
    err = undefined;
    await new GridSearchCV(km, { nClusters: [0] }).fit(x).catch((e: unknown) => (err = e));
    expect((err as ParameterError).context.parameter).to.equal('nClusters');
    expect(() => new GridSearchCV(km, { nClusters: [2] }).bestIndex).to.throw(NotFittedError);
  });
});
