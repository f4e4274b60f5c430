/**
 * KFold and trainTestSplit: scikit-learn's folds and size rules (test/fixtures/model-selection.json,
 * made by test/fixtures/gen-model-selection.py), shuffling, row alignment of x and y, parameter errors.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { KFold, ParameterError, array, init, shutdown, trainTestIndices, trainTestSplit } from '../../lib/index.js';

interface Fixture {
  folds: Record<string, { train: number[]; test: number[] }[]>;
  sizes: { n: number; testSize: number | null; trainSize: number | null; nTrain: number; nTest: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/model-selection.json', import.meta.url), 'utf8')) as Fixture;

describe('KFold', () => {
  it("equals scikit-learn's folds without shuffling", () => {
    for (const [key, folds] of Object.entries(fixture.folds)) {
      const [n, k] = key.split('-').map(Number) as [number, number];
      const ours = new KFold({ nSplits: k }).split(n).map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));
      expect(ours, key).to.deep.equal(folds);
    }
  });

  it('shuffled: sorted folds that partition the rows, sizes within one, repeatable from the seed', () => {
    const split = (seed: number) => new KFold({ nSplits: 4, shuffle: true, randomState: seed }).split(30);
    const folds = split(1);
    expect(folds.map((f) => f.test.length)).to.deep.equal([8, 8, 7, 7]);
    const all = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
    expect(all).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));
    for (const f of folds) {
      expect(Array.from(f.test)).to.deep.equal([...f.test].sort((a, b) => a - b));
      expect(f.train.length + f.test.length).to.equal(30);
      expect(Array.from(f.train).some((i) => f.test.includes(i))).to.equal(false);
    }
    expect(split(1)).to.deep.equal(folds);
    expect(split(2)).to.not.deep.equal(folds);
    expect(Array.from(folds[0]?.test ?? [])).to.not.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects bad options with a ParameterError naming them', () => {
    expect(() => new KFold({ nSplits: 1 })).to.throw(ParameterError, 'nSplits');
    expect(() => new KFold({ randomState: 3 })).to.throw(ParameterError, 'randomState');
    expect(() => new KFold({ nFolds: 3 } as never)).to.throw(ParameterError, 'nFolds');
    expect(() => new KFold({ nSplits: 5 }).split(4)).to.throw(ParameterError, 'nSplits');
  });
});

describe('trainTestSplit', function () {
  this.timeout(60_000);
  after(async () => {
    await shutdown();
  });

  it("sizes follow scikit-learn's rules (test rounded up, train down)", () => {
    for (const c of fixture.sizes) {
      const opts = { ...(c.testSize === null ? {} : { testSize: c.testSize }), ...(c.trainSize === null ? {} : { trainSize: c.trainSize }), randomState: 0 };
      const { train, test } = trainTestIndices(c.n, opts);
      expect([train.length, test.length], JSON.stringify(c)).to.deep.equal([c.nTrain, c.nTest]);
      expect(new Set([...train, ...test]).size).to.equal(c.nTrain + c.nTest);
    }
  });

  it('splits x and y row for row on workers; without shuffling the training rows come first', async () => {
    await init({ workers: 2 });
    const rows = Array.from({ length: 20 }, (_, i) => [i, 2 * i]);
    const x = array(rows, [6, 2]);
    const y = array(rows.map((r) => [r[0] as number]), [6, 1]);
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.3, randomState: 4 });
    const [a, b, c, d] = await Promise.all([xTrain.toArray(), xTest.toArray(), yTrain.toArray(), yTest.toArray()]);
    expect([a.length, b.length]).to.deep.equal([14, 6]);
    expect(a.map((r) => [r[0]])).to.deep.equal(c);
    expect(b.map((r) => [r[0]])).to.deep.equal(d);
    expect([...a, ...b].map((r) => r[0]).sort((p, q) => (p as number) - (q as number))).to.deep.equal(rows.map((r) => r[0]));
    const [first, last] = trainTestSplit(x, undefined, { trainSize: 5, testSize: 2, shuffle: false });
    expect(await first.toArray()).to.deep.equal(rows.slice(0, 5));
    expect(await last.toArray()).to.deep.equal(rows.slice(5, 7));
  });

  it('rejects bad sizes and options', () => {
    const x = array([[1], [2], [3], [4]], [2, 1]);
    expect(() => trainTestSplit(x, undefined, { testSize: 1.5 })).to.throw(ParameterError, 'testSize');
    expect(() => trainTestSplit(x, undefined, { testSize: 4 })).to.throw(ParameterError, 'testSize');
    expect(() => trainTestSplit(x, undefined, { testSize: 2, trainSize: 3 })).to.throw(ParameterError, 'trainSize');
    expect(() => trainTestSplit(x, undefined, { test_size: 0.2 } as never)).to.throw(ParameterError, 'test_size');
  });
});

describe('fold row selections', function () {
  this.timeout(60_000);
  after(async () => {
    await shutdown();
  });

  it('reuse the blocks of x when the folds fall on block boundaries (nothing copied), gather them otherwise', async () => {
    await init({ workers: 2 });
    const rows = Array.from({ length: 40 }, (_, i) => [i]);
    const x = array(rows, [4, 1]);
    const [first, second] = new KFold({ nSplits: 5 }).split(40);
    const train = x.rows(second?.train as Int32Array);
    expect(train.blocks.map((b) => x.blocks.findIndex((row) => row[0] === b[0]))).to.deep.equal([0, 1, 4, 5, 6, 7, 8, 9]);
    expect(await train.toArray()).to.deep.equal([...rows.slice(0, 8), ...rows.slice(16)]);
    const unaligned = array(rows, [3, 1]).rows(first?.test as Int32Array);
    expect(await unaligned.toArray()).to.deep.equal(rows.slice(0, 8));
  });
});
