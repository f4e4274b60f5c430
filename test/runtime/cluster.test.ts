import { expect } from 'chai';
import { ParameterError } from '../../lib/errors.js';
import { defineTask, get, getAll, init, shutdown, stats, submit, submitMany, workers } from '../../lib/runtime/index.js';
import type { Future } from '../../lib/runtime/index.js';
import { taskFailure, withCluster } from './helpers.js';
import { add, addBlocks, blockSum, fail, fadd, firstElement, inc, makeBlock, mutate, noop, pid, split, sumList, block, writeDespiteReadOnly } from './tasks.js';

/** Pairwise tree reduction in a fixed order (the graph alone decides what each task receives). */
function tree(leaves: Future<number>[]): Future<number> {
  let level = leaves;
  while (level.length > 1) {
    const next: Future<number>[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i] as Future<number>;
      const b = level[i + 1];
      next.push(b === undefined ? a : submit(fadd, [a, b]));
    }
    level = next;
  }
  return level[0] as Future<number>;
}

describe('cluster executor', function () {
  this.timeout(60_000);

  it('runs chains, fan-out, fan-in and multi-return tasks on worker processes', async () => {
    await withCluster({ workers: 2 }, async () => {
      expect(workers()).to.have.length(2);
      expect(workers().every((w) => w.pid !== process.pid)).to.equal(true);
      let f = submit(inc, [0]);
      for (let i = 0; i < 50; i++) f = submit(inc, [f]);
      expect(await get(f)).to.equal(51);
      const fan = Array.from({ length: 40 }, (_, i) => submit(add, [f, i]));
      expect(await get(submit(sumList, [fan]))).to.equal(40 * 51 + (39 * 40) / 2);
      const [p, n, d] = submitMany(split, [submit(add, [2, 3])]);
      expect(await getAll([p, n, d])).to.deep.equal([5, -5, 10]);
      expect(await get(submit(add, [p, d]))).to.equal(15);
      const pids = new Set(await getAll(Array.from({ length: 12 }, () => submit(pid, []))));
      expect(pids.has(process.pid)).to.equal(false);
    });
  });

  it('gives every task its own copy of its inputs and returns typed arrays intact', async () => {
    await withCluster({ workers: 2 }, async () => {
      const a = submit(block, [7, 1000]);
      const m = submit(mutate, [a]);
      const [orig, changed] = await getAll([a, m]);
      expect(orig).to.deep.equal(makeBlock(7, 1000));
      expect((changed as Float64Array)[0]).to.equal(99);
      // across workers too: an input moved to another worker and changed there is still intact everywhere
      const [w1, w2] = workers();
      if (w1 === undefined || w2 === undefined) throw new Error('expected 2 workers');
      const b = submit(block, [8, 1000], { worker: w1.id });
      const changedThere = submit(mutate, [b], { worker: w2.id });
      const twice = submit(addBlocks, [[b, b]], { worker: w2.id });
      expect(((await get(changedThere)) as Float64Array)[0]).to.equal(99);
      expect(await get(twice)).to.deep.equal(makeBlock(8, 1000).map((x) => x + x));
      expect(await get(b)).to.deep.equal(makeBlock(8, 1000));
      const sum = await get(submit(blockSum, [submit(addBlocks, [[a, a, a]])]));
      let expected = 0;
      for (const x of makeBlock(7, 1000)) expected += x + x + x;
      expect(sum).to.be.closeTo(expected, 1e-9);
    });
  });

  it('hands stored inputs to read-only tasks without a copy, and copies for the others (cluster and local)', async () => {
    const check = async (): Promise<void> => {
      const w = workers()[0]?.id;
      const on = w === undefined ? {} : { worker: w };
      const b = submit(block, [9, 1000], on);
      const first = makeBlock(9, 1000)[0];
      expect(await get(submit(firstElement, [b], on))).to.equal(first);
      await get(submit(mutate, [b], on));
      expect(await get(submit(firstElement, [b], on))).to.equal(first);
      await get(submit(writeDespiteReadOnly, [b], on));
      expect(await get(submit(firstElement, [b], on))).to.equal(-1);
    };
    await withCluster({ workers: 2 }, check);
    await init({ executor: 'local' });
    try {
      await check();
    } finally {
      await shutdown();
    }
  });

  it('defineTask rejects a readOnly option that is not a boolean, naming it', () => {
    const bad = { readOnly: 'yes' } as unknown as { readOnly: boolean };
    expect(() => defineTask('rt.badReadOnly', (a: number) => a, bad)).to.throw(ParameterError).with.nested.property('context.parameter', 'readOnly');
  });

  it('tree reductions are bit-identical to the local executor', async () => {
    const values = Array.from({ length: 64 }, (_, i) => Math.sin(i) * 1e-3 + 1 / (i + 3));
    let expected = 0;
    {
      // the same tree, combined on the driver in the same order
      let level = values;
      while (level.length > 1) {
        const next: number[] = [];
        for (let i = 0; i < level.length; i += 2) next.push(level[i + 1] === undefined ? (level[i] as number) : (level[i] as number) + (level[i + 1] as number));
        level = next;
      }
      expected = level[0] as number;
    }
    await withCluster({ workers: 3 }, async () => {
      const leaves = values.map((v) => submit(fadd, [v, 0]));
      expect(Object.is(await get(tree(leaves)), expected)).to.equal(true);
    });
  });

  it('completes 10,000 tiny tasks', async () => {
    await withCluster({ workers: 2, deadlineMs: 50_000 }, async () => {
      const t0 = Date.now();
      const leaves = Array.from({ length: 10_000 }, (_, i) => submit(inc, [i]));
      const groups: Future<number>[] = [];
      for (let g = 0; g < 100; g++) groups.push(submit(sumList, [leaves.slice(g * 100, g * 100 + 100)]));
      expect(await get(submit(sumList, [groups]))).to.equal((10_000 * 10_001) / 2);
      const s = stats();
      expect(s.tasksRun).to.equal(10_101);
      expect(s.retries).to.equal(0);
      console.log(`      10,101 tasks in ${Date.now() - t0} ms`);
      for (const l of leaves) l.dispose();
      await get(submit(noop, []));
    });
  });

  it('a thrown error is not retried: it reaches the driver with task, worker and stack, and dependents fail', async () => {
    await withCluster({ workers: 2 }, async () => {
      const bad = submit(fail, ['boom']);
      const dep = submit(inc, [bad]);
      const dep2 = submit(add, [dep, 1]);
      const ok = submit(inc, [1]);
      const ids = workers().map((w) => w.id);
      for (const f of [bad, dep, dep2]) {
        const e = await taskFailure(f);
        expect(e.task).to.equal('rt.fail');
        expect(e.message).to.contain('RangeError: boom');
        expect(ids).to.include(e.workerId);
        expect(e.remoteStack).to.contain('tasks.js');
      }
      expect(await get(ok)).to.equal(2);
      const s = stats();
      expect(s.tasksFailed).to.equal(1);
      expect(s.retries).to.equal(0);
      expect(s.tasksRun).to.equal(1);
    });
  });
});
