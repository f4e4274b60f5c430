/**
 * loadNpyFile / saveNpy: numpy's own files (versions 1-3, f8, f4, i4, i8) read exactly for many block
 * sizes, the header fields that are refused, and saveNpy writing byte-identical files to np.save.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DataFormatError } from '../../lib/errors.js';
import { loadNpyFile, loadTxtFile, saveNpy } from '../../lib/dsarray/io/index.js';
import { expectSameValues, expected, fixture, loaderSuite } from './io-helpers.js';

const SIZES: [number, number][] = [[1, 1], [3, 4], [100, 100], [11, 1], [2, 6]];

describe('dsarray/io loadNpyFile and saveNpy', function () {
  this.timeout(60000);
  const tmp = loaderSuite();

  const cases = [
    { file: 'f8.npy', want: 'f8.npy', dtype: 'float64' },
    { file: 'v2.npy', want: 'f8.npy', dtype: 'float64' },
    { file: 'v3.npy', want: 'f8.npy', dtype: 'float64' },
    { file: 'f4.npy', want: 'f4.npy', dtype: 'float32' },
    { file: 'i4.npy', want: 'int.npy', dtype: 'float64' },
    { file: 'i8.npy', want: 'int.npy', dtype: 'float64' },
  ];
  for (const c of cases) {
    it(`reads ${c.file} exactly, whatever the block size`, async () => {
      const want = await expected(c.want);
      for (const bs of SIZES) {
        const x = await loadNpyFile(fixture(c.file), bs);
        expect(x.shape).to.deep.equal(want.shape);
        expect(x.dtype).to.equal(c.dtype);
        expectSameValues((await x.collect()).data, want.values, `${c.file} ${JSON.stringify(bs)}`);
      }
    });
  }

  it('refuses Fortran order, unsupported dtypes and non-2-D shapes, naming the header field', async () => {
    const bad: [string, RegExp][] = [
      ['fortran.npy', /fortran_order/],
      ['big-endian.npy', /'descr'.*found '>f8'/],
      ['complex.npy', /'descr'.*found '<c16'/],
      ['three-d.npy', /'shape'.*found \(2, 3, 4\)/],
      ['big.csv', /not a \.npy file/],
    ];
    for (const [file, re] of bad) {
      const err = await loadNpyFile(fixture(file), [2, 2]).catch((e: unknown) => e);
      expect(err, file).to.be.instanceOf(DataFormatError);
      expect((err as Error).message, file).to.match(re);
    }
    const truncated = tmp.file('truncated.npy', readFileSync(fixture('f8.npy')).subarray(0, 300));
    const err = await loadNpyFile(truncated, [2, 2]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DataFormatError);
    expect((err as Error).message).to.match(/truncated/);
    const missing = await loadNpyFile(tmp.join('missing.npy'), [2, 2]).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(DataFormatError);
  });

  it('saveNpy writes the same bytes as numpy.save, from any block grid', async () => {
    for (const [file, bs] of [['f8.npy', [4, 5]], ['f4.npy', [1, 6]], ['f8.npy', [11, 6]]] as const) {
      const x = await loadNpyFile(fixture(file), [...bs]);
      const out = tmp.join(`saved-${bs[0]}-${file}`);
      await saveNpy(x, out);
      expect(Buffer.compare(readFileSync(out), readFileSync(fixture(file))), `${file} ${JSON.stringify(bs)}`).to.equal(0);
    }
  });

  it('saveNpy of a text-loaded array reads back exactly', async () => {
    const want = await expected('big.csv');
    const x = await loadTxtFile(fixture('big.csv'), [37, 3], { rangeBytes: 5000 });
    await saveNpy(x, tmp.join('big.npy'));
    const y = await loadNpyFile(tmp.join('big.npy'), [64, 8]);
    expectSameValues((await y.collect()).data, want.values);
  });
});
