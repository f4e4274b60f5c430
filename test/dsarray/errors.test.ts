/**
 * Typed errors of ds-array operations: shape mismatches and bad arguments are raised at call time;
 * operations that make no sense on sparse arrays say so.
 */
import { expect } from 'chai';
import { DsArray, SparseUnsupportedError, applyAlongAxis, array, concatColumns, concatRows, matmul } from '../../lib/dsarray/index.js';
import { ParameterError, ShapeError, TaskFailedError } from '../../lib/errors.js';
import { init, shutdown } from '../../lib/runtime/index.js';
import { expectClose, matmulM, testMatrix } from './helpers.js';
import { taskModuleUrl, wrongLength } from './tasks.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('ds-array errors and edge cases', function () {
  this.timeout(120_000);
  before(async () => {
    await init({ taskModules: [taskModuleUrl] });
  });
  after(async () => {
    await shutdown();
  });

  const x = () => array(testMatrix(5, 7, 1, 'float64'), [2, 3]);

  it('raises ShapeError at call time for operands that do not fit', () => {
    const a = x();
    expect(() => a.add(array(testMatrix(4, 7, 2, 'float64'), [2, 3]))).to.throw(ShapeError, /5 x 7 and 4 x 7 do not broadcast/);
    expect(() => a.mul(array(testMatrix(1, 6, 2, 'float64'), [1, 3]))).to.throw(ShapeError, /dimension 1/);
    expect(() => matmul(a, a)).to.throw(ShapeError, /op\(a\) is 5 x 7 but op\(b\) is 5 x 7/);
    expect(() => a.matmul(a, { transposeA: true, transposeB: true })).to.throw(ShapeError);
    expect(() => concatRows([a, a.transpose()])).to.throw(ShapeError, /array 1 has shape 7 x 5/);
    expect(() => concatColumns([a, a.slice({ rows: [0, 2] })])).to.throw(ShapeError, /expected rows = 5/);
    expect(() => a.slice({ rows: [2, 2] }).sum()).to.throw(ShapeError, /empty/);
  });

  it('raises ParameterError for bad indices, ranges, axes and arguments', async () => {
    const a = x();
    expect(await rejection(a.get(5, 0))).to.be.instanceOf(ParameterError);
    expect(((await rejection(a.get(0, -8))) as Error).message).to.match(/j: index -8 is out of range for a dimension of length 7/);
    expect(await rejection(a.item())).to.be.instanceOf(ShapeError);
    expect(() => a.rows([0, 5])).to.throw(ParameterError, /rows.indices\[1\]: index 5/);
    expect(() => a.slice({ cols: { step: 0 } })).to.throw(ParameterError, /step/);
    expect(() => a.slice({ rows: [1, 2, 3] as unknown as [number, number] })).to.throw(ParameterError, /\{ indices/);
    expect(() => a.slice({ rows: 1.5 })).to.throw(ParameterError, /integer/);
    expect(() => a.sum(2 as 0)).to.throw(ParameterError, /axis/);
    expect(() => a.rechunk([0, 1])).to.throw(ParameterError, /blockSize/);
    expect(() => a.add('1' as unknown as number)).to.throw(ParameterError);
    expect(() => a.astype('int32' as 'float32')).to.throw(ParameterError, /dtype/);
    const notRegistered = { name: 'test.nope', nReturns: 1, options: {}, fn: () => 0 };
    expect(() => applyAlongAxis(notRegistered as never, 0, a)).to.throw(ParameterError, /defineTask/);
    expect(() => concatRows([])).to.throw(ParameterError);
  });

  it('raises SparseUnsupportedError for operations that would fill the implicit zeros', () => {
    const s = x().toSparse();
    expect(() => s.exp()).to.throw(SparseUnsupportedError, /exp is not supported on sparse ds-arrays: it maps the implicit zeros to 1/);
    expect(() => s.log()).to.throw(SparseUnsupportedError);
    expect(() => s.add(1)).to.throw(SparseUnsupportedError);
    expect(() => s.pow(0)).to.throw(SparseUnsupportedError);
    expect(() => s.div(0)).to.throw(SparseUnsupportedError, /NaN/);
    expect(() => s.add(x())).to.throw(SparseUnsupportedError, /mixed/);
    expect(() => s.div(s)).to.throw(SparseUnsupportedError);
    expect(() => s.mul(s.slice({ rows: [0, 1] }))).to.throw(SparseUnsupportedError, /broadcasting/);
    expect(s.add(0).sparse).to.equal(true);
  });

  it('reports an applyAlongAxis task that returns the wrong number of values', async () => {
    const err = await rejection(applyAlongAxis(wrongLength, 1, x()).collect());
    expect(err).to.be.instanceOf(TaskFailedError);
    expect((err as Error).message).to.match(/returned 13 values for a slab of 2 x 7 along axis 1, expected 2/);
  });

  it('multiplies along an inner dimension of many blocks through the reduction tree', async () => {
    const aData = testMatrix(3, 41, 3, 'float64');
    const bData = testMatrix(41, 2, 4, 'float64');
    const p = matmul(array(aData, [2, 1]), array(bData, [3, 2]));
    expectClose(await p.toArray(), matmulM(aData, bData), 1e-12);
  });

  it('keeps a source block unchanged when slicing or rechunking along block boundaries', () => {
    const a = x();
    const same = a.rechunk([2, 3]);
    expect(same.blocks.flat().every((f, k) => f === a.blocks.flat()[k])).to.equal(true);
    const rows = a.slice({ rows: [2, 5] });
    expect(rows.blocks[0]?.[0]).to.equal(a.blocks[1]?.[0]);
    expect(DsArray.fromBlocks(a.blocks, a.shape, a.blockSize).blocks[0]?.[1]).to.equal(a.blocks[0]?.[1]);
  });
});
