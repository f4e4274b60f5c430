/**
 * Creation routines, fromBlocks and the counter-based random generator.
 */
import { expect } from 'chai';
import ndarray from 'ndarray';
import { DsArray, array, eye, full, identity, randomArray, zeros, type DType } from '../../lib/dsarray/index.js';
import { philox } from '../../lib/kernels/js/random.js';
import { ParameterError, ShapeError } from '../../lib/errors.js';
import { init, shutdown, submit } from '../../lib/runtime/index.js';
import { putTask } from '../../lib/dsarray/tasks.js';
import { expectClose } from './helpers.js';

function hex(words: Uint32Array): string[] {
  return [...words].map((w) => w.toString(16).padStart(8, '0'));
}

describe('ds-array creation', function () {
  this.timeout(120_000);
  after(async () => {
    await shutdown();
  });

  it('Philox4x32-10 matches the Random123 known-answer vectors', () => {
    const w = new Uint32Array(4);
    philox(0, 0, 0, 0, 0, 0, w);
    expect(hex(w)).to.deep.equal(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, w);
    expect(hex(w)).to.deep.equal(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, w);
    expect(hex(w)).to.deep.equal(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('array() copies nested rows, ndarrays and flat buffers into blocks', async () => {
    const rows = [[1, 2, 3], [4, 5, 6]];
    const a = array(rows, [1, 2]);
    expect(a.nBlocks).to.deep.equal([2, 2]);
    expect(a.dtype).to.equal('float64');
    expect(await a.toArray()).to.deep.equal(rows);
    // A transposed ndarray view: strides must be honoured.
    const nd = ndarray(new Float64Array([1, 4, 2, 5, 3, 6]), [3, 2]).transpose(1, 0);
    expect(await array(nd, [2, 2]).toArray()).to.deep.equal(rows);
    const f32 = array({ data: new Float32Array([1.5, 2, 3, 4, 5, 6]), shape: [3, 2] }, [2, 1]);
    expect(f32.dtype).to.equal('float32');
    expect(await f32.toArray()).to.deep.equal([[1.5, 2], [3, 4], [5, 6]]);
    expect(await array({ data: [0.1, 0.2], shape: [1, 2] }, [1, 1], { dtype: 'float32' }).toArray()).to.deep.equal([[Math.fround(0.1), Math.fround(0.2)]]);
  });

  it('array() builds sparse arrays from dense data or CSR input', async () => {
    const csr = { indptr: [0, 2, 2, 3], indices: [0, 3, 1], data: [7, -1, 2.5], shape: [3, 4] as [number, number] };
    const s = array(csr, [2, 3]);
    expect(s.sparse).to.equal(true);
    expect(await s.toArray()).to.deep.equal([[7, 0, 0, -1], [0, 0, 0, 0], [0, 2.5, 0, 0]]);
    const back = await s.collectCsr();
    expect([...back.indptr]).to.deep.equal(csr.indptr);
    expect([...back.indices]).to.deep.equal(csr.indices);
    expect([...back.data]).to.deep.equal(csr.data);
    const dense = array(csr, [2, 3], { sparse: false });
    expect(dense.sparse).to.equal(false);
    expect(await dense.toArray()).to.deep.equal(await s.toArray());
    const fromRows = array([[0, 1], [2, 0]], [1, 1], { sparse: true });
    expect((await fromRows.collectCsr()).indices).to.deep.equal(Int32Array.from([1, 0]));
  });

  it('rejects ragged rows, bad block sizes, dtypes and CSR structures', () => {
    expect(() => array([[1, 2], [3]], [1, 1])).to.throw(ShapeError, /row 1 has 1 values, expected 2/);
    expect(() => array([[1, 2]], [0, 1])).to.throw(ParameterError, /blockSize/);
    expect(() => array([1, 2] as unknown as number[][], [1, 1])).to.throw(ParameterError, /wrap a 1-D list/);
    expect(() => array([[1, 2]], [1, 1], { dtype: 'int8' as DType })).to.throw(ParameterError, /dtype/);
    expect(() => array({ data: [1, 2, 3], shape: [2, 2] }, [1, 1])).to.throw(ShapeError, /3 values/);
    expect(() => array({ indptr: [0, 1], indices: [5], data: [1], shape: [1, 3] }, [1, 1])).to.throw(ParameterError, /column indices/);
  });

  it('fromBlocks checks the grid against the shape and block size', () => {
    const b = submit(putTask, [{ kind: 'dense', rows: 1, cols: 1, data: new Float64Array([1]) }]);
    expect(DsArray.fromBlocks([[b]], [1, 1], [5, 5]).blockSize).to.deep.equal([1, 1]);
    expect(() => DsArray.fromBlocks([[b]], [2, 1], [1, 1])).to.throw(ShapeError, /2 x 1 grid/);
    expect(() => DsArray.fromBlocks([[b, b], [b]], [2, 2], [1, 1])).to.throw(ShapeError);
  });

  it('collect() reports a block of the wrong shape', async () => {
    const b = submit(putTask, [{ kind: 'dense', rows: 2, cols: 1, data: new Float64Array([1, 2]) }]);
    const x = DsArray.fromBlocks([[b]], [1, 1], [1, 1]);
    let err: unknown;
    await x.collect().catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ShapeError);
    expect((err as Error).message).to.match(/block \(0, 0\) is 2 x 1, expected 1 x 1/);
  });

  it('zeros, full, eye and identity are generated on the workers', async () => {
    const z = zeros([3, 4], [2, 3], { dtype: 'float32' });
    expect(z.nBlocks).to.deep.equal([2, 2]);
    expect((await z.collect()).data).to.be.instanceOf(Float32Array);
    expect(await z.toArray()).to.deep.equal([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(await full([2, 3], [1, 2], -2.5).toArray()).to.deep.equal([[-2.5, -2.5, -2.5], [-2.5, -2.5, -2.5]]);
    const ref = (n: number, m: number, k: number) => Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (j - i === k ? 1 : 0)));
    for (const [n, m, k, bs] of [[4, 6, 0, [3, 4]], [5, 3, -2, [2, 2]], [3, 7, 3, [1, 1]], [2, 2, 5, [4, 4]]] as [number, number, number, [number, number]][]) {
      expect(await eye(n, m, bs, { k }).toArray()).to.deep.equal(ref(n, m, k));
      const s = eye(n, m, bs, { k, sparse: true });
      expect(s.sparse).to.equal(true);
      expect(await s.toArray()).to.deep.equal(ref(n, m, k));
    }
    expect(await identity(3, [2, 2]).toArray()).to.deep.equal(ref(3, 3, 0));
    expect(await zeros([2, 2], [1, 1], { sparse: true }).collectCsr().then((c) => c.indices.length)).to.equal(0);
    expect(() => full([2, 2], [1, 1], 1, { sparse: true })).to.throw(ParameterError, /only be filled with 0/);
    expect(() => eye(2, 2, [1, 1], { k: 0.5 })).to.throw(ParameterError, /k/);
  });

  describe('randomArray', () => {
    it('gives the same values for the same seed whatever the block size', async () => {
      const a = await randomArray([13, 9], [4, 5], { seed: 7 }).toArray();
      const b = await randomArray([13, 9], [1, 1], { seed: 7 }).toArray();
      const c = await randomArray([13, 9], [20, 20], { seed: 7, recomputeOnly: true }).toArray();
      expect(b).to.deep.equal(a);
      expect(c).to.deep.equal(a);
      const other = await randomArray([13, 9], [4, 5], { seed: 8 }).toArray();
      expect(other.flat().filter((v, k) => v === a.flat()[k]).length).to.equal(0);
      // A top-left window of a larger array is the smaller array: element (r, c) depends only on (seed, r, c).
      const big = await randomArray([20, 20], [6, 7], { seed: 7 }).slice({ rows: [0, 13], cols: [0, 9] }).toArray();
      expect(big).to.deep.equal(a);
    });

    it('is uniform on [0, 1) in float64 and float32', async () => {
      for (const dtype of ['float64', 'float32'] as DType[]) {
        const x = randomArray([200, 50], [64, 16], { seed: 123, dtype });
        const values = (await x.collect()).data;
        expect(values).to.be.instanceOf(dtype === 'float32' ? Float32Array : Float64Array);
        let [lo, hi, sum] = [Infinity, -Infinity, 0];
        for (const v of values) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          sum += v;
        }
        expect(lo).to.be.at.least(0);
        expect(hi).to.be.below(1);
        // 10,000 uniforms: the mean is 0.5 with standard deviation 0.0029.
        expect(sum / values.length).to.be.closeTo(0.5, 0.015);
        expect(new Set(values).size).to.be.above(9900);
      }
    });

    it('rejects a bad seed', () => {
      expect(() => randomArray([2, 2], [1, 1], { seed: -1 })).to.throw(ParameterError, /seed/);
      expect(() => randomArray([2, 2], [1, 1], { seed: 1.5 })).to.throw(ParameterError, /seed/);
    });

    it('is identical with 1, 2 and 4 workers, and so are its reductions and products', async () => {
      const results: { values: number[][]; sum: number[][]; total: number; gram: number[][] }[] = [];
      for (const workers of [1, 2, 4]) {
        await shutdown();
        await init({ workers });
        const x = randomArray([300, 40], [25, 15], { seed: 2024 });
        const gram = await x.matmul(x, { transposeA: true }).toArray();
        results.push({ values: await x.toArray(), sum: await x.sum(0).toArray(), total: await x.sum().item(), gram });
      }
      await shutdown();
      const [first, ...rest] = results;
      for (const r of rest) {
        expect(r.values).to.deep.equal(first?.values);
        expect(r.sum).to.deep.equal(first?.sum);
        expect(Object.is(r.total, first?.total)).to.equal(true);
        expect(r.gram).to.deep.equal(first?.gram);
      }
      expectClose(first?.sum ?? [], [Array.from({ length: 40 }, (_, j) => (first?.values ?? []).reduce((s, row) => s + (row[j] as number), 0))], 1e-12);
    });
  });
});
