import { expect } from 'chai';
import { get, stats, submit, workers } from '../../lib/runtime/index.js';
import { withCluster } from './helpers.js';
import { block, checksumFast } from './tasks.js';

describe('cluster executor data movement', function () {
  this.timeout(120_000);

  it('moves a 512 MB block between workers intact', async () => {
    await withCluster({ workers: 2, deadlineMs: 100_000 }, async () => {
      const [w1, w2] = workers();
      if (w1 === undefined || w2 === undefined) throw new Error('expected 2 workers');
      const n = (512 * 1024 * 1024) / 8;
      const big = submit(block, [11, n], { worker: w1.id });
      const here = await get(submit(checksumFast, [big], { worker: w1.id }));
      const moved0 = stats().bytesMoved;
      const there = await get(submit(checksumFast, [big], { worker: w2.id }));
      expect(there).to.equal(here);
      expect(stats().bytesMoved - moved0).to.be.at.least(n * 8);
      big.dispose();
    });
  });
});
