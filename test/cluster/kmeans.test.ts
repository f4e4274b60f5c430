/**
 * KMeans: scikit-learn's exact hand case, agreement with scikit-learn fixtures (test/fixtures/kmeans-*.json,
 * made by test/fixtures/gen-kmeans.py), edge cases, reproducibility, errors, saved models, and the
 * conformance suite (checkEstimator).
 */
import { expect } from 'chai';
import {
  DsArray,
  KMeans,
  NonFiniteError,
  array,
  randomArray,
  shutdown,
  type FitProgress,
  type KMeansInit,
} from '../../lib/index.js';
import { checkEstimator } from '../helpers/checkEstimator.js';
import { csrOf, expectClose, expectParameterError, readFixture, thrown } from '../helpers/estimators.js';

interface Fixture {
  dtype: 'float64' | 'float32';
  sparse: boolean;
  params: { maxIter: number; tol: number };
  x: number[][];
  init: number[][];
  centers: number[][];
  labels: number[];
  inertia: number;
  nIter: number;
}

function fixture(name: string): Fixture {
  return readFixture<Fixture>(`kmeans-${name}.json`);
}

async function labelsOf(km: KMeans, x: DsArray): Promise<number[]> {
  return (await km.predict(x).toArray()).map((r) => r[0] as number);
}

describe('KMeans', function () {
  this.timeout(60_000);
  after(() => shutdown());

  it("reproduces scikit-learn's exact hand case", async () => {
    const x = array([[0, 0], [0.5, 0], [0.5, 1], [1, 1]], [2, 2]);
    const km = await new KMeans({ nClusters: 2, init: [[0, 0], [1, 1]] }).fit(x);
    expect(km.clusterCenters).to.deep.equal([[0.25, 0], [0.75, 1]]);
    expect(km.inertia).to.equal(0.25);
    expect(km.nIter).to.equal(2);
    expect(await labelsOf(km, x)).to.deep.equal([0, 0, 1, 1]);
  });

  for (const [name, blockSize, sparse] of [
    ['blobs', [64, 4], false],
    ['blobs', [100, 3], false],
    ['blobs-maxiter', [128, 4], false],
    ['empty-cluster', [50, 4], false],
    ['sparse', [64, 20], true],
    ['sparse', [100, 7], true],
    ['blobs-float32', [64, 4], false],
  ] as const) {
    it(`agrees with scikit-learn on ${name} (blocks ${blockSize.join(' x ')}${sparse ? ', CSR' : ''})`, async () => {
      const f = fixture(name);
      const x = sparse ? array(csrOf(f.x), blockSize) : array(f.x, blockSize, { dtype: f.dtype });
      expect(x.sparse).to.equal(sparse);
      const km = await new KMeans({ nClusters: f.init.length, init: f.init, maxIter: f.params.maxIter, tol: f.params.tol }).fit(x);
      const rtol = f.dtype === 'float32' ? 1e-4 : 1e-10;
      expectClose(km.clusterCenters, f.centers, rtol);
      expect(Math.abs(km.inertia - f.inertia) / f.inertia).to.be.at.most(rtol);
      expect(km.nIter).to.equal(f.nIter);
      expect(await labelsOf(km, x)).to.deep.equal(f.labels);
    });
  }

  it('with one cluster gives the mean and the total sum of squares', async () => {
    const rows = [[1, 2], [3, 5], [-4, 0.5], [10, 1], [0, 0]];
    const km = await new KMeans({ nClusters: 1, init: 'k-means++', randomState: 1 }).fit(array(rows, [2, 1]));
    const mean = [2, 1.7];
    expectClose(km.clusterCenters, [mean], 1e-15);
    const ss = rows.reduce((s, r) => s + (r[0]! - mean[0]!) ** 2 + (r[1]! - mean[1]!) ** 2, 0);
    expect(km.inertia).to.be.closeTo(ss, 1e-12);
  });

  it('handles identical points (more clusters than distinct rows)', async () => {
    const x = array(Array.from({ length: 12 }, () => [3, -1, 2]), [5, 3]);
    for (const initMethod of ['random', 'k-means++', 'k-means||'] as const) {
      const km = await new KMeans({ nClusters: 3, init: initMethod, randomState: 0 }).fit(x);
      expect(km.clusterCenters, initMethod).to.deep.equal([[3, -1, 2], [3, -1, 2], [3, -1, 2]]);
      expect(km.inertia).to.equal(0);
      expect(await labelsOf(km, x)).to.deep.equal(Array(12).fill(0));
    }
  });

  it('is reproducible with a seed and finds well-separated clusters with every init', async () => {
    const f = fixture('blobs');
    const x = array(f.x, [64, 4]);
    for (const initMethod of ['random', 'k-means++', 'k-means||'] as const) {
      const a = await new KMeans({ nClusters: 5, init: initMethod, randomState: 7, maxIter: 100 }).fit(x);
      const b = await new KMeans({ nClusters: 5, init: initMethod, randomState: 7, maxIter: 100 }).fit(x);
      expect(a.clusterCenters, initMethod).to.deep.equal(b.clusterCenters);
      expect(a.inertia).to.equal(b.inertia);
      if (initMethod !== 'random') expect(a.inertia, initMethod).to.be.at.most(f.inertia * 1.05);
    }
  });

  it('predicts lazily with the row blocking of x; fitPredict and score agree with fit', async () => {
    const f = fixture('blobs');
    const x = array(f.x, [100, 4]);
    const km = new KMeans({ nClusters: 5, init: f.init });
    const labels = await km.fitPredict(x);
    expect(labels).to.be.instanceOf(DsArray);
    expect(labels.shape).to.deep.equal([500, 1]);
    expect(labels.blockSize).to.deep.equal([100, 1]);
    expect((await labels.toArray()).map((r) => r[0])).to.deep.equal(f.labels);
    expect(await km.score(x)).to.be.closeTo(-km.inertia, 1e-9 * km.inertia);
  });

  it('reports progress once per iteration', async () => {
    const f = fixture('blobs');
    const seen: FitProgress[] = [];
    const km = await new KMeans({ nClusters: 5, init: f.init }).fit(array(f.x, [100, 4]), undefined, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.iteration)).to.deep.equal(Array.from({ length: km.nIter }, (_, i) => i + 1));
    expect(seen[0]?.estimator).to.equal('KMeans');
    expect(seen.at(-1)?.metrics.centerShift).to.be.a('number');
  });

  it('gives the same result on recompute-only generated data', async () => {
    const opts = { nClusters: 4, init: 'k-means++', randomState: 3, maxIter: 4, tol: 0 } as const;
    const a = await new KMeans(opts).fit(randomArray([6000, 8], [1000, 8], { seed: 11, recomputeOnly: true }));
    const b = await new KMeans(opts).fit(randomArray([6000, 8], [1000, 8], { seed: 11 }));
    expect(a.clusterCenters).to.deep.equal(b.clusterCenters);
    expect(a.inertia).to.equal(b.inertia);
  });

  it('reduces through a multi-level tree (arity 2 and 3) to the same result as a flat one', async () => {
    const f = fixture('blobs');
    const x = array(f.x, [16, 4]); // 32 row blocks: 5 levels at arity 2
    const flat = await new KMeans({ nClusters: 5, init: f.init }).fit(x, undefined, { arity: 50 });
    for (const arity of [2, 3]) {
      const km = await new KMeans({ nClusters: 5, init: f.init }).fit(x, undefined, { arity });
      expectClose(km.clusterCenters, flat.clusterCenters, 1e-12);
      expect(km.nIter).to.equal(f.nIter);
      expect(Math.abs(km.inertia - f.inertia) / f.inertia).to.be.at.most(1e-10);
    }
  });

  describe('errors', () => {
    it('rejects bad options, naming the parameter', async () => {
      for (const nClusters of [0, -1, 1.5, Number.NaN, '3']) await expectParameterError(() => new KMeans({ nClusters } as never), 'nClusters');
      await expectParameterError(() => new KMeans({ maxIter: 0 }), 'maxIter');
      await expectParameterError(() => new KMeans({ tol: -1e-3 }), 'tol');
      await expectParameterError(() => new KMeans({ arity: 2 } as never), 'arity');
      await expectParameterError(() => new KMeans({ randomState: -2 }), 'randomState');
      await expectParameterError(() => new KMeans({ init: 'kmeans++' } as never), 'init');
      await expectParameterError(() => new KMeans({ init: [[0, 1], [2]] }), 'init[1]');
      await expectParameterError(() => new KMeans({ init: [[0, Number.NaN]] }), 'init[0][1]');
      await expectParameterError(() => new KMeans({ nClusterz: 3 } as never), 'nClusterz');
    });

    it('rejects bad inputs at fit and predict', async () => {
      const x = array([[0, 0], [1, 1], [2, 2]], [2, 2]);
      await expectParameterError(() => new KMeans({ nClusters: 2 }).fit([[0, 0]] as never), 'x');
      await expectParameterError(() => new KMeans({ nClusters: 4 }).fit(x), 'nClusters');
      await expectParameterError(() => new KMeans({ nClusters: 3, init: [[0, 0], [1, 1]] }).fit(x), 'init');
      await expectParameterError(() => new KMeans({ nClusters: 1, init: [[0, 0, 0]] }).fit(x), 'init');
      await expectParameterError(() => new KMeans({ nClusters: 1 }).fit(x, undefined, { onProgress: 'yes' } as never), 'onProgress');
      await expectParameterError(() => new KMeans({ nClusters: 1 }).fit(x, undefined, { arity: 1 }), 'arity');
      const km = await new KMeans({ nClusters: 2, init: [[0, 0], [2, 2]] }).fit(x);
      await expectParameterError(() => km.predict(array([[0, 0, 0]], [1, 3])), 'x');
      await expectParameterError(() => km.score(array([[0]], [1, 1])), 'x');
    });

    it('rejects NaN and infinities with a NonFiniteError naming the first one, with every init, dense or CSR', async () => {
      const base = (): number[][] => Array.from({ length: 40 }, (_, i) => [1 + (i % 5), 1 + ((i * 7) % 11), 1 + i / 3]);
      const cases: { bad: [number, number, number][]; first: [number, number]; init: KMeansInit; dtype: 'float64' | 'float32'; sparse: boolean }[] = [
        { bad: [[37, 1, Number.NaN]], first: [37, 1], init: 'random', dtype: 'float64', sparse: false },
        { bad: [[30, 0, Number.NaN], [12, 2, Infinity]], first: [12, 2], init: 'k-means++', dtype: 'float32', sparse: false },
        { bad: [[25, 0, -Infinity], [25, 2, Number.NaN]], first: [25, 0], init: 'k-means||', dtype: 'float64', sparse: true },
        { bad: [[0, 2, Infinity]], first: [0, 2], init: [[1, 1, 1], [2, 2, 2], [3, 3, 3]], dtype: 'float64', sparse: false },
      ];
      for (const c of cases) {
        const rows = base();
        for (const [r, col, v] of c.bad) (rows[r] as number[])[col] = v;
        // Blocks of 8 x 2: a row block spans two column blocks, and rows count across row blocks.
        const x = c.sparse ? array(csrOf(rows), [8, 2], { dtype: c.dtype }) : array(rows, [8, 2], { dtype: c.dtype });
        const err = await thrown(() => new KMeans({ nClusters: 3, init: c.init, randomState: 1 }).fit(x));
        const what = `${String(c.init)} ${c.dtype}${c.sparse ? ' CSR' : ''}`;
        expect(err, what).to.be.instanceOf(NonFiniteError);
        const e = err as NonFiniteError;
        expect([e.row, e.column], what).to.deep.equal(c.first);
        const value = String(c.bad.find(([r, col]) => r === c.first[0] && col === c.first[1])?.[2]);
        expect(e.message, what).to.equal(`x: row ${c.first[0]}, column ${c.first[1]} is ${value}: KMeans needs finite values (rows and columns count from 0)`);
      }
    });
  });

  describe('saved models', () => {
    it('saves and loads a fitted model with toJSON/fromJSON', async () => {
      const f = fixture('blobs');
      const x = array(f.x, [100, 4]);
      const km = await new KMeans({ nClusters: 5, init: f.init, randomState: 4 }).fit(x);
      const loaded = KMeans.fromJSON(JSON.stringify(km));
      expect(loaded).to.be.instanceOf(KMeans);
      expect(loaded.getParams()).to.deep.equal(km.getParams());
      expect(loaded.clusterCenters).to.deep.equal(km.clusterCenters);
      expect([loaded.inertia, loaded.nIter, loaded.nFeaturesIn]).to.deep.equal([km.inertia, km.nIter, 4]);
      expect(await labelsOf(loaded, x)).to.deep.equal(f.labels);
      expect(KMeans.fromJSON(new KMeans({ nClusters: 2 }).toJSON()).isFitted).to.equal(false);
      await expectParameterError(() => KMeans.fromJSON('{not json'), 'json');
      await expectParameterError(() => KMeans.fromJSON({ ...km.toJSON(), estimator: 'PCA' }), 'json.estimator');
      await expectParameterError(() => KMeans.fromJSON({ ...km.toJSON(), formatVersion: 2 }), 'json.formatVersion');
      const bad = km.toJSON() as unknown as { state: { clusterCenters: number[][] } };
      bad.state.clusterCenters[1] = [1, 2];
      await expectParameterError(() => KMeans.fromJSON(bad), 'state.clusterCenters[1]');
    });
  });
});

checkEstimator('KMeans', {
  make: (o) => new KMeans(o),
  defaults: { nClusters: 8, init: 'random', maxIter: 10, tol: 1e-4, randomState: undefined },
  fitParams: { nClusters: 3, init: 'k-means||', randomState: 5, tol: 0 },
  invalid: { nClusters: 0, init: 'kmeans++', maxIter: 0, tol: -1, randomState: -2 },
  rows: Array.from({ length: 30 }, (_, i) => [(i % 3) * 10 + Math.sin(i), Math.cos(i), (i % 3) - 1, i / 30]),
  blockSizes: [[8, 2], [7, 4]],
  blockRtol: 1e-10,
});
