/** The registry builds every backend from the contract list: namespaces, partial backends, native mappings. */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ParameterError } from '../../lib/errors.js';
import '../../lib/kernels/index.js'; // registers the backends
import { contractKernels, registerBackend, registeredBackends, resolveKernels } from '../../lib/kernels/registry.js';

const addonPath = fileURLToPath(new URL('../../../build/Release/dislib_native.node', import.meta.url));
type RawFn = (...args: unknown[]) => unknown;

describe('kernel registry: backends assembled from the contract list', () => {
  it('lists generic kernels at the top and estimator kernels in their namespace', () => {
    const paths = contractKernels().map(([path]) => path);
    expect(paths).to.include.members(['gemm', 'rowSqNorms', 'pairwiseSqDist', 'qr', 'svd', 'eigh', 'cholesky', 'lstsq', 'parseCsv', 'uniformFill', 'cluster.kmeansStep']);
    expect(new Set(paths).size).to.equal(paths.length);
    const js = resolveKernels('js') as unknown as Record<string, unknown>;
    expect(js['kmeansStep']).to.equal(undefined);
    expect(js['cluster']).to.have.property('kmeansStep').that.is.a('function');
  });

  if (!registeredBackends().includes('native')) return;

  describe('a native backend without some entries', () => {
    const addon = createRequire(import.meta.url)(addonPath) as Record<string, unknown>;
    after(() => registerBackend('native', addon));

    it('serves the entries it has through the kernel file’s mapping, after the checks, and the rest from js', () => {
      let calls = 0;
      const choleskyEntry = addon['cholesky'] as RawFn;
      const { kmeansStep: _omitted, ...partial } = addon;
      registerBackend('native', { ...partial, cholesky: (...args: unknown[]) => (calls++, choleskyEntry(...args)) });
      const native = resolveKernels('native');
      const js = resolveKernels('js');

      expect(Array.from(native.cholesky(new Float64Array([4, 2, 2, 5]), 2))).to.deep.equal([2, 0, 1, 2]);
      expect(calls).to.equal(1);
      // LAPACK's info comes back as a number; the mapping in cholesky.ts makes it the typed error.
      expect(() => native.cholesky(new Float64Array([1, 2, 2, 1]), 2))
        .to.throw(ParameterError, /not symmetric positive definite/)
        .with.property('context')
        .that.deep.includes({ minor: 2 });
      expect(calls).to.equal(2);
      expect(() => native.cholesky(new Float64Array(3), 2)).to.throw(/a has 3 elements/);
      expect(calls).to.equal(2);

      const x = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
      const c = Float64Array.from({ length: 6 }, (_, i) => Math.cos(i));
      const labels = new Int32Array(20), jsLabels = new Int32Array(20);
      expect(native.cluster.kmeansStep(x, 20, 2, c, 3, labels)).to.deep.equal(js.cluster.kmeansStep(x, 20, 2, c, 3, jsLabels));
      expect(labels).to.deep.equal(jsLabels);
    });
  });
});
