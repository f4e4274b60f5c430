/**
 * A recompute-only random ds-array larger than the workers' memory limits is reduced twice: blocks
 * are dropped under memory pressure and regenerated from their seed when the second pass needs them.
 */
import { expect } from 'chai';
import { randomArray } from '../../lib/dsarray/index.js';
import { init, shutdown, stats } from '../../lib/runtime/index.js';

describe('recompute-only random ds-arrays', function () {
  this.timeout(120_000);
  after(async () => {
    await shutdown();
  });

  it('reduces an array of 4x the workers\' memory, regenerating dropped blocks', async () => {
    const limit = 1 << 20;
    await init({ workers: 2, memoryLimit: limit });
    if (stats().executor !== 'cluster') return; // the local executor has no memory limit to respect
    // 2 workers x 1 MiB; the array is 8 MiB in 40 blocks of 200 KiB.
    const x = randomArray([4000, 256], [100, 256], { seed: 5, recomputeOnly: true });
    const colSums = await x.sum(0).toArray();
    const rowSums = await x.sum(1).toArray();
    expect(stats().recomputed).to.be.above(0);
    const total0 = colSums[0]?.reduce((a, b) => a + b, 0) ?? 0;
    const total1 = rowSums.reduce((a, row) => a + (row[0] as number), 0);
    expect(total0).to.be.closeTo(total1, 1e-9 * total1);
    // 1,024,000 uniforms: the mean is 0.5 with standard deviation 0.0003.
    expect(total0 / (4000 * 256)).to.be.closeTo(0.5, 0.002);
  });
});
