/**
 * loadHdf5: 2-D datasets (float64, float32, int32, in groups) written with h5wasm and read back as
 * hyperslab blocks, for many block sizes; missing datasets and non-2-D data are DataFormatErrors.
 */
import { expect } from 'chai';
import h5wasm from 'h5wasm/node';
import { DataFormatError } from '../../lib/errors.js';
import { init, shutdown } from '../../lib/runtime/index.js';
import { loadHdf5 } from '../../lib/dsarray/io/index.js';
import { TempDir, expectSameValues, fixture } from './io-helpers.js';

describe('dsarray/io loadHdf5', function () {
  this.timeout(60000);
  const tmp = new TempDir();
  const path = tmp.join('data.h5');
  const f64 = Float64Array.from({ length: 13 * 7 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
  const i32 = Int32Array.from({ length: 5 * 4 }, (_, i) => i * 37 - 300);
  before(async () => {
    await h5wasm.ready;
    const f = new h5wasm.File(path, 'w');
    f.create_dataset({ name: 'x', data: f64, shape: [13, 7], dtype: '<d' });
    f.create_group('g');
    const g = f.get('g') as InstanceType<typeof h5wasm.Group>;
    g.create_dataset({ name: 'f32', data: f64, shape: [7, 13], dtype: '<f' });
    g.create_dataset({ name: 'ints', data: i32, shape: [5, 4], dtype: '<i' });
    g.create_dataset({ name: 'vector', data: f64, shape: [91], dtype: '<d' });
    f.close();
    await init({ workers: 2 });
  });
  after(async () => {
    await shutdown();
    tmp.cleanup();
  });

  it('reads float64, float32 and int32 datasets exactly, whatever the block size', async () => {
    for (const bs of [[1, 1], [4, 3], [50, 50], [13, 2]] as [number, number][]) {
      const x = await loadHdf5(path, 'x', bs);
      expect(x.shape).to.deep.equal([13, 7]);
      expectSameValues((await x.collect()).data, f64, `x ${JSON.stringify(bs)}`);
      const y = await loadHdf5(path, '/g/f32', bs);
      expect([y.shape, y.dtype]).to.deep.equal([[7, 13], 'float32']);
      expectSameValues((await y.collect()).data, Float32Array.from(f64), `f32 ${JSON.stringify(bs)}`);
      const z = await loadHdf5(path, 'g/ints', bs);
      expectSameValues((await z.collect()).data, Float64Array.from(i32), `ints ${JSON.stringify(bs)}`);
    }
  });

  it('a missing dataset, a group, a 1-D dataset or a non-HDF5 file is a DataFormatError', async () => {
    for (const [file, ds, re] of [
      [path, 'nope', /no dataset "nope"/],
      [path, 'g', /no dataset "g"/],
      [path, 'g/vector', /not 2-D/],
      [fixture('big.csv'), 'x', /not a readable HDF5 file/],
      [tmp.join('missing.h5'), 'x', /no such file/],
    ] as const) {
      const err = await loadHdf5(file, ds, [2, 2]).catch((e: unknown) => e);
      expect(err, ds).to.be.instanceOf(DataFormatError);
      expect((err as Error).message, ds).to.match(re);
    }
  });
});
