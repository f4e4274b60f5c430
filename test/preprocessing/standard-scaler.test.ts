/**
 * StandardScaler: agreement with scikit-learn (test/fixtures/preprocessing.json, made by
 * test/fixtures/gen-preprocessing.py), CSR input, precision of the merged variance, errors, and the
 * conformance suite.
 */
import { expect } from 'chai';
import { NonFiniteError, StandardScaler, array, shutdown } from '../../lib/index.js';
import { checkEstimator } from '../helpers/checkEstimator.js';
import { csrOf, expectClose, expectParameterError, readFixture, thrown } from '../helpers/estimators.js';

interface StandardCase {
  params: { withMean: boolean; withStd: boolean };
  mean: number[] | null;
  var: number[] | null;
  scale: number[] | null;
  nSamplesSeen: number;
  transform: number[][];
  inverse: number[][];
}

interface Fixture {
  dense: { x: number[][]; standard: StandardCase[] };
  csr: { x: number[][]; standard: StandardCase[] };
}

const fx = readFixture<Fixture>('preprocessing.json');
const RTOL = 1e-12;

function expectVector(actual: number[] | null, expected: number[] | null, rtol = RTOL): void {
  if (expected === null) expect(actual).to.equal(null);
  else expectClose([actual as number[]], [expected], rtol);
}

describe('StandardScaler', function () {
  this.timeout(60_000);
  after(() => shutdown());

  for (const bs of [[16, 7], [9, 3]] as const) {
    it(`agrees with scikit-learn on dense data (blocks ${bs[0]} x ${bs[1]})`, async () => {
      const x = array(fx.dense.x, bs);
      for (const c of fx.dense.standard) {
        const s = await new StandardScaler(c.params).fit(x);
        expectVector(s.mean, c.mean);
        expectVector(s.var, c.var, RTOL);
        expectVector(s.scale, c.scale, RTOL);
        expect(s.nSamplesSeen).to.equal(c.nSamplesSeen);
        const t = s.transform(x);
        expect(t.blockSize).to.deep.equal(x.blockSize);
        expectClose(await t.toArray(), c.transform, RTOL);
        expectClose(await s.inverseTransform(t).toArray(), c.inverse, RTOL);
      }
    });
  }

  it('keeps CSR input CSR (withMean false) and agrees with scikit-learn', async () => {
    const x = array(csrOf(fx.csr.x), [8, 4]);
    expect(x.sparse).to.equal(true);
    for (const c of fx.csr.standard) {
      const s = await new StandardScaler(c.params).fit(x);
      expectVector(s.mean, c.mean);
      expectVector(s.var, c.var, RTOL);
      expectVector(s.scale, c.scale, RTOL);
      const t = s.transform(x);
      expect(t.sparse).to.equal(true);
      const csr = await t.collectCsr();
      expect(csr.data.length).to.equal(fx.csr.x.flat().filter((v) => v !== 0).length);
      expectClose(await t.toArray(), c.transform, RTOL);
      expect(s.inverseTransform(t).sparse).to.equal(true);
      expectClose(await s.inverseTransform(t).toArray(), c.inverse, RTOL);
    }
  });

  it('merges the variance of halves stably: a column around 1e8 and a constant log(1e-5) column', async () => {
    const n = 2000;
    const rows = Array.from({ length: n }, (_, i) => [1e8 + (i % 97) / 97, Math.log(1e-5)]);
    const s = await new StandardScaler().fit(array(rows, [n / 2, 2]));
    const col = rows.map((r) => r[0] as number);
    const mean = col.reduce((a, v) => a + v, 0) / n;
    const exact = col.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    expect(Math.abs((s.var?.[0] as number) - exact) / exact).to.be.below(1e-9);
    expect(s.var?.[1]).to.be.below(1e-28);
    expect(s.scale?.[1]).to.equal(1);
    const z = await s.transform(array(rows, [n / 2, 2])).toArray();
    for (const r of z) expect(Math.abs(r[1] as number)).to.be.below(1e-12);
    // The textbook one-pass formula loses this variance entirely: E[x²] - E[x]² ~ 1e16 with 16 digits.
    const naive = col.reduce((a, v) => a + v * v, 0) / n - mean * mean;
    expect(Math.abs(naive - exact) / exact).to.be.above(1e-3);
  });

  it('rejects CSR centring and non-finite values clearly', async () => {
    const x = array(csrOf(fx.csr.x), [8, 4]);
    await expectParameterError(() => new StandardScaler().fit(x), 'x');
    const s = await new StandardScaler({ withMean: false }).fit(x);
    s.setParams({ withMean: true });
    await expectParameterError(() => s.transform(x), 'x');
    const err = await thrown(() => new StandardScaler().fit(array([[1, 2], [3, Number.NaN], [5, 6]], [2, 1])));
    expect(err).to.be.instanceOf(NonFiniteError);
    expect([(err as NonFiniteError).row, (err as NonFiniteError).column]).to.deep.equal([1, 1]);
  });
});

const rows = Array.from({ length: 24 }, (_, i) => [Math.sin(i) * 10, (i % 5) - 2, 1e3 + Math.cos(3 * i), 0.5]);

checkEstimator('StandardScaler', {
  make: (o) => new StandardScaler(o),
  defaults: { withMean: true, withStd: true },
  fitParams: { withMean: true, withStd: true },
  invalid: { withMean: 1, withStd: 'yes' },
  rows,
  blockSizes: [[8, 4], [5, 3]],
});
