import { expect } from 'chai';
import type { TaskSpec } from '../../lib/runtime/graph.js';
import { Scheduler, type Action } from '../../lib/runtime/scheduler.js';

function spec(key: string, deps: string[] = [], nOut = 1): TaskSpec {
  const outputs = nOut === 1 ? [key] : Array.from({ length: nOut }, (_, i) => `${key}.${i}`);
  return { key, name: key.split('#')[0] as string, outputs, args: { header: '[]', frames: [] }, deps, recomputeOnly: false };
}

function runs(actions: Action[]): { worker: string; key: string; sources: readonly string[] }[] {
  return actions.flatMap((a) => (a.kind === 'run' ? [{ worker: a.worker, key: a.spec.key, sources: a.sources }] : []));
}

describe('cluster scheduler (sans-IO)', () => {
  it('walks a task through its states and tells its story', () => {
    let clock = 0;
    const s = new Scheduler({ now: () => ++clock });
    expect(runs(s.submit([spec('a#1'), spec('b#2', ['a#1'])]))).to.deep.equal([]);
    expect(s.state('a#1')).to.equal('ready');
    expect(s.state('b#2')).to.equal('waiting');
    expect(runs(s.addWorker('w1'))).to.deep.equal([{ worker: 'w1', key: 'a#1', sources: [] }]);
    const done = s.taskDone('w1', 'a#1', [100], []);
    expect(done).to.deep.include({ kind: 'available', key: 'a#1' });
    expect(runs(done)).to.deep.equal([{ worker: 'w1', key: 'b#2', sources: ['w1'] }]);
    expect(s.story('a#1').map((t) => t.to)).to.deep.equal(['waiting', 'ready', 'queued', 'running', 'memory']);
    expect(s.story('b#2').map((t) => `${t.from}>${t.to}`)).to.deep.equal(['new>waiting', 'waiting>ready', 'ready>queued', 'queued>running']);
    expect(s.story('a#1').every((t, i, all) => i === 0 || t.time > (all[i - 1] as { time: number }).time)).to.equal(true);
  });

  it('places a task where most of its input bytes are, ties to the least-loaded worker', () => {
    const s = new Scheduler({ queueLimit: 4 });
    s.addWorker('w1');
    s.addWorker('w2');
    s.submit([spec('big#1'), spec('small#2')]);
    s.taskDone('w1', 'big#1', [1_000_000], []);
    s.taskDone('w2', 'small#2', [10], []);
    expect(s.whoHas('big#1')).to.deep.equal(['w1']);
    expect(runs(s.submit([spec('join#3', ['small#2', 'big#1'])]))).to.deep.equal([{ worker: 'w1', key: 'join#3', sources: ['w2', 'w1'] }]);
    // no inputs: w2 has the shorter queue
    expect(runs(s.submit([spec('free#4')]))[0]?.worker).to.equal('w2');
  });

  it('spreads tasks without inputs round-robin, whatever order they finish in', () => {
    const s = new Scheduler({ queueLimit: 2 });
    s.addWorker('w1');
    s.addWorker('w2');
    const placed = runs(s.submit(Array.from({ length: 8 }, (_, i) => spec(`r#${i + 1}`))));
    expect(placed.map((r) => r.worker)).to.deep.equal(['w1', 'w2', 'w1', 'w2']);
    // w1 always finishes first: a least-loaded policy would hand it most of the blocks.
    for (let q = s.queueOf('w1')[0] ?? s.queueOf('w2')[0]; q !== undefined; q = s.queueOf('w1')[0] ?? s.queueOf('w2')[0]) {
      placed.push(...runs(s.taskDone(s.queueOf('w1').includes(q) ? 'w1' : 'w2', q, [8], [])));
    }
    expect(placed.filter((r) => r.worker === 'w1')).to.have.length(4);
    expect(placed.filter((r) => r.worker === 'w2')).to.have.length(4);
  });

  it('keeps a task with a large input for its busy holder; small inputs and idle workers move', () => {
    const s = new Scheduler({ queueLimit: 2 });
    s.addWorker('w1');
    s.addWorker('w2');
    s.submit([spec('big#1'), spec('small#2'), spec('tiny#3')]);
    s.taskDone('w1', 'big#1', [8 << 20], []);
    s.taskDone('w2', 'small#2', [100], []);
    s.taskDone('w1', 'tiny#3', [100], []);
    expect(runs(s.submit([spec('hold#4', ['big#1']), spec('hold#5', ['big#1']), spec('hold#6', ['small#2'])])).map((r) => r.worker)).to.deep.equal(['w1', 'w1', 'w2']);
    // w1 is full and w2 busy: 8 MiB would move, so the task waits for w1; 100 bytes move at once.
    expect(runs(s.submit([spec('useBig#7', ['big#1'])]))).to.deep.equal([]);
    expect(s.state('useBig#7')).to.equal('ready');
    expect(runs(s.submit([spec('useTiny#8', ['tiny#3'])]))).to.deep.equal([{ worker: 'w2', key: 'useTiny#8', sources: ['w1'] }]);
    expect(runs(s.taskDone('w1', 'hold#4', [1], []))).to.deep.equal([{ worker: 'w1', key: 'useBig#7', sources: ['w1'] }]);
    // An idle worker takes work rather than wait, large input or not.
    s.taskDone('w2', 'hold#6', [1], []);
    s.taskDone('w2', 'useTiny#8', [1], ['tiny#3']);
    expect(runs(s.submit([spec('useBig#9', ['big#1'])]))).to.deep.equal([{ worker: 'w2', key: 'useBig#9', sources: ['w1'] }]);
  });

  it('gives a freed slot to a task reading inputs before pinned tasks without inputs submitted earlier', () => {
    const s = new Scheduler({ queueLimit: 1 });
    s.addWorker('w1');
    const pinned = (key: string): TaskSpec => ({ ...spec(key), worker: 'w1' });
    expect(runs(s.submit([pinned('range#1'), pinned('range#2'), pinned('range#3')])).map((r) => r.key)).to.deep.equal(['range#1']);
    s.submit([spec('assemble#4', ['range#1'])]);
    // range#1 done: its block is assembled before the next range is parsed.
    expect(runs(s.taskDone('w1', 'range#1', [100], [])).map((r) => r.key)).to.deep.equal(['assemble#4']);
    expect(runs(s.taskDone('w1', 'assemble#4', [100], [])).map((r) => r.key)).to.deep.equal(['range#2']);
  });

  it('keeps a small queue per worker and refills it as tasks finish', () => {
    const s = new Scheduler({ queueLimit: 2 });
    s.addWorker('w1');
    const first = runs(s.submit([spec('t#1'), spec('t#2'), spec('t#3')]));
    expect(first.map((r) => r.key)).to.deep.equal(['t#1', 't#2']);
    expect(s.state('t#3')).to.equal('ready');
    expect(runs(s.taskDone('w1', 't#1', [1], [])).map((r) => r.key)).to.deep.equal(['t#3']);
  });

  it('reruns the task a dead worker was running, recomputes results only it held, and fails a task after 3 kills', () => {
    const s = new Scheduler();
    s.addWorker('w1');
    s.addWorker('w2');
    s.submit([spec('a#1')]);
    s.taskDone('w1', 'a#1', [8], []);
    s.submit([spec('b#2', ['a#1'])]);
    expect(s.queueOf('w1')).to.deep.equal(['b#2']);
    const after = runs(s.removeWorker('w1', 'killed'));
    // a#1 was lost with w1: it is recomputed on w2 first, b#2 waits for it
    expect(after.map((r) => `${r.worker}:${r.key}`)).to.deep.equal(['w2:a#1']);
    expect(s.state('b#2')).to.equal('waiting');
    expect(s.counters.retries).to.equal(2);
    expect(s.counters.recomputed).to.equal(1);
    expect(s.story('a#1').map((t) => t.to)).to.include.members(['released', 'waiting']);
    expect(runs(s.taskDone('w2', 'a#1', [8], []))).to.deep.equal([{ worker: 'w2', key: 'b#2', sources: ['w2'] }]);

    // poison: kills every worker it runs on
    const p = new Scheduler();
    p.addWorker('x1');
    p.submit([spec('poison#1'), spec('after#2', ['poison#1'])]);
    let failed: Action[] = [];
    for (let i = 1; i <= 3; i++) {
      p.addWorker(`x${i + 1}`);
      failed = p.removeWorker(p.queueOf(`x${i}`).length > 0 ? `x${i}` : `x${i + 1}`, 'SIGKILL');
    }
    expect(p.state('poison#1')).to.equal('erred');
    expect(p.state('after#2')).to.equal('erred');
    const f = failed.find((a) => a.kind === 'failed' && a.key === 'after#2');
    expect(f).to.not.equal(undefined);
    expect(f?.kind === 'failed' ? f.failure.reason : '').to.equal('killed-worker');
  });

  it('a thrown error fails the task and its dependents without a retry', () => {
    const s = new Scheduler();
    s.addWorker('w1');
    s.submit([spec('bad#1'), spec('dep#2', ['bad#1']), spec('dep#3', ['dep#2'])]);
    const acts = s.taskErred('w1', 'bad#1', { task: 'bad', key: 'bad#1', message: 'Error: x', reason: 'error', workerId: 'w1' }, []);
    expect(acts.filter((a) => a.kind === 'failed').map((a) => a.key)).to.deep.equal(['bad#1', 'dep#2', 'dep#3']);
    expect(s.counters.retries).to.equal(0);
    expect(s.counters.tasksFailed).to.equal(1);
    expect(s.story('dep#3').at(-1)?.why).to.contain('bad#1');
  });

  it('frees results nobody needs and forgets lineage once released', () => {
    const s = new Scheduler();
    s.addWorker('w1');
    s.submit([spec('a#1'), spec('b#2', ['a#1'])]);
    s.taskDone('w1', 'a#1', [8], []);
    expect(s.release(['a#1'])).to.deep.equal([]); // b#2 still needs it
    const freed = s.taskDone('w1', 'b#2', [8], []);
    expect(freed).to.deep.include({ kind: 'free', worker: 'w1', keys: ['a#1'] });
    expect(s.state('a#1')).to.equal('released'); // kept as lineage of b#2
    s.release(['b#2']);
    expect(s.size).to.equal(0);
    expect(s.story('a#1').at(-1)?.to).to.equal('forgotten');
  });
});
