/**
 * loadSvmlightFile: files written by scikit-learn's dump_svmlight_file (zero- and one-based, query ids,
 * comment headers, multilabel) read exactly as load_svmlight_file reads them, for many block sizes and
 * byte-range cuts, and the errors of bad lines.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { DataFormatError, ParameterError } from '../../lib/errors.js';
import { loadSvmlightFile } from '../../lib/dsarray/io/index.js';
import { expectSameValues, expected, fixture, loaderSuite } from './io-helpers.js';

/** Block sizes and byte-range sizes (a few bytes: a range per line or less). */
const CUTS: [[number, number], number | undefined][] = [[[5, 4], undefined], [[1, 1], 50], [[100, 100], 9], [[7, 3], 300]];

describe('dsarray/io loadSvmlightFile', function () {
  this.timeout(60000);
  const tmp = loaderSuite();

  it('reads scikit-learn dump_svmlight_file output exactly as load_svmlight_file does', async () => {
    const want = await expected('data.svm');
    for (const [bs, rangeBytes] of CUTS) {
      const [x, y] = await loadSvmlightFile(fixture('data.svm'), [...bs], 10, rangeBytes ? { rangeBytes } : {});
      expect(x.shape).to.deep.equal([23, 10]);
      expect(x.sparse).to.equal(true);
      expect(y.shape).to.deep.equal([23, 1]);
      expect(y.sparse).to.equal(false);
      expectSameValues((await x.collect()).data, want.values, `x ${JSON.stringify(bs)}`);
      expectSameValues((await y.collect()).data, want.labels ?? [], `y ${JSON.stringify(bs)}`);
    }
  });

  for (const [file, note] of [
    ['sk-zero.svm', 'zero-based (dump_svmlight_file default), read with the default zeroBased: auto'],
    ['sk-one.svm', 'one-based (zero_based=False), read with the default zeroBased: auto'],
    ['sk-zero-late.svm', 'zero-based with index 0 only on the last line: auto decides over the whole file'],
    ['sk-comments.svm', 'a comment header, trailing comments, comment and blank lines'],
  ] as const) {
    it(`reads ${file}: ${note}`, async () => {
      const want = await expected(file);
      for (const [bs, rangeBytes] of CUTS) {
        const [x, y] = await loadSvmlightFile(fixture(file), [...bs], want.shape[1], rangeBytes ? { rangeBytes } : {});
        expect(x.shape).to.deep.equal(want.shape);
        expectSameValues((await x.collect()).data, want.values, `${file} x ${JSON.stringify(bs)} ${String(rangeBytes)}`);
        expectSameValues((await y.collect()).data, want.labels ?? [], `${file} y ${JSON.stringify(bs)}`);
      }
    });
  }

  it('reads the zero-based file the same with zeroBased: true, and the one-based one with zeroBased: false', async () => {
    for (const [file, zeroBased] of [['sk-zero.svm', true], ['sk-one.svm', false]] as const) {
      const want = await expected(file);
      const [x] = await loadSvmlightFile(fixture(file), [4, 4], want.shape[1], { zeroBased, rangeBytes: 64 });
      expectSameValues((await x.collect()).data, want.values, file);
    }
  });

  it('returns the query ids with queryId: true (as query_id=True), and skips them otherwise', async () => {
    const want = await expected('sk-qid.svm');
    for (const [bs, rangeBytes] of CUTS) {
      const [x, y, qid] = await loadSvmlightFile(fixture('sk-qid.svm'), [...bs], 8, { queryId: true, ...(rangeBytes ? { rangeBytes } : {}) });
      expect(qid.shape).to.deep.equal([25, 1]);
      expectSameValues((await qid.collect()).data, want.qids ?? [], `qid ${JSON.stringify(bs)}`);
      expectSameValues((await x.collect()).data, want.values, 'x');
      expectSameValues((await y.collect()).data, want.labels ?? [], 'y');
    }
    const plain = await loadSvmlightFile(fixture('sk-qid.svm'), [10, 10], 8);
    expect(plain).to.have.length(2);
    expectSameValues((await plain[0].collect()).data, want.values, 'x without queryId');
  });

  it('rejects a multilabel file with a DataFormatError naming the file, line and column', async () => {
    const doc = JSON.parse(await readFile(fixture('sk-multilabel.svm.expected.json'), 'utf8')) as { line: number; column: number; found: string };
    for (const rangeBytes of [undefined, 20]) {
      const err = await loadSvmlightFile(fixture('sk-multilabel.svm'), [4, 4], 5, rangeBytes ? { rangeBytes } : {}).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DataFormatError);
      const e = err as DataFormatError;
      expect([e.file, e.line, e.column]).to.deep.equal([fixture('sk-multilabel.svm'), doc.line, doc.column]);
      expect(e.message).to.match(/multilabel/).and.to.include(doc.found);
    }
  });

  it('a 0 index with zeroBased: false says the file is zero-based', async () => {
    const err = await loadSvmlightFile(fixture('sk-zero.svm'), [4, 4], 12, { zeroBased: false, rangeBytes: 100 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DataFormatError);
    const e = err as DataFormatError;
    expect([e.line, e.column]).to.deep.equal([2, 2]);
    expect(e.message).to.match(/a 0 index means a zero-based file \(pass zeroBased: true or 'auto'\)/);
  });

  it('reads zero-based indices, qid and comments', async () => {
    const path = tmp.file('zero.svm', '# header comment\n1 qid:3 0:1.5 2:-2 # tail\n\n-1 1:inf 3:4e2\n0\n');
    for (const zeroBased of [true, 'auto'] as const) {
      const [x, y] = await loadSvmlightFile(path, [2, 2], 4, { zeroBased });
      expect(await x.toArray()).to.deep.equal([[1.5, 0, -2, 0], [0, Infinity, 0, 400], [0, 0, 0, 0]]);
      expect(await y.toArray()).to.deep.equal([[1], [-1], [0]]);
    }
  });

  it('bad lines are DataFormatErrors with the line and token, the first in file order', async () => {
    const bad: [string, number, number, RegExp, boolean | 'auto'][] = [
      ['1 1:2\n2 3:4 2:5\n', 2, 3, /increasing/, 'auto'],
      ['1 1:2\nx 3:4\n', 2, 1, /non-numeric label/, 'auto'],
      ['1 1:2\n1 1:2\n1 2:abc\n', 3, 2, /non-numeric feature value/, 'auto'],
      ['1 1:2\n1 11:2\n', 2, 2, /out of range.*expected an index in 1\.\.10/, 'auto'],
      ['1 0:2\n1 10:2\n', 2, 2, /out of range.*expected an index in 0\.\.9/, 'auto'],
      ['1 1:2\n1 0:2\n', 2, 2, /zero-based file/, false],
      ['1 1:2 3\n', 1, 3, /bad feature/, 'auto'],
      ['1 1:2 qid:3\n', 1, 3, /bad feature/, 'auto'],
      ['1 qid:x 1:2\n', 1, 2, /bad qid/, 'auto'],
      ['1,2 1:2\n', 1, 1, /multilabel/, 'auto'],
      ['1 1:2\n1 11:2\n1 1:x\n', 2, 2, /out of range/, 'auto'],
      ['1 1:2\n1 1:x\n1 11:2\n', 2, 2, /non-numeric/, 'auto'],
    ];
    for (const [content, line, column, re, zeroBased] of bad) {
      const path = tmp.file('bad.svm', content);
      for (const rangeBytes of [4, 1000]) {
        const err = await loadSvmlightFile(path, [2, 2], 10, { rangeBytes, zeroBased }).catch((e: unknown) => e);
        expect(err, content).to.be.instanceOf(DataFormatError);
        const e = err as DataFormatError;
        expect([e.line, e.column], e.message).to.deep.equal([line, column]);
        expect(e.message).to.match(re);
      }
    }
    const noQid = await loadSvmlightFile(tmp.file('noqid.svm', '1 qid:1 1:2\n2 1:3\n'), [2, 2], 3, { queryId: true }).catch((e: unknown) => e);
    expect(noQid).to.be.instanceOf(DataFormatError).and.to.include({ line: 2, column: 2 });
    expect((noQid as Error).message).to.match(/missing qid/);
    const empty = await loadSvmlightFile(tmp.file('empty.svm', ''), [2, 2], 3).catch((e: unknown) => e);
    expect(empty).to.be.instanceOf(DataFormatError);
  });

  it('rejects bad options with a ParameterError naming the parameter', async () => {
    const cases: [number, Record<string, unknown>, string][] = [
      [0, {}, 'nFeatures'],
      [3, { zeroBased: 'yes' }, 'zeroBased'],
      [3, { queryId: 1 }, 'queryId'],
      [3, { rangeBytes: -1 }, 'rangeBytes'],
    ];
    for (const [nFeatures, options, parameter] of cases) {
      const err = await loadSvmlightFile(fixture('data.svm'), [2, 2], nFeatures, options as never).catch((e: unknown) => e);
      expect(err, parameter).to.be.instanceOf(ParameterError);
      expect((err as ParameterError).context.parameter).to.equal(parameter);
    }
  });
});
