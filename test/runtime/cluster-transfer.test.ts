import { expect } from 'chai';
import { get, stats, submit, workers } from '../../lib/runtime/index.js';
import { withCluster } from './helpers.js';
import { block, checksumFast, spin } from './tasks.js';

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

  it('serves a peer between CPU-bound tasks, not only once its queue runs dry', async () => {
    await withCluster({ workers: 2, deadlineMs: 60_000 }, async () => {
      const [w1, w2] = workers();
      if (w1 === undefined || w2 === undefined) throw new Error('expected 2 workers');
      const data = submit(block, [5, 1 << 17], { worker: w1.id });
      const sum = await get(submit(checksumFast, [data], { worker: w1.id }));
      const t0 = Date.now();
      const busy = Array.from({ length: 6 }, () => submit(spin, [250], { worker: w1.id }));
      const there = await get(submit(checksumFast, [data], { worker: w2.id }));
      const waited = Date.now() - t0;
      expect(there).to.equal(sum);
      // w1 has six 250 ms tasks queued (1.5 s): the copy must leave after the one running, not after the queue
      // (the bound leaves room for a loaded machine while staying well under the queue's 1.5 s).
      expect(waited).to.be.below(1100);
      await Promise.all(busy.map((f) => get(f)));
      data.dispose();
    });
  });
});
