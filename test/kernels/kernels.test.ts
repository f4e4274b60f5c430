/**
 * The kernel test suite, run once per registered backend (native when the addon is built, and js), plus
 * native-vs-js agreement on random inputs when both are present. CSV parsing is in csv.test.ts.
 */
import { expect } from 'chai';
import { ParameterError, ShapeError } from '../../lib/errors.js';
import { getBackend, kernelBackend, registeredBackends, type FloatArray, type Kernels } from '../../lib/kernels/index.js';
import { eye, type FloatCtor, matmul, maxAbsDiff, randomArray, rng, scaleOf, transpose } from './helpers.js';

const DTYPES: Array<[string, FloatCtor, number]> = [
  ['float64', Float64Array, 1e-12],
  ['float32', Float32Array, 2e-6],
];

/** Reference alpha op(A) op(B) + beta C in double precision, and a per-element error bound scale. */
function gemmReference(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  alpha: number, a: FloatArray, b: FloatArray, beta: number, c: FloatArray,
): { ref: Float64Array; bound: Float64Array } {
  const opA = transA ? transpose(a, k, m) : Float64Array.from(a);
  const opB = transB ? transpose(b, n, k) : Float64Array.from(b);
  const prod = matmul(opA, opB, m, k, n);
  const absProd = matmul(opA.map(Math.abs), opB.map(Math.abs), m, k, n);
  const ref = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) {
    ref[i] = alpha * prod[i]! + (beta === 0 ? 0 : beta * c[i]!);
    bound[i] = Math.abs(alpha) * absProd[i]! + (beta === 0 ? 0 : Math.abs(beta * c[i]!)) + 1e-300;
  }
  return { ref, bound };
}

/** Largest |got - ref| / bound over the elements. */
function relativeError(got: ArrayLike<number>, ref: Float64Array, bound: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / bound[i]!);
  return worst;
}

/** Brute-force nearest centers in double precision: labels, best and second-best squared distances. */
function bruteNearest(x: FloatArray, n: number, d: number, c: FloatArray, k: number): { labels: Int32Array; best: Float64Array; second: Float64Array } {
  const labels = new Int32Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const second = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t]! - c[j * d + t]!) ** 2;
      if (s < best[i]!) {
        second[i] = best[i]!;
        best[i] = s;
        labels[i] = j;
      } else if (s < second[i]!) {
        second[i] = s;
      }
    }
  }
  return { labels, best, second };
}

/** Rows whose two nearest centers are closer than `tol` relative to the point's scale (labels may differ). */
function nearTies(x: FloatArray, d: number, brute: { best: Float64Array; second: Float64Array }, tol: number): Set<number> {
  const ties = new Set<number>();
  for (let i = 0; i < brute.best.length; i++) {
    let xx = 0;
    for (let t = 0; t < d; t++) xx += x[i * d + t]! ** 2;
    if (brute.second[i]! - brute.best[i]! <= tol * (1 + xx + brute.best[i]!)) ties.add(i);
  }
  return ties;
}

/** Random points around k random centers, so that assignments are mostly clear-cut. */
function blobs(ctor: FloatCtor, n: number, d: number, k: number, seed: number): { x: FloatArray; c: FloatArray } {
  const rand = rng(seed);
  const c = randomArray(ctor, k * d, rand);
  const x = new ctor(n * d);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(rand() * k);
    for (let t = 0; t < d; t++) x[i * d + t] = c[j * d + t]! + 0.3 * (2 * rand() - 1);
  }
  return { x, c };
}

function expectOrthonormalColumns(q: Float64Array, m: number, n: number, tol: number): void {
  expect(maxAbsDiff(matmul(transpose(q, m, n), q, n, m, n), eye(n))).to.be.below(tol);
}

function checkKmeansStep(kern: Kernels, ctor: FloatCtor, n: number, d: number, k: number, seed: number): void {
  const { x, c } = blobs(ctor, n, d, k, seed);
  const labels = new Int32Array(n).fill(-1);
  const res = kern.cluster.kmeansStep(x, n, d, c, k, labels);
  const brute = bruteNearest(x, n, d, c, k);
  const tol = ctor === Float64Array ? 1e-10 : 1e-5;
  const ties = nearTies(x, d, brute, tol);
  for (let i = 0; i < n; i++) {
    if (!ties.has(i)) expect(labels[i], `label of row ${i}`).to.equal(brute.labels[i]);
  }
  // Sums, counts and inertia follow the kernel's own labels (a near-tie may go either way).
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const j = labels[i]!;
    expect(j).to.be.within(0, k - 1);
    counts[j]!++;
    let s = 0;
    for (let t = 0; t < d; t++) {
      sums[j * d + t]! += x[i * d + t]!;
      s += (x[i * d + t]! - c[j * d + t]!) ** 2;
    }
    inertia += s;
  }
  expect(Array.from(res.counts)).to.deep.equal(Array.from(counts));
  expect(maxAbsDiff(res.sums, sums)).to.be.at.most(1e-12 * n * (1 + scaleOf(sums)));
  expect(Math.abs(res.inertia - inertia)).to.be.at.most(tol * 10 * (n + inertia));
  const unlabelled = kern.cluster.kmeansStep(x, n, d, c, k);
  expect(Array.from(unlabelled.counts)).to.deep.equal(Array.from(res.counts));
  expect(unlabelled.inertia).to.equal(res.inertia);
}

if (process.env['DISLIB_KERNELS'] === 'js') {
  describe('kernel selection with DISLIB_KERNELS=js', () => {
    it('uses the js backend', () => expect(kernelBackend()).to.equal('js'));
  });
} else if (process.env['DISLIB_KERNELS'] === undefined) {
  describe('kernel selection by default', () => {
    it('uses native when the addon loaded, else js', () => {
      expect(kernelBackend()).to.equal(registeredBackends().includes('native') ? 'native' : 'js');
    });
  });
}

for (const name of registeredBackends()) {
  const kern = getBackend(name);

  describe(`kernels: ${name} backend`, () => {
    it('reports its name', () => expect(kern.name).to.equal(name));

    describe('gemm', () => {
      const shapes: Array<[number, number, number]> = [
        [1, 1, 1],
        [5, 7, 3],
        [37, 29, 300],
        [130, 9, 17],
        [3, 1030, 5],
        [4, 0, 3],
        [6, 5, 0],
      ];
      const scalars: Array<[number, number]> = [
        [1, 0],
        [-0.5, 2],
        [2.5, 1],
      ];
      for (const [dtype, ctor, tol] of DTYPES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            it(`${dtype} transA=${transA} transB=${transB}: matches the naive triple loop`, () => {
              const rand = rng(11);
              for (const [m, n, k] of shapes) {
                for (const [alpha, beta] of scalars) {
                  const a = randomArray(ctor, m * k, rand);
                  const b = randomArray(ctor, k * n, rand);
                  const c = randomArray(ctor, m * n, rand);
                  const { ref, bound } = gemmReference(transA, transB, m, n, k, alpha, a, b, beta, c);
                  kern.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
                  expect(relativeError(c, ref, bound), `${m}x${n}x${k} alpha ${alpha} beta ${beta}`).to.be.below(tol);
                }
              }
            });
          }
        }
      }

      it('overwrites C when beta = 0, even where C holds NaN', () => {
        const c = new Float64Array([NaN, NaN, Infinity, NaN]);
        kern.gemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), new Float64Array([3, 4]), 0, c);
        expect(Array.from(c)).to.deep.equal([3, 4, 6, 8]);
      });

      it('rejects mismatched shapes and dtypes with typed errors', () => {
        const a = new Float64Array(6);
        expect(() => kern.gemm(false, false, 2, 2, 3, 1, a, new Float64Array(5), 0, new Float64Array(4))).to.throw(ShapeError, /b has 5/);
        expect(() => kern.gemm(false, false, 2, 2, 3, 1, a, new Float32Array(6), 0, new Float64Array(4))).to.throw(ParameterError, /same dtype/);
        expect(() => kern.gemm(false, false, 2.5, 2, 3, 1, a, a, 0, new Float64Array(4))).to.throw(ParameterError, /^m:/);
      });
    });

    describe('rowSqNorms and pairwiseSqDist', () => {
      for (const [dtype, ctor, tol] of DTYPES) {
        it(`${dtype}: match direct sums of squares`, () => {
          const rand = rng(5);
          const [n, m, d] = [23, 17, 9];
          const x = randomArray(ctor, n * d, rand);
          const y = randomArray(ctor, m * d, rand);
          const norms = kern.rowSqNorms(x, n, d);
          expect(norms).to.be.instanceOf(Float64Array);
          const dist = kern.pairwiseSqDist(x, n, y, m, d);
          expect(dist).to.be.instanceOf(Float64Array).with.length(n * m);
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let t = 0; t < d; t++) s += x[i * d + t]! ** 2;
            expect(norms[i]).to.be.closeTo(s, tol * 10 * (1 + s));
            for (let j = 0; j < m; j++) {
              let e = 0;
              for (let t = 0; t < d; t++) e += (x[i * d + t]! - y[j * d + t]!) ** 2;
              expect(dist[i * m + j]).to.be.closeTo(e, tol * 10 * d);
            }
          }
        });
      }

      it('gives 0, never a negative, for identical rows', () => {
        const x = new Float64Array([0.1, 0.7, 1e8, 3]);
        const dist = kern.pairwiseSqDist(x, 2, x, 2, 2);
        expect(dist[0]).to.be.at.least(0).and.below(1e-12);
        expect(dist[3]).to.be.at.least(0).and.below(1e-6);
      });
    });

    describe('kmeansStep', () => {
      for (const [dtype, ctor] of DTYPES) {
        it(`${dtype}: labels, sums, counts and inertia match brute force`, () => {
          checkKmeansStep(kern, ctor, 1001, 7, 13, 1);
          checkKmeansStep(kern, ctor, 500, 3, 4, 2);
          checkKmeansStep(kern, ctor, 1, 1, 1, 3);
          checkKmeansStep(kern, ctor, 300, 50, 40, 4);
          // The register-blocked small-k path at its edges: one or several center vectors, row counts off
          // the row block, widths off the vector length.
          for (const [n, d, k, seed] of [[1003, 100, 8, 5], [37, 16, 9, 6], [45, 17, 32, 7], [9, 8, 16, 8], [70, 24, 17, 9]] as const) {
            checkKmeansStep(kern, ctor, n, d, k, seed);
          }
          // Many centers: float64 data takes float32 scores checked against their error bound; k covers whole
          // and partial groups of four vectors, single vectors and scalar tails in 8 and 16 lanes.
          for (const [n, d, k, seed] of [[901, 100, 64, 11], [333, 7, 200, 12], [50, 1, 70, 13], [211, 20, 100, 15]] as const) {
            checkKmeansStep(kern, ctor, n, d, k, seed);
          }
        });

        it(`${dtype}, many centers: extreme magnitudes and exact ties get the float64 answer`, () => {
          const d = 3;
          const k = 70;
          const { x, c } = blobs(ctor, 60, d, k, 14);
          const big = ctor === Float64Array ? 1e60 : 1e30;
          const tiny = ctor === Float64Array ? 1e-60 : 1e-30;
          // Values out of float32's range, or too small for it to keep their relative precision.
          x.set([big, 0, 0], 3 * d);
          x.set([tiny, -tiny, 5e-324], 4 * d);
          x.set([-0, 1e-20, 1e20], 5 * d);
          // Row 6 lies exactly halfway between centers 2 and 40, nearer than any other: the tie goes to 2.
          c.set([10, 0, 0], 2 * d);
          c.set([12, 0, 0], 40 * d);
          x.set([11, 0, 0], 6 * d);
          const labels = new Int32Array(60);
          const res = kern.cluster.kmeansStep(x, 60, d, c, k, labels);
          const brute = bruteNearest(x, 60, d, c, k);
          expect(labels[6]).to.equal(2);
          for (let i = 0; i < 60; i++) if (brute.second[i]! > brute.best[i]!) expect(labels[i], `label of row ${i}`).to.equal(brute.labels[i]);
          expect(Array.from(res.counts).reduce((a, b) => a + b, 0)).to.equal(60);
          // Centers out of float32's range: the whole step is computed in float64.
          c.set([big, big, 0], 9 * d);
          kern.cluster.kmeansStep(x, 60, d, c, k, labels);
          const brute2 = bruteNearest(x, 60, d, c, k);
          for (let i = 0; i < 60; i++) if (brute2.second[i]! > brute2.best[i]!) expect(labels[i], `label of row ${i}`).to.equal(brute2.labels[i]);
        });

        it(`${dtype}: a row with a NaN goes to center 0 and makes the inertia NaN`, () => {
          const { x, c } = blobs(ctor, 20, 9, 5, 10);
          x[13 * 9 + 4] = Number.NaN;
          const labels = new Int32Array(20);
          const res = kern.cluster.kmeansStep(x, 20, 9, c, 5, labels);
          expect(labels[13]).to.equal(0);
          expect(res.inertia).to.be.NaN;
          const brute = bruteNearest(x, 20, 9, c, 5);
          for (let i = 0; i < 20; i++) if (i !== 13) expect(labels[i], `label of row ${i}`).to.equal(brute.labels[i]);
        });
      }

      it('breaks exact ties towards the lowest center index', () => {
        const centers = new Float64Array([5, 5, 1, 1, 1, 1, -1, -1]);
        const x = new Float64Array([0, 0, 1, 1, 2, 2, 0.9, 1.2]);
        const labels = new Int32Array(4);
        const res = kern.cluster.kmeansStep(x, 4, 2, centers, 4, labels);
        // (0, 0) is equally far from centers 1, 2 and 3.
        expect(Array.from(labels)).to.deep.equal([1, 1, 1, 1]);
        expect(Array.from(res.counts)).to.deep.equal([0, 4, 0, 0]);
      });

      it('handles an empty block', () => {
        const res = kern.cluster.kmeansStep(new Float64Array(0), 0, 3, new Float64Array(6), 2, new Int32Array(0));
        expect(Array.from(res.counts)).to.deep.equal([0, 0]);
        expect(res.inertia).to.equal(0);
      });

      it('rejects bad arguments with typed errors', () => {
        const x = new Float64Array(6);
        expect(() => kern.cluster.kmeansStep(x, 3, 2, new Float32Array(4), 2)).to.throw(ParameterError, /same dtype/);
        expect(() => kern.cluster.kmeansStep(x, 3, 2, new Float64Array(4), 2, new Int32Array(2))).to.throw(ShapeError, /labels/);
        expect(() => kern.cluster.kmeansStep(x, 3, 2, new Float64Array(0), 0)).to.throw(ParameterError, /^k:/);
      });
    });

    describe('factorisations', () => {
      const rand = rng(7);
      const tall = randomArray(Float64Array, 60 * 12, rand);
      const wide = randomArray(Float64Array, 8 * 21, rand);
      const square = randomArray(Float64Array, 15 * 15, rand);
      // Rank 2 (6 x 4): rows are combinations of two vectors.
      const lowRank = matmul(randomArray(Float64Array, 12, rand), randomArray(Float64Array, 8, rand), 6, 2, 4);

      it('qr: Q has orthonormal columns, R is upper triangular, QR reconstructs A', () => {
        for (const [a, m, n] of [[tall, 60, 12], [square, 15, 15], [lowRank, 6, 4], [new Float64Array([3, 4]), 2, 1]] as const) {
          const { q, r } = kern.qr(a, m, n);
          expect(q.length).to.equal(m * n);
          expect(r.length).to.equal(n * n);
          expectOrthonormalColumns(q, m, n, 1e-10);
          for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(r[i * n + j]).to.equal(0);
          expect(maxAbsDiff(matmul(q, r, m, n, n), a)).to.be.below(1e-10 * scaleOf(a));
        }
        expect(() => kern.qr(wide, 8, 21)).to.throw(ShapeError, /m >= n/);
      });

      it('svd: descending non-negative s, orthonormal U and V, U diag(s) Vt reconstructs A', () => {
        for (const [a, m, n] of [[tall, 60, 12], [wide, 8, 21], [square, 15, 15], [lowRank, 6, 4]] as const) {
          const p = Math.min(m, n);
          const { u, s, vt } = kern.svd(a, m, n);
          expect([u.length, s.length, vt.length]).to.deep.equal([m * p, p, p * n]);
          for (let i = 0; i < p; i++) {
            expect(s[i]).to.be.at.least(0);
            if (i > 0) expect(s[i]).to.be.at.most(s[i - 1]!);
          }
          expectOrthonormalColumns(u, m, p, 1e-10);
          expectOrthonormalColumns(transpose(vt, p, n), n, p, 1e-10);
          const us = u.map((v, i) => v * s[i % p]!);
          expect(maxAbsDiff(matmul(us, vt, m, p, n), a)).to.be.below(1e-10 * scaleOf(a));
        }
        const low = kern.svd(lowRank, 6, 4).s;
        expect(low[2]).to.be.below(1e-12 * low[0]!);
      });

      it('eigh: ascending eigenvalues, orthonormal eigenvectors, A V = V diag(w)', () => {
        const n = 15;
        const sym = square.map((_, i) => square[i]! + square[(i % n) * n + Math.floor(i / n)]!);
        const { w, v } = kern.eigh(sym, n);
        for (let i = 1; i < n; i++) expect(w[i]).to.be.at.least(w[i - 1]!);
        expectOrthonormalColumns(v, n, n, 1e-10);
        const vw = v.map((e, i) => e * w[i % n]!);
        expect(maxAbsDiff(matmul(sym, v, n, n, n), vw)).to.be.below(1e-10 * scaleOf(sym));
        const diag = kern.eigh(new Float64Array([2, 0, 0, -1]), 2);
        expect(Array.from(diag.w)).to.deep.equal([-1, 2]);
      });

      it('cholesky: L L^T reconstructs an SPD matrix; a non-SPD one is a ParameterError', () => {
        const n = 12;
        const spd = matmul(transpose(tall, 60, n), tall, n, 60, n);
        const l = kern.cholesky(spd, n);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).to.equal(0);
        expect(maxAbsDiff(matmul(l, transpose(l, n, n), n, n, n), spd)).to.be.below(1e-10 * scaleOf(spd));
        expect(() => kern.cholesky(new Float64Array([1, 2, 2, 1]), 2))
          .to.throw(ParameterError, /not symmetric positive definite/)
          .with.property('context')
          .that.deep.includes({ parameter: 'a', minor: 2 });
      });

      it('lstsq: exact on a consistent system, residual orthogonal to range(A) otherwise', () => {
        const [m, n, r] = [60, 12, 3];
        const xTrue = randomArray(Float64Array, n * r, rand);
        const exact = kern.lstsq(tall, m, n, matmul(tall, xTrue, m, n, r), r);
        expect(maxAbsDiff(exact, xTrue)).to.be.below(1e-10);
        const b = randomArray(Float64Array, m * r, rand);
        const x = kern.lstsq(tall, m, n, b, r);
        const residual = matmul(tall, x, m, n, r).map((v, i) => v - b[i]!);
        expect(maxAbsDiff(matmul(transpose(tall, m, n), residual, n, m, r))).to.be.below(1e-10);
        expect(() => kern.lstsq(new Float64Array([1, 0, 1, 0, 1, 0]), 3, 2, new Float64Array(3), 1)).to.throw(ParameterError, /rank deficient/);
      });
    });
  });
}

if (registeredBackends().includes('native')) {
  describe('kernels: native and js agree on random inputs', () => {
    const native = getBackend('native');
    const js = getBackend('js');

    it('gemm to 1e-12 relative (float64), every transpose', () => {
      const rand = rng(21);
      const [m, n, k] = [67, 45, 130];
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = randomArray(Float64Array, m * k, rand);
          const b = randomArray(Float64Array, k * n, rand);
          const c0 = randomArray(Float64Array, m * n, rand);
          const cn = c0.slice();
          const cj = c0.slice();
          native.gemm(transA, transB, m, n, k, 0.75, a, b, -1.5, cn);
          js.gemm(transA, transB, m, n, k, 0.75, a, b, -1.5, cj);
          const { bound } = gemmReference(transA, transB, m, n, k, 0.75, a, b, -1.5, c0);
          expect(relativeError(cn, cj, bound)).to.be.below(1e-12);
        }
      }
    });

    for (const [dtype, ctor] of DTYPES) {
      it(`${dtype} kmeansStep: identical labels away from near-ties, same counts, sums and inertia`, () => {
        for (const [n, d, k, seed] of [[2000, 10, 8, 31], [700, 33, 70, 32]] as const) {
          const { x, c } = blobs(ctor, n, d, k, seed);
          const ln = new Int32Array(n);
          const lj = new Int32Array(n);
          const rn = native.cluster.kmeansStep(x, n, d, c, k, ln);
          const rj = js.cluster.kmeansStep(x, n, d, c, k, lj);
          const tol = ctor === Float64Array ? 1e-10 : 1e-5;
          const ties = nearTies(x, d, bruteNearest(x, n, d, c, k), tol);
          let differing = 0;
          for (let i = 0; i < n; i++) {
            if (ln[i] !== lj[i]) {
              expect(ties.has(i), `row ${i}: native ${ln[i]}, js ${lj[i]}`).to.equal(true);
              differing++;
            }
          }
          if (differing === 0) {
            expect(Array.from(rn.counts)).to.deep.equal(Array.from(rj.counts));
            expect(maxAbsDiff(rn.sums, rj.sums)).to.be.below(1e-9 * (1 + scaleOf(rj.sums)));
          }
          expect(Math.abs(rn.inertia - rj.inertia)).to.be.below(tol * 10 * (n + rj.inertia));
        }
      });
    }

    it('pairwiseSqDist and the factorisations agree', () => {
      const rand = rng(41);
      const x = randomArray(Float64Array, 40 * 6, rand);
      const y = randomArray(Float64Array, 30 * 6, rand);
      expect(maxAbsDiff(native.pairwiseSqDist(x, 40, y, 30, 6), js.pairwiseSqDist(x, 40, y, 30, 6))).to.be.below(1e-12);
      const sn = native.svd(x, 40, 6).s;
      const sj = js.svd(x, 40, 6).s;
      expect(maxAbsDiff(sn, sj)).to.be.below(1e-12 * sj[0]!);
      const sym = matmul(transpose(x, 40, 6), x, 6, 40, 6);
      expect(maxAbsDiff(native.eigh(sym, 6).w, js.eigh(sym, 6).w)).to.be.below(1e-12 * scaleOf(sym));
      expect(maxAbsDiff(native.cholesky(sym, 6), js.cholesky(sym, 6))).to.be.below(1e-12 * scaleOf(sym));
      const b = randomArray(Float64Array, 40 * 2, rand);
      expect(maxAbsDiff(native.lstsq(x, 40, 6, b, 2), js.lstsq(x, 40, 6, b, 2))).to.be.below(1e-12);
    });
  });
}
