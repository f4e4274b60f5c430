/**
 * The runtime bench: empty tasks per second through the public API, and MB/s of a large block moved
 * worker-to-worker, on 2 workers; then the same two figures for Dask distributed
 * (`LocalCluster(n_workers=2, threads_per_worker=1)`, bench/runtime/dask_runtime.py) in the same run.
 *
 *   npm run build && node dist/bench/runtime/run.js [--tasks 10000] [--mb 128] [--rounds 5] [--no-dask]
 *
 * Each figure is the median of `rounds` rounds after one warm-up round. Tasks/s: `tasks` independent
 * empty tasks submitted at once, timed until every result is back on the driver. Transfer: a block made
 * on worker 1 (and awaited), then a task pinned to worker 2 that needs it, timed from submit to result.
 * Writes bench/results/runtime.json. Dask comes from bench/.venv (bash bench/install-peers.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { get, getAll, init, shutdown, stats, submit, workers } from '../../lib/runtime/index.js';
import { benchTaskModule, empty, makeBlock, nbytes } from './tasks.js';

const root = new URL('../../../', import.meta.url).pathname;
const python = `${root}bench/.venv/bin/python`;

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    mb: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '5' },
    'no-dask': { type: 'boolean', default: false },
  },
});
const nTasks = Number(values.tasks);
const mb = Number(values.mb);
const rounds = Number(values.rounds);

/** Figures of one system: one value per measured round. */
interface Figures {
  tasksPerSecond: number[];
  mbPerSecond: number[];
  version?: string;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function dislibFigures(): Promise<Figures> {
  await init({ executor: 'cluster', workers: 2, taskModules: [benchTaskModule] });
  try {
    const [w1, w2] = workers();
    if (w1 === undefined || w2 === undefined) throw new Error('expected 2 workers');
    const tasksPerSecond: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t0 = performance.now();
      const fs = Array.from({ length: nTasks }, (_, i) => submit(empty, [i]));
      const out = await getAll(fs);
      const dt = (performance.now() - t0) / 1000;
      if (out.length !== nTasks || out[nTasks - 1] !== nTasks - 1) throw new Error('wrong results');
      for (const f of fs) f.dispose();
      if (r > 0) tasksPerSecond.push(nTasks / dt);
    }
    const n = Math.round((mb * 2 ** 20) / 8);
    const mbPerSecond: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const block = submit(makeBlock, [n], { worker: w1.id });
      await get(submit(nbytes, [block], { worker: w1.id }));
      const moved0 = stats().bytesMoved;
      const t0 = performance.now();
      const bytes = await get(submit(nbytes, [block], { worker: w2.id }));
      const dt = (performance.now() - t0) / 1000;
      if (bytes !== n * 8 || stats().bytesMoved - moved0 < n * 8) throw new Error('the block did not move between workers');
      block.dispose();
      if (r > 0) mbPerSecond.push(mb / dt);
    }
    return { tasksPerSecond, mbPerSecond };
  } finally {
    await shutdown();
  }
}

function daskFigures(): Figures | { error: string } {
  if (!existsSync(python)) return { error: `${python} not found (bash bench/install-peers.sh)` };
  const r = spawnSync(python, [`${root}bench/runtime/dask_runtime.py`, '--tasks', String(nTasks), '--mb', String(mb), '--rounds', String(rounds)], {
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) return { error: `dask_runtime.py exited with ${String(r.status ?? r.signal)}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Figures;
}

const dislib = await dislibFigures();
const dask = values['no-dask'] ? { error: 'skipped (--no-dask)' } : daskFigures();

const row = (name: string, f: Figures | { error: string }): string[] =>
  'error' in f ? [name, '-', '-', f.error] : [name, median(f.tasksPerSecond).toFixed(0), median(f.mbPerSecond).toFixed(0), f.version ?? ''];
const table = [['system', 'empty tasks/s', `MB/s (${mb} MB block)`, 'note'], row('dislib-ts', dislib), row('dask.distributed', dask)];
const widths = table[0]?.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length))) ?? [];
for (const r of table) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));

const ratios =
  'error' in dask
    ? undefined
    : {
        tasksPerSecond: median(dislib.tasksPerSecond) / median(dask.tasksPerSecond),
        mbPerSecond: median(dislib.mbPerSecond) / median(dask.mbPerSecond),
      };
if (ratios !== undefined) {
  console.log(`ratios dislib-ts / dask: tasks/s ${ratios.tasksPerSecond.toFixed(2)}x (goal >= 2), transfer ${ratios.mbPerSecond.toFixed(2)}x (goal >= 0.8)`);
}

await mkdir(`${root}bench/results`, { recursive: true });
await writeFile(
  `${root}bench/results/runtime.json`,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus()[0]?.model ?? '?', parallelism: availableParallelism(), node: process.version },
      settings: { workers: 2, tasks: nTasks, blockMB: mb, rounds, statistic: 'median' },
      dislib: { ...dislib, median: { tasksPerSecond: median(dislib.tasksPerSecond), mbPerSecond: median(dislib.mbPerSecond) } },
      dask: 'error' in dask ? dask : { ...dask, median: { tasksPerSecond: median(dask.tasksPerSecond), mbPerSecond: median(dask.mbPerSecond) } },
      ratios: ratios ?? null,
      goals: { tasksPerSecond: 2, mbPerSecond: 0.8 },
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/runtime.json');
