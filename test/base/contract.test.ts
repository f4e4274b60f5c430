/**
 * The estimator contract's shared parts: loadModel by type tag, checkXY, fit options, the default
 * scores (accuracy, R², MSE against values computed by hand), the summing merge and the one tree.
 */
import { expect } from 'chai';
import {
  KMeans,
  accuracyScore,
  array,
  checkFitOptions,
  checkXY,
  loadModel,
  meanSquaredError,
  r2Score,
  shutdown,
  submit,
  sumPartials,
  summing,
  type DsArray,
} from '../../lib/index.js';
import { columnMoments } from '../../lib/dsarray/moments.js';
import { treeReduce, treeReduceValue } from '../../lib/dsarray/tree.js';
import { get } from '../../lib/runtime/index.js';
import { expectParameterError } from '../helpers/estimators.js';

const col = (v: number[], br: number): DsArray => array(v.map((x) => [x]), [br, 1]);

describe('estimator contract', function () {
  this.timeout(60_000);
  after(() => shutdown());

  it('loadModel restores the class named in a saved model', async () => {
    const km = await new KMeans({ nClusters: 1, init: [[0, 0]] }).fit(array([[1, 2], [3, 4]], [1, 2]));
    const loaded = loadModel(JSON.stringify(km));
    expect(loaded).to.be.instanceOf(KMeans);
    expect((loaded as KMeans).clusterCenters).to.deep.equal([[2, 3]]);
    expect(loaded.estimatorKind).to.equal('clusterer');
    await expectParameterError(() => loadModel({ ...km.toJSON(), estimator: 'Nope' }), 'json.estimator');
    await expectParameterError(() => loadModel('{'), 'json');
    await expectParameterError(() => loadModel({ ...km.toJSON(), state: { ...km.toJSON().state, extra: 1 } }), 'state.extra');
    await expectParameterError(() => loadModel({ ...km.toJSON(), state: { ...km.toJSON().state, nIter: 0 } }), 'state.nIter');
  });

  it('checkXY accepts a one-column DsArray blocked like x or a 1-D array, and names what is wrong', async () => {
    const x = array([[1], [2], [3]], [2, 1]);
    const { y } = checkXY(x, [5, 6, 7]);
    expect(y.blockSize).to.deep.equal([2, 1]);
    expect(await y.toArray()).to.deep.equal([[5], [6], [7]]);
    expect(checkXY(x, col([1, 2, 3], 2)).y.shape).to.deep.equal([3, 1]);
    await expectParameterError(() => checkXY(x, [1, 2]), 'y');
    await expectParameterError(() => checkXY(x, [1, Number.NaN, 2]), 'y[1]');
    await expectParameterError(() => checkXY(x, col([1, 2, 3], 1)), 'y');
    await expectParameterError(() => checkXY(x, array([[1, 1], [2, 2], [3, 3]], [2, 2])), 'y');
    await expectParameterError(() => checkXY([[1]], [1]), 'x');
  });

  it('checks fit options: arity and onProgress, nothing else', async () => {
    expect(checkFitOptions(undefined).arity).to.equal(50);
    expect(checkFitOptions({ arity: 3 }).arity).to.equal(3);
    await expectParameterError(() => checkFitOptions({ arity: 1 }), 'arity');
    await expectParameterError(() => checkFitOptions({ onProgress: 1 }), 'onProgress');
    await expectParameterError(() => checkFitOptions({ nClusters: 2 }), 'nClusters');
  });

  it('scores accuracy, R² and MSE as scikit-learn', async () => {
    const yTrue = [3, -0.5, 2, 7, 4];
    const yPred = col([2.5, 0, 2, 8, 4], 2);
    expect(await accuracyScore(yTrue, yPred)).to.equal(0.4);
    const mean = yTrue.reduce((s, v) => s + v, 0) / 5;
    const total = yTrue.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(await r2Score(yTrue, yPred)).to.be.closeTo(1 - 1.5 / total, 1e-15);
    expect(await meanSquaredError(yTrue, yPred)).to.be.closeTo(0.3, 1e-15);
    expect(await r2Score([1, 1], col([1, 1], 1))).to.equal(1);
    expect(await r2Score([1, 1], col([1, 2], 1))).to.equal(0);
  });

  it('sums partials field by field, merging moments by Chan', () => {
    const a = { n: 1, v: Float64Array.of(1, 2), m: columnMoments({ kind: 'dense', rows: 2, cols: 1, data: Float64Array.of(1, 3) }), z: null };
    const b = { n: 2, v: Float64Array.of(10, 20), m: columnMoments({ kind: 'dense', rows: 1, cols: 1, data: Float64Array.of(5) }), z: null };
    const s = sumPartials([a, b]);
    expect(s.n).to.equal(3);
    expect([...s.v]).to.deep.equal([11, 22]);
    expect(s.m.n).to.equal(3);
    expect(s.m.mean[0]).to.equal(3);
    expect(s.m.m2[0]).to.equal(8);
    expect(s.z).to.equal(null);
  });

  it('reduces in the same tree on a worker and here', async () => {
    const items = () => Array.from({ length: 11 }, (_, i) => submit(sumTask(), [[0.1 * i, 0.2]]));
    const remote = await get(treeReduce(items(), sumTask(), { arity: 3 }));
    const local = await treeReduceValue(items(), sumTask(), { arity: 3 });
    expect(remote).to.equal(local);
  });
});

function sumTask(): ReturnType<typeof summing<number>> {
  return summing<number>();
}
