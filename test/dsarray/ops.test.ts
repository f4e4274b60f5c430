/**
 * Every lazy ds-array operation equals the same operation computed with plain loops on the collected
 * matrix, for irregular shapes and blockings, dense and sparse, float32 and float64.
 */
import { expect } from 'chai';
import { applyAlongAxis, array, concatColumns, concatRows, matmul, type DType, type DsArray } from '../../lib/dsarray/index.js';
import { init, shutdown } from '../../lib/runtime/index.js';
import { expectClose, mapM, matmulM, reduceM, round, testMatrix, transposeM, type Mat } from './helpers.js';
import { rangeAlong, taskModuleUrl } from './tasks.js';

/** [shape, blockSize]: 1x1 blocks, blocks larger than the array, remainders, single row/column. */
const CASES: [[number, number], [number, number]][] = [
  [[1, 1], [1, 1]],
  [[1, 7], [1, 3]],
  [[7, 1], [2, 1]],
  [[5, 7], [2, 3]],
  [[5, 7], [10, 10]],
  [[6, 6], [3, 3]],
  [[5, 7], [1, 1]],
];

/** Indices python's range(start, stop, step) yields (the reference for stepped slices). */
function pyRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function pick(a: Mat, rows: number[], cols: number[]): Mat {
  return rows.map((i) => cols.map((j) => (a[i] as number[])[j] as number));
}

describe('DsArray operations', function () {
  this.timeout(300_000);
  before(async () => {
    await init({ taskModules: [taskModuleUrl] });
  });
  after(async () => {
    await shutdown();
  });

  for (const [[n, m], bs] of CASES) {
    for (const dtype of ['float64', 'float32'] as DType[]) {
      for (const sparse of [false, true]) {
        describe(`${n} x ${m} in ${bs.join(' x ')} blocks, ${dtype}${sparse ? ', sparse' : ''}`, () => {
          const r = round(dtype);
          const tol = dtype === 'float32' ? 1e-6 : 1e-12;
          const data = testMatrix(n, m, n * 31 + m * 7 + bs[0], dtype, sparse ? 0.5 : 0.1);
          const all = (k: number) => Array.from({ length: k }, (_, i) => i);
          let x: DsArray;
          before(() => {
            x = array(data, bs, { dtype, sparse });
          });

          it('collects with its shape, grid, dtype and sparsity', async () => {
            expect(x.shape).to.deep.equal([n, m]);
            expect(x.nBlocks).to.deep.equal([Math.ceil(n / Math.min(bs[0], n)), Math.ceil(m / Math.min(bs[1], m))]);
            expect(x.sparse).to.equal(sparse);
            const c = await x.collect();
            expect(c.shape).to.deep.equal([n, m]);
            expect(c.data).to.be.instanceOf(dtype === 'float32' ? Float32Array : Float64Array);
            expectClose(await x.toArray(), data);
            const csr = await x.collectCsr();
            expect(csr.indptr[n]).to.equal(data.flat().filter((v) => v !== 0).length);
          });

          it('iterates over row blocks and column blocks that share its blocks', async () => {
            const br = Math.min(bs[0], n);
            const bc = Math.min(bs[1], m);
            let r0 = 0;
            for (const rb of x.rowBlocks()) {
              expect(rb.nBlocks).to.deep.equal([1, x.nBlocks[1]]);
              expect(rb.blocks[0]?.[0]).to.equal(x.blocks[r0 / br]?.[0]);
              expectClose(await rb.toArray(), data.slice(r0, r0 + rb.shape[0]));
              r0 += rb.shape[0];
            }
            expect(r0).to.equal(n);
            let c0 = 0;
            for (const cb of x.colBlocks()) {
              expect(cb.nBlocks).to.deep.equal([x.nBlocks[0], 1]);
              expectClose(await cb.toArray(), data.map((row) => row.slice(c0, c0 + cb.shape[1])));
              c0 += cb.shape[1];
            }
            expect(c0).to.equal(m);
            expect(x.blockCols(x.nBlocks[1] - 1)).to.equal(m - (x.nBlocks[1] - 1) * bc);
          });

          it('reads elements, negative indices counting from the end', async () => {
            expect(await x.get(0, 0)).to.equal(data[0]?.[0]);
            expect(await x.get(n - 1, m - 1)).to.equal(data[n - 1]?.[m - 1]);
            expect(await x.get(-1, -m)).to.equal(data[n - 1]?.[0]);
            expect(await x.get(Math.floor(n / 2), -1)).to.equal(data[Math.floor(n / 2)]?.[m - 1]);
          });

          it('slices by ranges, steps, index lists and single indices', async () => {
            const a = x.slice({ rows: [1, n], cols: [Math.floor(m / 2), m + 5] });
            expect(a.sparse).to.equal(sparse);
            expectClose(await a.toArray(), pick(data, pyRange(1, n, 1), pyRange(Math.floor(m / 2), m, 1)));
            const b = x.slice({ rows: { start: -1, step: -2 }, cols: { start: 0, step: 2 } });
            expectClose(await b.toArray(), pick(data, pyRange(n - 1, -1, -2), pyRange(0, m, 2)));
            const rowList = [n - 1, 0, n - 1, Math.floor(n / 2)];
            expectClose(await x.rows(rowList).toArray(), pick(data, rowList, all(m)));
            const colList = [m - 1, -1, 0];
            expectClose(await x.cols(colList).toArray(), pick(data, all(n), [m - 1, m - 1, 0]));
            expectClose(await x.slice({ rows: -1 }).toArray(), pick(data, [n - 1], all(m)));
            const empty = x.slice({ rows: [1, 1] });
            expect(empty.shape).to.deep.equal([0, m]);
            expect(await empty.toArray()).to.deep.equal([]);
          });

          it('transposes', async () => {
            const t = x.transpose();
            expect(t.shape).to.deep.equal([m, n]);
            expectClose(await t.toArray(), transposeM(data));
            expectClose(await t.transpose().toArray(), data);
          });

          it('applies scalar operations and elementwise functions', async () => {
            expectClose(await x.mul(-2.5).toArray(), mapM(data, (v) => r(v * -2.5)), 0, 'mul');
            expectClose(await x.div(3).toArray(), mapM(data, (v) => r(v / 3)), 0, 'div');
            expectClose(await x.pow(2).toArray(), mapM(data, (v) => r(v ** 2)), 0, 'pow');
            expectClose(await x.abs().sqrt().toArray(), mapM(data, (v) => r(Math.sqrt(Math.abs(v)))), 0, 'sqrt');
            expectClose(await x.neg().toArray(), mapM(data, (v) => -v), 0, 'neg');
            expectClose(await x.sqrt().toArray(), mapM(data, (v) => r(Math.sqrt(v))), 0, 'sqrt of negatives');
            if (!sparse) {
              expectClose(await x.add(1.5).sub(0.25).toArray(), mapM(data, (v) => r(r(v + 1.5) - 0.25)), 0, 'add/sub');
              expectClose(await x.exp().toArray(), mapM(data, (v) => r(Math.exp(v))), 0, 'exp');
              expectClose(await x.abs().log().toArray(), mapM(data, (v) => r(Math.log(Math.abs(v)))), 0, 'log');
            }
          });

          it('combines with same-shape arrays of another blocking and dtype', async () => {
            const other = testMatrix(n, m, 99, 'float64', sparse ? 0.5 : 0);
            const y = array(other, [Math.max(1, bs[0] - 1), bs[1] + 1], { sparse });
            expect(x.add(y).dtype).to.equal('float64');
            expectClose(await x.add(y).toArray(), mapM(data, (v, i, j) => v + (other[i]?.[j] as number)), 0, 'add');
            expectClose(await x.sub(y).toArray(), mapM(data, (v, i, j) => v - (other[i]?.[j] as number)), 0, 'sub');
            expectClose(await x.mul(y).toArray(), mapM(data, (v, i, j) => v * (other[i]?.[j] as number)), 0, 'mul');
            const same = x.mul(x);
            expect(same.dtype).to.equal(dtype);
            expectClose(await same.toArray(), mapM(data, (v) => r(v * v)), 0, 'x * x');
            if (!sparse) {
              expectClose(await x.div(y).toArray(), mapM(data, (v, i, j) => v / (other[i]?.[j] as number)), 0, 'div');
            }
          });

          if (!sparse) {
            it('broadcasts rows, columns and 1 x 1 arrays on either side', async () => {
              const rowData = testMatrix(1, m, 5, dtype);
              const colData = testMatrix(n, 1, 6, dtype);
              const row = array(rowData, [1, 2], { dtype });
              const col = array(colData, [3, 1], { dtype });
              const one = array([[r(0.75)]], [1, 1], { dtype });
              expectClose(await x.sub(row).toArray(), mapM(data, (v, _i, j) => r(v - (rowData[0]?.[j] as number))), 0, 'x - row');
              expectClose(await row.sub(x).toArray(), mapM(data, (v, _i, j) => r((rowData[0]?.[j] as number) - v)), 0, 'row - x');
              expectClose(await x.div(col).toArray(), mapM(data, (v, i) => r(v / (colData[i]?.[0] as number))), 0, 'x / col');
              expectClose(await x.mul(one).toArray(), mapM(data, (v) => r(v * 0.75)), 0, 'x * 1x1');
              expectClose(await col.add(row).toArray(), mapM(data, (_v, i, j) => r((colData[i]?.[0] as number) + (rowData[0]?.[j] as number))), 0, 'col + row');
            });
          }

          for (const op of ['sum', 'mean', 'min', 'max', 'norm'] as const) {
            it(`reduces with ${op} along axis 0, axis 1 and over all elements`, async () => {
              for (const axis of [0, 1, undefined] as const) {
                const res = x[op](axis);
                expect(res.sparse).to.equal(false);
                expect(res.dtype).to.equal(dtype);
                expect(res.shape).to.deep.equal(axis === 0 ? [1, m] : axis === 1 ? [n, 1] : [1, 1]);
                expectClose(await res.toArray(), mapM(reduceM(data, op, axis), r), tol, `${op} axis ${String(axis)}`);
              }
              expect(await x[op]().item()).to.be.closeTo(r(reduceM(data, op, undefined)[0]?.[0] as number), 1e-5 * Math.max(1, Math.abs(reduceM(data, op, undefined)[0]?.[0] as number)));
            });
          }

          it('rechunks, concatenates and copies', async () => {
            for (const b of [[1, 1], [2, 5], [n, m], [n + 3, 1]] as [number, number][]) {
              const y = x.rechunk(b);
              expect(y.blockSize).to.deep.equal([Math.min(b[0], n), Math.min(b[1], m)]);
              expectClose(await y.toArray(), data, 0, `rechunk ${b.join('x')}`);
            }
            const head = x.slice({ rows: [0, 1] });
            expectClose(await concatRows([x, head, x.rechunk([1, 2])]).toArray(), [...data, ...pick(data, [0], all(m)), ...data], 0, 'concatRows');
            const cols = concatColumns([x.slice({ cols: [1, m] }), x]);
            expect(cols.shape).to.deep.equal([n, 2 * m - 1]);
            expectClose(await cols.toArray(), data.map((row) => [...row.slice(1), ...row]), 0, 'concatColumns');
            const c = x.copy();
            expect(c.blocks.flat().every((f, k) => f !== x.blocks.flat()[k])).to.equal(true);
            expectClose(await c.toArray(), data);
          });

          it('converts between dense and sparse and between dtypes', async () => {
            const flipped = sparse ? x.toDense() : x.toSparse();
            expect(flipped.sparse).to.equal(!sparse);
            expectClose(await flipped.toArray(), data);
            const other = x.astype(dtype === 'float32' ? 'float64' : 'float32');
            expect((await other.collect()).data).to.be.instanceOf(dtype === 'float32' ? Float64Array : Float32Array);
            expectClose(await other.toArray(), mapM(data, Math.fround));
          });

          it('multiplies matrices with and without transposes, sparse and dense operands', async () => {
            const mtol = dtype === 'float32' ? 1e-5 : 1e-12;
            for (const ySparse of sparse ? [true, false] : [false]) {
              const yData = testMatrix(m, 3, 11, dtype, ySparse ? 0.5 : 0);
              // Inner block sizes both matching x's and not (then y is rechunked).
              for (const yBs of [[bs[1], 2], [2, 1]] as [number, number][]) {
                const y = array(yData, yBs, { dtype, sparse: ySparse });
                const p = x.matmul(y);
                expect(p.shape).to.deep.equal([n, 3]);
                expect(p.sparse).to.equal(sparse && ySparse);
                expect(p.dtype).to.equal(dtype);
                expectClose(await p.toArray(), mapM(matmulM(data, yData), r), mtol, `x @ y (${yBs.join('x')})`);
                const yT = array(transposeM(yData), [2, Math.max(1, yBs[0])], { dtype, sparse: ySparse });
                expectClose(await matmul(x, yT, { transposeB: true }).toArray(), mapM(matmulM(data, yData), r), mtol, 'x @ yT.T');
                expectClose(await matmul(y, x, { transposeA: true, transposeB: true }).toArray(), mapM(transposeM(matmulM(data, yData)), r), mtol, 'y.T @ x.T');
              }
            }
            expectClose(await matmul(x, x, { transposeA: true }).toArray(), mapM(matmulM(transposeM(data), data), r), mtol, 'x.T @ x');
            expectClose(await matmul(x, x, { transposeB: true }).toArray(), mapM(matmulM(data, transposeM(data)), r), mtol, 'x @ x.T');
          });

          it('applies a registered task along each axis', async () => {
            const along = (a: Mat, offset: number) => a.map((v) => r(Math.max(...v) - Math.min(...v) + offset));
            const a0 = applyAlongAxis(rangeAlong, 0, x, 0.5);
            expect(a0.shape).to.deep.equal([1, m]);
            expectClose(await a0.toArray(), [along(transposeM(data), 0.5)], 0, 'axis 0');
            const a1 = applyAlongAxis(rangeAlong, 1, x, 2);
            expect(a1.shape).to.deep.equal([n, 1]);
            expectClose(await a1.toArray(), transposeM([along(data, 2)]), 0, 'axis 1');
          });
        });
      }
    }
  }

  it('matches plain loops on 40 random shapes, blockings and selections (seeded)', async () => {
    let seed = 12345;
    const rnd = (k: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 4294967296) * k);
    };
    for (let t = 0; t < 40; t++) {
      const [n, m] = [1 + rnd(9), 1 + rnd(9)];
      const sparse = rnd(2) === 1;
      const data = testMatrix(n, m, t + 1, 'float64', sparse ? 0.6 : 0);
      const x = array(data, [1 + rnd(n + 1), 1 + rnd(m + 1)], { sparse });
      const rows = Array.from({ length: 1 + rnd(2 * n) }, () => rnd(n));
      const step = (rnd(2) === 1 ? 1 : -1) * (1 + rnd(3));
      const cols = step > 0 ? pyRange(0, m, step) : pyRange(m - 1, -1, step);
      const y = x.slice({ rows: { indices: rows.map((i) => (rnd(2) === 1 ? i - n : i)) }, cols: { step } });
      expectClose(await y.toArray(), pick(data, rows, cols), 0, `case ${t}: slice`);
      const bs2: [number, number] = [1 + rnd(n + 1), 1 + rnd(m + 1)];
      expectClose(await x.rechunk(bs2).transpose().toArray(), transposeM(data), 0, `case ${t}: rechunk+transpose`);
      expectClose(await concatRows([y, x.rechunk(bs2).slice({ cols: { step } })]).toArray(), [...pick(data, rows, cols), ...pick(data, all(n), cols)], 0, `case ${t}: concat`);
    }
    function all(k: number): number[] {
      return Array.from({ length: k }, (_, i) => i);
    }
  });

  it('propagates NaN through min and max as numpy does', async () => {
    const x = array([[1, NaN, 3], [4, 5, -6]], [1, 2]);
    expectClose(await x.min(0).toArray(), [[1, NaN, -6]]);
    expectClose(await x.max(1).toArray(), [[NaN], [5]]);
    expect(await x.max().item()).to.be.NaN;
  });
});
