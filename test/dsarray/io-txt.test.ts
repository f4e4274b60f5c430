/**
 * loadTxtFile / saveTxt: exact numpy.loadtxt values on committed fixtures for many block sizes and
 * byte-range cuts, round trips, and the errors of missing, empty and header files.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DataFormatError, ParameterError } from '../../lib/errors.js';
import { loadTxtFile, load_txt_file, saveTxt, type LoadTxtOptions } from '../../lib/dsarray/io/index.js';
import { planByteRanges, rangePlacement, readAlignedRange, withFile } from '../../lib/dsarray/io/ranges.js';
import { expectSameValues, expected, fixture, loaderSuite } from './io-helpers.js';

const CASES: { file: string; delimiter?: string; skipHeader?: boolean }[] = [
  { file: 'savetxt.csv' },
  { file: 'repr.csv' },
  { file: 'bom-crlf.csv' },
  { file: 'header.tsv', delimiter: '\t', skipHeader: true },
  { file: 'blank-lines.csv' },
  { file: 'one-row.csv' },
  { file: 'one-col.csv' },
  { file: 'big.csv' },
];

/** The numpy.loadtxt option cases of test/fixtures/gen-io.py: a file, loadTxtFile's options, the expected values. */
const OPTION_CASES = JSON.parse(readFileSync(fixture('options-cases.json'), 'utf8')) as { file: string; expected: string; options: LoadTxtOptions; note: string }[];

/** Block sizes and byte-range sizes: 1x1 blocks, blocks larger than the array, ranges of a few bytes. */
const CUTS: { blockSize: [number, number]; rangeBytes?: number }[] = [
  { blockSize: [4, 3] },
  { blockSize: [1, 1], rangeBytes: 61 },
  { blockSize: [1000, 1000], rangeBytes: 7 },
  { blockSize: [7, 2], rangeBytes: 200 },
];

describe('dsarray/io loadTxtFile', function () {
  this.timeout(60000);
  const tmp = loaderSuite();

  it('line-aligned byte ranges cover every line exactly once, whatever the cut', async () => {
    const texts = ['a\nbb\n\nccc\r\nd', 'x\n', '\n\n\n', 'no newline at all', `${'7'.repeat(300)}\n1\n${'8'.repeat(50)}\n`];
    for (const [t, text] of texts.entries()) {
      const path = tmp.file(`lines-${t}.txt`, text);
      for (const rangeBytes of [1, 2, 3, 5, 16, 1000]) {
        const parts = await withFile(path, async (fh) => {
          const out: string[] = [];
          for (const [s, e] of planByteRanges(text.length, 2, rangeBytes)) {
            const r = await readAlignedRange(fh, s, e, text.length);
            out.push(Buffer.from(r.bytes.subarray(r.from, r.to)).toString('latin1'));
          }
          return out;
        });
        expect(parts.join(''), `${JSON.stringify(text)} cut every ${rangeBytes} bytes`).to.equal(text);
        const filled = parts.filter((p) => p !== '');
        for (const p of filled.slice(0, -1)) expect(p.endsWith('\n'), JSON.stringify(parts)).to.equal(true);
      }
    }
  });

  for (const c of CASES) {
    it(`reads ${c.file} exactly as numpy.loadtxt, whatever the blocks and byte ranges`, async () => {
      const want = await expected(c.file);
      for (const cut of c.file === 'big.csv' ? [{ blockSize: [33, 5] as [number, number], rangeBytes: 997 }, CUTS[0]!] : CUTS) {
        const x = await loadTxtFile(fixture(c.file), cut.blockSize, { ...c, ...(cut.rangeBytes ? { rangeBytes: cut.rangeBytes } : {}) });
        expect(x.shape, `shape (cut ${JSON.stringify(cut)})`).to.deep.equal(want.shape);
        expect(x.blockSize).to.deep.equal([Math.min(cut.blockSize[0], want.shape[0]), Math.min(cut.blockSize[1], want.shape[1])]);
        expect(x.dtype).to.equal('float64');
        expect(x.sparse).to.equal(false);
        expectSameValues((await x.collect()).data, want.values, `${c.file} ${JSON.stringify(cut)}`);
      }
    });
  }

  it('reads float32 values as numpy.loadtxt(dtype=float32) does', async () => {
    const want = await expected('big.csv.f32');
    const x = await loadTxtFile(fixture('big.csv'), [50, 4], { dtype: 'float32', rangeBytes: 3000 });
    expect(x.dtype).to.equal('float32');
    const m = await x.collect();
    expect(m.data).to.be.instanceOf(Float32Array);
    expectSameValues(m.data, want.values);
  });

  it('load_txt_file is the same function', () => {
    expect(load_txt_file).to.equal(loadTxtFile);
  });

  it('round-trips through saveTxt exactly (nan, inf, -0, subnormals)', async () => {
    const want = await expected('repr.csv');
    const x = await loadTxtFile(fixture('repr.csv'), [5, 4]);
    const out = tmp.join('roundtrip.csv');
    await saveTxt(x, out);
    const y = await loadTxtFile(out, [3, 6], { rangeBytes: 100 });
    expectSameValues((await y.collect()).data, want.values);
    await saveTxt(y, tmp.join('semicolon.csv'), { delimiter: ';' });
    const z = await loadTxtFile(tmp.join('semicolon.csv'), [50, 50], { delimiter: ';' });
    expectSameValues((await z.collect()).data, want.values);
  });

  it('a missing file, a directory or an empty file is a DataFormatError at call time', async () => {
    const missing = tmp.join('nope.csv');
    const err1 = await loadTxtFile(missing, [2, 2]).catch((e: unknown) => e);
    expect(err1).to.be.instanceOf(DataFormatError);
    expect((err1 as DataFormatError).file).to.equal(missing);
    expect((err1 as Error).message).to.match(/no such file/);
    const err2 = await loadTxtFile(tmp.path, [2, 2]).catch((e: unknown) => e);
    expect(err2).to.be.instanceOf(DataFormatError);
    expect((err2 as Error).message).to.match(/not a regular file/);
    const err3 = await loadTxtFile(tmp.file('empty.csv', ''), [2, 2]).catch((e: unknown) => e);
    expect(err3).to.be.instanceOf(DataFormatError);
    expect((err3 as Error).message).to.match(/empty file/);
    const err4 = await loadTxtFile(tmp.file('header-only.csv', 'a,b\n'), [2, 2], { skipHeader: true }).catch((e: unknown) => e);
    expect(err4).to.be.instanceOf(DataFormatError);
    expect((err4 as Error).message).to.match(/no data rows/);
  });

  it('a header without skipHeader is a DataFormatError at line 1 that suggests skipHeader', async () => {
    const err = await loadTxtFile(fixture('header.tsv'), [4, 4], { delimiter: '\t' }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DataFormatError);
    const e = err as DataFormatError;
    expect([e.line, e.column]).to.deep.equal([1, 1]);
    expect(e.message).to.match(/skipHeader: true/);
    expect(e.context).to.include({ expected: 'a number', found: '"a"' });
  });

  it('a TSV read without delimiter says the delimiter may be wrong, not that a line is a header', async () => {
    for (const [name, text, line] of [
      ['data.tsv', '1\t2\n3\t4\n', 1],
      ['names.tsv', 'a\tb\n1\t2\n', 1],
      ['late.tsv', `${'1\n'.repeat(5)}7\t8\n`, 6],
    ] as const) {
      const err = await loadTxtFile(tmp.file(name, text), [4, 4]).catch((e: unknown) => e);
      expect(err, name).to.be.instanceOf(DataFormatError);
      const e = err as DataFormatError;
      expect([e.line, e.column], name).to.deep.equal([line, 1]);
      expect(e.message, name).to.match(/the line has no ',' but holds '\\t': the delimiter may be wrong; pass delimiter: '\\t'/);
      expect(e.message, name).to.not.match(/a header|skipHeader/);
    }
  });

  it('rejects bad options with a ParameterError before reading anything', async () => {
    for (const delimiter of ['', ',,', '.', '1', 'e', '\n', '"']) {
      const err = await loadTxtFile(fixture('repr.csv'), [2, 2], { delimiter }).catch((e: unknown) => e);
      expect(err, JSON.stringify(delimiter)).to.be.instanceOf(ParameterError);
    }
    const bad: unknown[] = [[0, 2], [2], [1.5, 2], 'x'];
    for (const bs of bad) {
      const err = await loadTxtFile(fixture('repr.csv'), bs as [number, number]).catch((e: unknown) => e);
      expect(err, JSON.stringify(bs)).to.be.instanceOf(ParameterError);
    }
    const err = await loadTxtFile(fixture('repr.csv'), [2, 2], { rangeBytes: 0 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ParameterError);
  });

  it('places byte ranges in groups of consecutive ones, dealt to the workers in turn and evenly', () => {
    const owners = (n: number, ids: string[]) => Array.from({ length: n }, (_, i) => rangePlacement(i, n, ids).worker);
    expect(owners(16, ['w1', 'w2'])).to.deep.equal(Array.from({ length: 8 }, (_, g) => (g % 2 === 0 ? ['w1', 'w1'] : ['w2', 'w2'])).flat());
    expect(owners(8, ['w1', 'w2'])).to.deep.equal(['w1', 'w2', 'w1', 'w2', 'w1', 'w2', 'w1', 'w2']);
    expect(owners(4, ['a', 'b', 'c'])).to.deep.equal(['a', 'b', 'c', 'a']);
    expect(owners(2, ['a', 'b', 'c'])).to.deep.equal(['a', 'b']);
    const many = owners(33, ['w1', 'w2']);
    expect(Math.abs(many.filter((w) => w === 'w1').length - many.filter((w) => w === 'w2').length)).to.be.at.most(1);
    expect(rangePlacement(0, 3, [])).to.deep.equal({});
  });

  it('skips comment lines as numpy does (a savetxt header, comments between rows, at a range start)', async () => {
    const text = '# a,b,c\n1.5,2,3\r\n# between rows\n\n4,5e-1,-6\n#\n7,8,9\n# last\n';
    const path = tmp.file('comments.csv', text);
    for (const rangeBytes of [undefined, 3, 9, 1000]) {
      const x = await loadTxtFile(path, [2, 2], rangeBytes === undefined ? {} : { rangeBytes });
      expect(await x.toArray()).to.deep.equal([[1.5, 2, 3], [4, 0.5, -6], [7, 8, 9]]);
    }
    const inline = await loadTxtFile(tmp.file('inline.csv', '1,2 # note\n3,4#\n'), [1, 1]);
    expect(await inline.toArray()).to.deep.equal([[1, 2], [3, 4]]);
    const err = await loadTxtFile(tmp.file('inline.csv', '1,2 # note\n3,4\n'), [1, 1], { comments: null }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DataFormatError).and.to.include({ line: 1, column: 2 });
    for (const rangeBytes of [undefined, 5]) {
      const late = await loadTxtFile(tmp.file('late.csv', '# h\n1,2\n# c\n\n3,x\n'), [1, 1], rangeBytes === undefined ? {} : { rangeBytes }).catch((e: unknown) => e);
      expect(late).to.be.instanceOf(DataFormatError).and.to.include({ line: 5, column: 2 });
    }
  });

  for (const c of OPTION_CASES) {
    it(`reads ${c.file} as numpy.loadtxt with ${c.note}, whatever the blocks and byte ranges`, async () => {
      const want = await expected(c.expected);
      for (const cut of CUTS) {
        const x = await loadTxtFile(fixture(c.file), cut.blockSize, { ...c.options, ...(cut.rangeBytes ? { rangeBytes: cut.rangeBytes } : {}) });
        expect(x.shape, `shape (cut ${JSON.stringify(cut)})`).to.deep.equal(want.shape);
        expectSameValues((await x.collect()).data, want.values, `${c.expected} ${JSON.stringify(cut)}`);
      }
    });
  }

  it('maxRows: lines past the last row read are never checked; a bad line before it is still an error', async () => {
    const path = tmp.file('max.csv', '1,2\n# c\n3,4\n\n5,6\nnot,numbers\n7\n');
    for (const rangeBytes of [undefined, 3, 8]) {
      const opts = rangeBytes === undefined ? {} : { rangeBytes };
      expect(await (await loadTxtFile(path, [2, 2], { ...opts, maxRows: 3 })).toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
      expect(await (await loadTxtFile(path, [2, 2], { ...opts, maxRows: 2, skipRows: 2 })).toArray()).to.deep.equal([[3, 4], [5, 6]]);
      const err = await loadTxtFile(path, [2, 2], { ...opts, maxRows: 4 }).catch((e: unknown) => e);
      expect(err, String(rangeBytes)).to.be.instanceOf(DataFormatError).and.to.include({ line: 6, column: 1 });
    }
    const skipAll = await loadTxtFile(path, [2, 2], { skipRows: 7 }).catch((e: unknown) => e);
    expect(skipAll).to.be.instanceOf(DataFormatError);
    expect((skipAll as Error).message).to.match(/no data rows/);
    // skipRows counts lines before comments are looked at, and numbers the lines of errors.
    const late = await loadTxtFile(path, [2, 2], { skipRows: 3, rangeBytes: 4 }).catch((e: unknown) => e);
    expect(late).to.be.instanceOf(DataFormatError).and.to.include({ line: 6, column: 1 });
  });

  it('a usecols index past the fields of a line is a ParameterError naming usecols, the file and the line', async () => {
    const path = tmp.file('narrow.csv', '1,2,3\n4,5,6\n7,8\n');
    for (const rangeBytes of [undefined, 5]) {
      for (const usecols of [2, [0, -3]]) {
        const err = await loadTxtFile(path, [2, 2], { usecols, ...(rangeBytes ? { rangeBytes } : {}) }).catch((e: unknown) => e);
        expect(err, JSON.stringify(usecols)).to.be.instanceOf(ParameterError);
        expect((err as ParameterError).context).to.include({ parameter: 'usecols', file: path, line: 3 });
      }
    }
    expect(await (await loadTxtFile(path, [2, 2], { usecols: [2, 0], maxRows: 2 })).toArray()).to.deep.equal([[3, 1], [6, 4]]);
  });

  it('rejects bad numpy-style options with a ParameterError naming the parameter', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ comments: '' }, 'comments'],
      [{ comments: ['#', ''] }, 'comments'],
      [{ comments: 'a\nb' }, 'comments'],
      [{ comments: ',#' }, 'comments'],
      [{ comments: 7 }, 'comments'],
      [{ usecols: [] }, 'usecols'],
      [{ usecols: [1.5] }, 'usecols'],
      [{ usecols: ['1'] }, 'usecols'],
      [{ usecols: 2 ** 31 }, 'usecols'],
      [{ skipRows: -1 }, 'skipRows'],
      [{ skipRows: 0.5 }, 'skipRows'],
      [{ maxRows: -1 }, 'maxRows'],
      [{ maxRows: 0 }, 'maxRows'],
    ];
    for (const [options, parameter] of bad) {
      const err = await loadTxtFile(fixture('repr.csv'), [2, 2], options as LoadTxtOptions).catch((e: unknown) => e);
      expect(err, JSON.stringify(options)).to.be.instanceOf(ParameterError);
      expect((err as ParameterError).context.parameter).to.equal(parameter);
    }
  });
});
