import { expect } from 'chai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ParameterError, ShapeError } from '../../lib/errors.js';
import { kernelBackend } from '../../lib/kernels/index.js';
import { nativeLoadError, setBlasThreads } from '../../lib/kernels/native.js';
import { registeredBackends, resolveKernels } from '../../lib/kernels/registry.js';

const addonPath = fileURLToPath(new URL('../../../build/Release/dislib_native.node', import.meta.url));
type RawFn = (...args: unknown[]) => unknown;

describe('native kernels: loading and argument checking', () => {
  it('loads the addon built from native/ and registers the native backend', () => {
    expect(nativeLoadError()).to.equal(undefined);
    expect(registeredBackends()).to.include('native');
    expect(resolveKernels('native').name).to.equal('native');
  });

  it('makes native the active backend unless DISLIB_KERNELS forces js', () => {
    expect(kernelBackend()).to.equal(process.env['DISLIB_KERNELS'] === 'js' ? 'js' : 'native');
  });

  it('pins BLAS to one thread at load and lets setBlasThreads change it', () => {
    const raw = createRequire(import.meta.url)(addonPath) as { getBlasThreads(): number };
    expect(raw.getBlasThreads()).to.equal(1);
    expect(setBlasThreads(2)).to.equal(true);
    expect(raw.getBlasThreads()).to.equal(2);
    expect(setBlasThreads(1)).to.equal(true);
    expect(raw.getBlasThreads()).to.equal(1);
    expect(() => setBlasThreads(0)).to.throw(ParameterError);
  });

  describe('typed errors from the wrapper', () => {
    const k = resolveKernels('native');
    const a = new Float64Array(6);

    it('rejects lengths that do not match the shape with ShapeError', () => {
      const c = new Float64Array(4);
      expect(() => k.gemm(false, false, 2, 2, 3, 1, a, new Float64Array(5), 0, c)).to.throw(ShapeError, /b has 5/);
      expect(() => k.rowSqNorms(a, 4, 2)).to.throw(ShapeError);
      expect(() => k.cluster.kmeansStep(a, 3, 2, new Float64Array(4), 2, new Int32Array(2))).to.throw(ShapeError, /labels/);
      expect(() => k.lstsq(a, 3, 2, new Float64Array(2), 1)).to.throw(ShapeError);
      expect(() => k.qr(a, 2, 3)).to.throw(ShapeError, /m >= n/);
    });

    it('rejects wrong types, dims and dtypes with ParameterError naming the parameter', () => {
      const wrongType = (): unknown => k.rowSqNorms([1, 2] as unknown as Float64Array, 1, 2);
      expect(wrongType).to.throw(ParameterError).with.property('context').that.deep.includes({ parameter: 'x' });
      expect(() => k.rowSqNorms(a, 1.5, 4)).to.throw(ParameterError, /^n:/);
      expect(() => k.rowSqNorms(a, -1, -6)).to.throw(ParameterError);
      expect(() => k.cluster.kmeansStep(a, 3, 2, new Float32Array(4), 2)).to.throw(ParameterError, /same dtype/);
      expect(() => k.cluster.kmeansStep(a, 3, 2, new Float64Array(0), 0)).to.throw(ParameterError, /^k:/);
      expect(() => k.qr(new Float32Array(4) as unknown as Float64Array, 2, 2)).to.throw(ParameterError);
      expect(() => k.parseCsv(new Uint8Array(4), 3, 2, 44)).to.throw(ParameterError);
      expect(() => k.parseCsv(new Uint8Array(4), 0, 5, 44)).to.throw(ParameterError);
      expect(() => k.parseCsv(new Uint8Array(4), 0, 4, 10)).to.throw(ParameterError, /delimiter/);
    });

    it('reports LAPACK failures as typed errors', () => {
      expect(() => k.cholesky(new Float64Array([1, 2, 2, 1]), 2))
        .to.throw(ParameterError, /not symmetric positive definite/)
        .with.property('context')
        .that.deep.includes({ parameter: 'a', minor: 2 });
      expect(() => k.lstsq(new Float64Array([1, 0, 1, 0, 1, 0]), 3, 2, new Float64Array(3), 1)).to.throw(ParameterError, /rank deficient/);
      expect(() => k.qr(new Float64Array([1, NaN, 0, 1]), 2, 2)).to.throw(ParameterError, /NaN or Infinity/);
      expect(() => k.eigh(new Float64Array([1, 0, Infinity, 1]), 2)).to.throw(ParameterError, /NaN or Infinity/);
    });
  });

  it('breaks K-means ties towards the lowest index across its vector lanes, on both score paths', () => {
    const k = resolveKernels('native');
    const n = 37, d = 3;
    // k <= 32 takes the register-blocked score kernel, larger k the GEMM; the argmin runs in 4 lanes.
    const points = Float64Array.from({ length: n * d }, (_, i) => ((i * 7919) % 101) / 101);
    for (const f32 of [false, true]) {
      for (const nc of [5, 13, 32, 64]) {
        const centers = new Float64Array(nc * d).fill(100);
        for (const j of [2, Math.min(7, nc - 2), nc - 1]) centers.fill(0.5, j * d, (j + 1) * d);
        const labels = new Int32Array(n);
        const r = f32
          ? k.cluster.kmeansStep(Float32Array.from(points), n, d, Float32Array.from(centers), nc, labels)
          : k.cluster.kmeansStep(points, n, d, centers, nc, labels);
        expect([...new Set(labels)], `${f32 ? 'float32' : 'float64'} k=${nc}`).to.deep.equal([2]);
        expect(r.counts[2]).to.equal(n);
      }
    }
  });

  it('never crashes on bad input to the raw addon: it throws instead', () => {
    const raw = createRequire(import.meta.url)(addonPath) as Record<string, RawFn>;
    const f64 = new Float64Array(4);
    const detached = new Float64Array(new ArrayBuffer(64));
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const junk: unknown[] = [undefined, null, 'x', -1, 2 ** 40, NaN, 1.5, {}, new Int32Array(2), detached];
    const calls: Array<[string, unknown[]]> = [
      ['gemm', [false, false, 2, 2, 2, 1, f64, f64, 0, new Float64Array(4)]],
      ['rowSqNorms', [f64, 2, 2]],
      ['kmeansStep', [f64, 2, 2, f64, 2, new Int32Array(2)]],
      ['pairwiseSqDist', [f64, 2, f64, 2, 2]],
      ['qr', [f64, 2, 2]],
      ['svd', [f64, 2, 2]],
      ['eigh', [f64, 2]],
      ['cholesky', [new Float64Array([2, 0, 0, 2]), 2]],
      ['lstsq', [f64, 2, 2, new Float64Array([1, 0, 0, 1]), 2]],
      ['parseCsv', [new Uint8Array([49, 44, 50]), 0, 3, 44, new Uint8Array([35]), new Int32Array([-1])]],
    ];
    let thrown = 0;
    for (const [name, good] of calls) {
      const fn = raw[name];
      expect(fn, name).to.be.a('function');
      expect(() => fn?.(...good), `${name} with valid arguments`).not.to.throw();
      for (let i = 0; i < good.length; i++) {
        for (const bad of junk) {
          const args = good.slice();
          args[i] = bad;
          try {
            fn?.(...args);
          } catch (err) {
            expect(err, name).to.be.instanceOf(Error);
            thrown++;
          }
        }
      }
      expect(() => fn?.(), `${name} without arguments`).to.throw(Error);
    }
    expect(thrown).to.be.greaterThan(200);
  });
});
