/**
 * loadSvmlightFile: scikit-learn's file read exactly (sparse x, dense y) for many block sizes and
 * byte-range cuts, zero-based indices, and the errors of bad lines.
 */
import { expect } from 'chai';
import { DataFormatError, ParameterError } from '../../lib/errors.js';
import { loadSvmlightFile } from '../../lib/dsarray/io/index.js';
import { expectSameValues, expected, fixture, loaderSuite } from './io-helpers.js';

describe('dsarray/io loadSvmlightFile', function () {
  this.timeout(60000);
  const tmp = loaderSuite();

  it('reads scikit-learn dump_svmlight_file output exactly as load_svmlight_file does', async () => {
    const want = await expected('data.svm');
    for (const [bs, rangeBytes] of [[[5, 4], undefined], [[1, 1], 50], [[100, 100], 9], [[7, 3], 300]] as const) {
      const [x, y] = await loadSvmlightFile(fixture('data.svm'), [...bs], 10, rangeBytes ? { rangeBytes } : {});
      expect(x.shape).to.deep.equal([23, 10]);
      expect(x.sparse).to.equal(true);
      expect(y.shape).to.deep.equal([23, 1]);
      expect(y.sparse).to.equal(false);
      expectSameValues((await x.collect()).data, want.values, `x ${JSON.stringify(bs)}`);
      expectSameValues((await y.collect()).data, want.labels ?? [], `y ${JSON.stringify(bs)}`);
    }
  });

  it('reads zero-based indices, qid and comments', async () => {
    const path = tmp.file('zero.svm', '# header comment\n1 qid:3 0:1.5 2:-2 # tail\n\n-1 1:inf 3:4e2\n0\n');
    const [x, y] = await loadSvmlightFile(path, [2, 2], 4, { zeroBased: true });
    expect(await x.toArray()).to.deep.equal([[1.5, 0, -2, 0], [0, Infinity, 0, 400], [0, 0, 0, 0]]);
    expect(await y.toArray()).to.deep.equal([[1], [-1], [0]]);
  });

  it('bad lines are DataFormatErrors with the line and token', async () => {
    const bad: [string, number, number, RegExp][] = [
      ['1 1:2\n2 3:4 2:5\n', 2, 3, /increasing/],
      ['1 1:2\nx 3:4\n', 2, 1, /non-numeric label/],
      ['1 1:2\n1 1:2\n1 2:abc\n', 3, 2, /non-numeric feature value/],
      ['1 1:2\n1 11:2\n', 2, 2, /out of range/],
      ['1 0:2\n', 1, 2, /out of range/],
      ['1 1:2 3\n', 1, 3, /bad feature/],
    ];
    for (const [content, line, column, re] of bad) {
      const path = tmp.file('bad.svm', content);
      const err = await loadSvmlightFile(path, [2, 2], 10, { rangeBytes: 4 }).catch((e: unknown) => e);
      expect(err, content).to.be.instanceOf(DataFormatError);
      const e = err as DataFormatError;
      expect([e.line, e.column], e.message).to.deep.equal([line, column]);
      expect(e.message).to.match(re);
    }
    const empty = await loadSvmlightFile(tmp.file('empty.svm', ''), [2, 2], 3).catch((e: unknown) => e);
    expect(empty).to.be.instanceOf(DataFormatError);
    const nf = await loadSvmlightFile(fixture('data.svm'), [2, 2], 0).catch((e: unknown) => e);
    expect(nf).to.be.instanceOf(ParameterError);
  });
});
