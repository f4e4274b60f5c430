import { expect } from 'chai';
import { get, stats, story, submit, workers } from '../../lib/runtime/index.js';
import type { Future } from '../../lib/runtime/index.js';
import { alive, taskFailure, withCluster } from './helpers.js';
import { blockSum, inc, killSelf, makeBlock, slowAdd, slowBlock, block } from './tasks.js';

/** 100 leaves + 99 pairwise adds + 1 sum = 200 tasks; the float result depends on the combination order. */
function treeReduction(): Future<number> {
  let level: Future<Float64Array>[] = Array.from({ length: 100 }, (_, i) => submit(slowBlock, [i + 1, 2000, 15]));
  while (level.length > 1) {
    const next: Future<Float64Array>[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const b = level[i + 1];
      next.push(b === undefined ? (level[i] as Future<Float64Array>) : submit(slowAdd, [level[i] as Future<Float64Array>, b, 10]));
    }
    level = next;
  }
  return submit(blockSum, [level[0] as Future<Float64Array>]);
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('cluster executor under failures', function () {
  this.timeout(90_000);

  it('kill -9 of one of 4 workers during a 200-task tree reduction gives the bit-identical result', async () => {
    await withCluster({ workers: 4, deadlineMs: 60_000 }, async () => {
      const clean = await get(treeReduction());
      const before = stats();
      const result = treeReduction();
      await waitFor(() => stats().tasksRun >= before.tasksRun + 70, 30_000);
      const victim = workers()[1];
      if (victim === undefined) throw new Error('no worker to kill');
      process.kill(victim.pid, 'SIGKILL');
      const faulty = await get(result);
      expect(Object.is(faulty, clean)).to.equal(true);
      const s = stats();
      expect(s.workersLost).to.be.at.least(1);
      expect(s.retries).to.be.at.least(1);
      expect(alive(victim.pid)).to.equal(false);
      expect(workers().map((w) => w.id)).to.not.include(victim.id);
    });
  });

  it('recomputes a lost result from lineage when its only holder dies', async () => {
    await withCluster({ workers: 2 }, async () => {
      const holder = workers()[0];
      if (holder === undefined) throw new Error('no worker');
      const a = submit(block, [3, 5000], { worker: holder.id });
      const s = submit(blockSum, [a], { worker: holder.id });
      const first = await get(s);
      process.kill(holder.pid, 'SIGKILL');
      await waitFor(() => !workers().some((w) => w.id === holder.id), 10_000);
      const again = await get(submit(blockSum, [a]));
      expect(Object.is(again, first)).to.equal(true);
      expect(await get(a)).to.deep.equal(makeBlock(3, 5000));
      expect(stats().recomputed).to.be.at.least(1);
    });
  });

  it('removes a worker that stops answering heartbeats (SIGSTOP) within seconds and recomputes what it held', async () => {
    await withCluster({ workers: 2 }, async () => {
      const [frozen, other] = workers();
      if (frozen === undefined || other === undefined) throw new Error('expected 2 workers');
      const a = submit(block, [9, 1000], { worker: frozen.id });
      const first = await get(submit(blockSum, [a], { worker: frozen.id }));
      process.kill(frozen.pid, 'SIGSTOP');
      const t0 = Date.now();
      // `other` starts fetching `a` from the frozen worker; once that one is removed, `a` is recomputed
      // and the task runs again with the new holder.
      const there = submit(blockSum, [a], { worker: other.id });
      const again = await get(submit(blockSum, [a]));
      expect(Object.is(await get(there), first)).to.equal(true);
      const took = Date.now() - t0;
      expect(Object.is(again, first)).to.equal(true);
      expect(took).to.be.below(15_000);
      expect(stats().workersLost).to.equal(1);
      expect(workers().map((w) => w.id)).to.not.include(frozen.id);
      await waitFor(() => !alive(frozen.pid), 5000);
      const reasons = story(a).map((t) => t.why);
      expect(reasons.some((r) => r.includes('no heartbeat'))).to.equal(true);
      expect(story(a).map((t) => t.to)).to.include('memory');
    });
  });

  it('a task that kills its worker every time fails with TaskFailedError (killed-worker) within 60 s', async () => {
    await withCluster({ workers: 2, deadlineMs: 60_000 }, async () => {
      const t0 = Date.now();
      const poison = submit(killSelf, []);
      const dependent = submit(inc, [poison]);
      const e = await taskFailure(dependent);
      expect(e.task).to.equal('rt.killSelf');
      expect(e.context.reason).to.equal('killed-worker');
      expect(e.message).to.contain('killed 3 workers');
      expect(Date.now() - t0).to.be.below(60_000);
      expect(stats().workersLost).to.equal(3);
      // the cluster keeps working with replacement workers
      expect(await get(submit(inc, [41]))).to.equal(42);
    });
  });
});
