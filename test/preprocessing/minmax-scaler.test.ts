/**
 * MinMaxScaler: agreement with scikit-learn (test/fixtures/preprocessing.json, made by
 * test/fixtures/gen-preprocessing.py), errors, and the conformance suite.
 */
import { expect } from 'chai';
import { MinMaxScaler, NonFiniteError, array, shutdown, type MinMaxScalerState } from '../../lib/index.js';
import { checkEstimator } from '../helpers/checkEstimator.js';
import { csrOf, expectClose, expectParameterError, readFixture, thrown } from '../helpers/estimators.js';

/** scikit-learn's fitted attributes (its fixture has no nFeaturesIn), transform and inverse. */
interface MinMaxCase extends Omit<MinMaxScalerState, 'nFeaturesIn'> {
  params: { featureRange: [number, number] };
  transform: number[][];
  inverse: number[][];
}

interface Fixture {
  dense: { x: number[][]; minmax: MinMaxCase[] };
  csr: { x: number[][] };
}

const fx = readFixture<Fixture>('preprocessing.json');
const RTOL = 1e-12;

describe('MinMaxScaler', function () {
  this.timeout(60_000);
  after(() => shutdown());

  for (const bs of [[16, 7], [9, 3]] as const) {
    it(`agrees with scikit-learn on dense data (blocks ${bs[0]} x ${bs[1]})`, async () => {
      const x = array(fx.dense.x, bs);
      for (const c of fx.dense.minmax) {
        const s = await new MinMaxScaler(c.params).fit(x);
        expect(s.dataMin).to.deep.equal(c.dataMin);
        expect(s.dataMax).to.deep.equal(c.dataMax);
        expect(s.dataRange).to.deep.equal(c.dataRange);
        expect(s.scale).to.deep.equal(c.scale);
        expect(s.min).to.deep.equal(c.min);
        expect(s.nSamplesSeen).to.equal(c.nSamplesSeen);
        expectClose(await s.transform(x).toArray(), c.transform, RTOL);
        expectClose(await s.inverseTransform(s.transform(x)).toArray(), c.inverse, RTOL);
      }
    });
  }

  it('rejects CSR input, bad feature ranges and non-finite values clearly', async () => {
    await expectParameterError(() => new MinMaxScaler().fit(array(csrOf(fx.csr.x), [8, 4])), 'x');
    for (const featureRange of [[1, 1], [2, 1], [0], 'x']) await expectParameterError(() => new MinMaxScaler({ featureRange } as never), 'featureRange');
    await expectParameterError(() => new MinMaxScaler({ featureRange: [0, Number.NaN] }), 'featureRange[1]');
    const err = await thrown(() => new MinMaxScaler().fit(array([[1, 2], [3, 4], [Number.POSITIVE_INFINITY, 6]], [2, 1])));
    expect(err).to.be.instanceOf(NonFiniteError);
    expect([(err as NonFiniteError).row, (err as NonFiniteError).column]).to.deep.equal([2, 0]);
  });
});

const rows = Array.from({ length: 24 }, (_, i) => [Math.sin(i) * 10, (i % 5) - 2, 1e3 + Math.cos(3 * i), 0.5]);

checkEstimator('MinMaxScaler', {
  make: (o) => new MinMaxScaler(o),
  defaults: { featureRange: [0, 1] },
  fitParams: { featureRange: [-1, 2] },
  invalid: { featureRange: [3, 1] },
  rows,
  blockSizes: [[8, 4], [5, 3]],
});
