/**
 * A recompute-only random ds-array larger than the workers' memory limits is reduced twice: blocks
 * are dropped under memory pressure and regenerated from their seed when the second pass needs them
 * (an ordinary array of the same size is spilled and read back instead).
 */
import { expect } from 'chai';
import { randomArray } from '../../lib/dsarray/index.js';
import { init, shutdown, stats } from '../../lib/runtime/index.js';

describe('recompute-only random ds-arrays', function () {
  this.timeout(120_000);
  afterEach(async () => {
    await shutdown();
  });

  for (const recomputeOnly of [true, false]) {
    it(`reduces an array of 4x the workers' memory${recomputeOnly ? ', regenerating dropped blocks' : ' (control: spilled, never regenerated)'}`, async function () {
      // 2 workers x 1 MiB; the array is 8 MiB in 40 blocks of 200 KiB.
      await init({ workers: 2, memoryLimit: 1 << 20 });
      if (stats().executor !== 'cluster') this.skip(); // the local executor has no memory limit
      const x = randomArray([4000, 256], [100, 256], { seed: 5, recomputeOnly });
      const arrayBytes = 4000 * 256 * 8;
      const colSums = await x.sum(0).toArray();
      const rowSums = await x.sum(1).toArray();
      if (recomputeOnly) {
        expect(stats().recomputed).to.be.above(0);
        // Blocks and fetched copies of them are dropped; only small partial sums may spill.
        expect(stats().bytesSpilled).to.be.below(arrayBytes / 16);
      } else {
        expect(stats().recomputed).to.equal(0);
        expect(stats().bytesSpilled).to.be.above(arrayBytes / 4);
      }
      const total0 = colSums[0]?.reduce((a, b) => a + b, 0) ?? 0;
      const total1 = rowSums.reduce((a, row) => a + (row[0] as number), 0);
      expect(total0).to.be.closeTo(total1, 1e-9 * total1);
      // 1,024,000 uniforms: the mean is 0.5 with standard deviation 0.0003.
      expect(total0 / (4000 * 256)).to.be.closeTo(0.5, 0.002);
    });
  }
});
