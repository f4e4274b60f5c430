/**
 * Dataset generators: the recipe's statistics (blob centers and spread, classification structure,
 * regression targets from the returned coefficients, Zipf ratings of low rank), blocking and worker
 * independence on real worker processes, and parameter errors.
 */
import { expect } from 'chai';
import {
  ParameterError,
  init,
  makeBlobs,
  makeClassification,
  makeLowRankRatings,
  makeRegression,
  shutdown,
} from '../../lib/index.js';
import { permutation, permute } from '../../lib/datasets/streams.js';

function column(y: number[][]): number[] {
  return y.map((r) => r[0] as number);
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function std(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}

/** Rank of a tall matrix: Gram-Schmidt on its columns with a relative tolerance. */
function rank(x: number[][], tol = 1e-8): number {
  const cols = (x[0] ?? []).map((_, j) => x.map((r) => r[j] as number));
  const basis: number[][] = [];
  for (const c of cols) {
    const v = [...c];
    for (const b of basis) {
      const d = v.reduce((a, vi, i) => a + vi * (b[i] as number), 0);
      for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) - d * (b[i] as number);
    }
    const norm = Math.hypot(...v);
    if (norm > tol * Math.max(1, Math.hypot(...c))) basis.push(v.map((vi) => vi / norm));
  }
  return basis.length;
}

describe('dataset generators', function () {
  this.timeout(120_000);
  after(async () => {
    await shutdown();
  });

  describe('on 2 worker processes', () => {
    before(async () => {
      await init({ workers: 2 });
    });
    after(async () => {
      await shutdown();
    });

    it('makeBlobs: exact counts per center, centers and spread as asked, any blocking gives the same arrays', async () => {
      const centers = [
        [0, 0, 0],
        [10, -5, 2],
        [-8, 8, 8],
      ];
      const opts = { nSamples: 3001, centers, clusterStd: [0.5, 1, 2], randomState: 7 };
      const a = makeBlobs({ ...opts, blockSize: [1000, 3] });
      const b = makeBlobs({ ...opts, blockSize: [333, 2] });
      const [xa, ya, xb, yb] = await Promise.all([a.x.toArray(), a.y.toArray(), b.x.toArray(), b.y.toArray()]);
      expect(xb).to.deep.equal(xa);
      expect(yb).to.deep.equal(ya);
      expect(b.y.nBlocks).to.deep.equal([10, 1]);
      const labels = column(ya);
      // 3001 = 1001 + 1000 + 1000, shuffled: the labels are not sorted.
      expect([0, 1, 2].map((k) => labels.filter((l) => l === k).length)).to.deep.equal([1001, 1000, 1000]);
      expect(labels.slice(0, 100).every((l) => l === 0)).to.equal(false);
      [0, 1, 2].forEach((k) => {
        const rows = xa.filter((_, i) => labels[i] === k);
        for (let j = 0; j < 3; j++) {
          const v = rows.map((r) => r[j] as number);
          const s = [0.5, 1, 2][k] as number;
          // Standard error of the mean s / sqrt(1000) ~ 0.03 s; of the std about 0.022 s.
          expect(mean(v)).to.be.closeTo(centers[k]?.[j] as number, 0.15 * s);
          expect(std(v)).to.be.closeTo(s, 0.1 * s);
        }
      });
    });

    it('makeBlobs: unshuffled rows come center by center; drawn centers lie in the box', async () => {
      const { x, y, centers } = makeBlobs({ nSamples: [5, 3], nFeatures: 4, centerBox: [2, 3], shuffle: false, randomState: 1, blockSize: [3, 4] });
      expect(column(await y.toArray())).to.deep.equal([0, 0, 0, 0, 0, 1, 1, 1]);
      expect(x.shape).to.deep.equal([8, 4]);
      expect(centers.flat().every((v) => v >= 2 && v < 3)).to.equal(true);
      expect(centers).to.have.length(2);
    });

    it('makeClassification: informative clusters on the hypercube, redundant and repeated columns dependent', async () => {
      const { x, y } = makeClassification({
        nSamples: 4000,
        nFeatures: 8,
        nInformative: 3,
        nRedundant: 2,
        nRepeated: 1,
        nClasses: 3,
        nClustersPerClass: 1,
        flipY: 0,
        classSep: 2,
        shuffle: false,
        randomState: 3,
        blockSize: [700, 5],
      });
      const [xs, ys] = await Promise.all([x.toArray(), y.toArray()]);
      const labels = column(ys);
      expect([0, 1, 2].map((k) => labels.filter((l) => l === k).length)).to.deep.equal([1334, 1333, 1333]);
      // Informative, redundant and repeated columns (the first 6) span only the informative space.
      expect(rank(xs.map((r) => r.slice(0, 6)))).to.equal(3);
      expect(rank(xs)).to.equal(5); // plus 2 noise columns
      // The repeated column copies one of the first five.
      expect([0, 1, 2, 3, 4].some((j) => xs.every((r) => r[5] === r[j]))).to.equal(true);
      // Each class is one cluster centred on a vertex of [-2, 2]^3 (z A has mean 0), vertices distinct.
      const vertices = [0, 1, 2].map((k) => {
        const rows = xs.filter((_, i) => labels[i] === k);
        return [0, 1, 2].map((j) => {
          const m = mean(rows.map((r) => r[j] as number));
          expect(Math.abs(m)).to.be.closeTo(2, 0.2);
          return Math.sign(m);
        });
      });
      expect(new Set(vertices.map((v) => v.join())).size).to.equal(3);
      // The noise columns are N(0, 1).
      const noise = xs.map((r) => r[7] as number);
      expect(mean(noise)).to.be.closeTo(0, 0.08);
      expect(std(noise)).to.be.closeTo(1, 0.06);
    });

    it('makeClassification: weights and flipY set the class shares (counts as scikit-learn rounds them)', async () => {
      const base = { nSamples: 6000, nFeatures: 5, randomState: 11, weights: [0.8] };
      const plain = makeClassification({ ...base, flipY: 0 });
      const flipped = makeClassification({ ...base, flipY: 0.5, blockSize: [1000, 2] });
      const [p, f] = await Promise.all([plain.y.toArray(), flipped.y.toArray()]);
      // scikit-learn's rounding: 1 - 0.8 is 0.19999999999999996, so the clusters hold 2400, 599, 2400, 599,
      // and the 2 missing samples go to clusters 0 and 1: class 0 has 4801.
      expect(column(p).filter((l) => l === 0).length).to.equal(4801);
      // Half the labels redrawn uniformly: class 0 keeps 0.8 * 0.5 + 0.5 * 0.5 = 0.65.
      expect(column(f).filter((l) => l === 0).length / 6000).to.be.closeTo(0.65, 0.03);
    });

    it('makeRegression: y = x coef + bias exactly without noise, and with noise the residuals have its spread', async () => {
      const opts = { nSamples: 2000, nFeatures: 12, nInformative: 4, nTargets: 2, bias: 3, randomState: 5 };
      const clean = makeRegression({ ...opts, blockSize: [300, 5] });
      const noisy = makeRegression({ ...opts, noise: 0.5 });
      const [xs, ys, xn, yn] = await Promise.all([clean.x.toArray(), clean.y.toArray(), noisy.x.toArray(), noisy.y.toArray()]);
      expect(xn).to.deep.equal(xs);
      expect(noisy.coef).to.deep.equal(clean.coef);
      expect(clean.coef.filter((c) => c[0] !== 0)).to.have.length(4);
      expect(clean.coef.flat().every((c) => c >= 0 && c < 100)).to.equal(true);
      const predict = (r: number[], t: number) => r.reduce((a, v, j) => a + v * (clean.coef[j]?.[t] as number), 3);
      xs.forEach((r, i) => [0, 1].forEach((t) => expect(ys[i]?.[t]).to.be.closeTo(predict(r, t), 1e-9 * 400)));
      const residuals = xs.map((r, i) => (yn[i]?.[1] as number) - predict(r, 1));
      expect(mean(residuals)).to.be.closeTo(0, 0.05);
      expect(std(residuals)).to.be.closeTo(0.5, 0.03);
      const all = xs.flat();
      expect(mean(all)).to.be.closeTo(0, 0.03);
      expect(std(all)).to.be.closeTo(1, 0.02);
    });

    it('makeLowRankRatings: Zipf activity, ratings = user factors . item factors, the same under any blocking', async () => {
      const opts = { nUsers: 500, nItems: 300, rank: 4, meanRatings: 10, noise: 0, randomState: 9 };
      const a = makeLowRankRatings({ ...opts, blockSize: [128, 300] });
      const b = makeLowRankRatings({ ...opts, blockSize: [97, 70] });
      const [ca, cb, u, v] = await Promise.all([a.x.collectCsr(), b.x.collectCsr(), a.userFactors.toArray(), b.itemFactors.toArray()]);
      expect(b.x.sparse).to.equal(true);
      expect(Array.from(cb.indptr)).to.deep.equal(Array.from(ca.indptr));
      expect(Array.from(cb.indices)).to.deep.equal(Array.from(ca.indices));
      expect(Array.from(cb.data)).to.deep.equal(Array.from(ca.data));
      const counts = Array.from({ length: 500 }, (_, r) => (ca.indptr[r + 1] as number) - (ca.indptr[r] as number));
      const sorted = [...counts].sort((p, q) => q - p);
      // Zipf with exponent 1: scale = 10 * 500 / H(500) ~ 732, capped at the 300 items; tail users rate 1 or 2.
      expect(sorted[0]).to.equal(300);
      expect(sorted[9]).to.be.closeTo(73, 1);
      expect(sorted[499]).to.be.at.most(2);
      expect(mean(counts)).to.be.within(8, 10);
      for (let r = 0; r < 500; r++) {
        for (let p = ca.indptr[r] as number; p < (ca.indptr[r + 1] as number); p++) {
          const i = ca.indices[p] as number;
          const dot = (u[r] as number[]).reduce((s, uv, k) => s + uv * (v[i]?.[k] as number), 0);
          expect(ca.data[p]).to.be.closeTo(dot, 1e-12);
        }
      }
    });
  });

  it('gives the same arrays on the in-process executor as on 2 workers, for two block sizes', async () => {
    const opts = { nSamples: 500, nFeatures: 6, randomState: 21, blockSize: [64, 4] as [number, number] };
    await init({ executor: 'local' });
    const one = [await makeClassification(opts).x.toArray(), await makeBlobs(opts).x.toArray()];
    await shutdown();
    await init({ workers: 2 });
    const two = [await makeClassification({ ...opts, blockSize: [500, 6] }).x.toArray(), await makeBlobs(opts).x.toArray()];
    await shutdown();
    expect(two).to.deep.equal(one);
  });

  it('row shuffles are bijections of [0, n) for any n, different per seed', () => {
    for (const n of [1, 2, 3, 5, 17, 64, 1000, 4099]) {
      const p = permutation(12345, 0, n);
      const image = Array.from({ length: n }, (_, i) => permute(p, i));
      expect(new Set(image).size, `n = ${n}`).to.equal(n);
      expect(image.every((v) => v >= 0 && v < n)).to.equal(true);
    }
    const a = Array.from({ length: 100 }, (_, i) => permute(permutation(1, 0, 100), i));
    const b = Array.from({ length: 100 }, (_, i) => permute(permutation(2, 0, 100), i));
    expect(a).to.not.deep.equal(b);
    expect(a).to.not.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects bad parameters with a ParameterError naming them', () => {
    expect(() => makeBlobs({ nSamples: -1 })).to.throw(ParameterError, 'nSamples');
    expect(() => makeBlobs({ nSamples: [1, 2], centers: 3 })).to.throw(ParameterError, 'nSamples');
    expect(() => makeBlobs({ clusterStd: [1, 2] })).to.throw(ParameterError, 'clusterStd');
    expect(() => makeBlobs({ randomState: 1.5 })).to.throw(ParameterError, 'randomState');
    expect(() => makeClassification({ nFeatures: 3, nInformative: 2, nRedundant: 2 })).to.throw(ParameterError, 'nFeatures');
    expect(() => makeClassification({ nInformative: 1, nClasses: 3, nClustersPerClass: 1 })).to.throw(ParameterError, 'nInformative');
    expect(() => makeClassification({ weights: [0.1, 0.2, 0.7] })).to.throw(ParameterError, 'weights');
    expect(() => makeRegression({ noise: -1 })).to.throw(ParameterError, 'noise');
    expect(() => makeLowRankRatings({ nUsers: 0, nItems: 5 })).to.throw(ParameterError, 'nUsers');
  });
});
