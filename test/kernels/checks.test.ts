/** Each kernel's argument checks (its file in lib/kernels) run once, in the registry, in front of every backend. */
import { expect } from 'chai';
import { DislibError, ParameterError } from '../../lib/errors.js';
import '../../lib/kernels/index.js'; // registers the backends
import { contractKernels, registeredBackends, resolveKernels } from '../../lib/kernels/registry.js';

/** A call of each kernel (by its path in the contract) with one argument wrong, and the parameter the error must name. */
const badCalls: Record<string, [unknown[], string]> = {
  gemm: [[false, false, 2, 2, 2, 1, new Float64Array(4), new Float64Array(4), 0, [0, 0, 0, 0]], 'c'],
  rowSqNorms: [[new Float64Array(4), 2, -2], 'd'],
  'cluster.kmeansStep': [[new Float64Array(4), 2, 2, new Float64Array(4), 2, new Uint32Array(2)], 'labels'],
  pairwiseSqDist: [[new Float64Array(4), 2, new Float32Array(4), 2, 2], 'x, y'],
  qr: [[new Float64Array([1, NaN]), 2, 1], 'a'],
  svd: [[new Float32Array(4), 2, 2], 'a'],
  eigh: [[new Float64Array(4), 2.5], 'n'],
  cholesky: [[new Float64Array([4, NaN, NaN, 4]), 2], 'a'],
  lstsq: [[new Float64Array(4), 2, 2, new Float64Array([1, Infinity]), 1], 'b'],
  parseCsv: [[new Uint8Array(4), 0, 4, 48], 'delimiter'],
  uniformFill: [[1, -1, 0, 1, 1, new Float64Array(1)], 'row0'],
};

describe('kernel argument checks: one place for every backend', () => {
  it('every kernel of the contract has a case here', () => {
    expect(Object.keys(badCalls).sort()).to.deep.equal(contractKernels().map(([path]) => path).sort());
    expect(registeredBackends()).to.include('js');
  });

  for (const backend of registeredBackends()) {
    const kern = resolveKernels(backend);
    it(`${backend}: a wrong argument of every kernel is a ParameterError naming it, before any work`, () => {
      for (const [name, [args, parameter]] of Object.entries(badCalls)) {
        const kernel = name.split('.').reduce<unknown>((ns, key) => (ns as Record<string, unknown>)[key], kern) as (...a: unknown[]) => unknown;
        const call = (): unknown => kernel(...args);
        expect(call, name).to.throw(ParameterError).with.property('context').that.deep.includes({ parameter });
      }
    });
  }

  it('both backends give the same error for the same mistake (cholesky of a matrix holding NaN included)', () => {
    const messages = registeredBackends().map((b) => {
      try {
        resolveKernels(b).cholesky(new Float64Array([4, NaN, NaN, 4]), 2);
      } catch (err) {
        return err instanceof DislibError ? `${err.name}: ${err.message}` : String(err);
      }
      return 'no error';
    });
    expect(new Set(messages).size).to.equal(1);
    expect(messages[0]).to.match(/ParameterError: .*NaN or Infinity/);
  });
});
