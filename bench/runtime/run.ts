/**
 * The runtime bench: empty tasks per second through the public API, and MB/s of a large block moved
 * worker-to-worker, on 2 workers; the same two figures for Dask distributed
 * (`LocalCluster(n_workers=2, threads_per_worker=1)`, bench/runtime/dask_runtime.py) in the same run.
 *
 *   npm run build && node dist/bench/runtime/run.js [--tasks 5000] [--mb 128] [--rounds 7] [--no-dask]
 *
 * Both clusters start first; then dislib-ts and Dask rounds alternate, so that both see the same
 * machine load; each figure is the median of `rounds` rounds after one warm-up round. Tasks/s: `tasks`
 * independent empty tasks submitted at once, timed until every result is back on the driver/client.
 * Transfer: a block made on worker 1 (and awaited), then a task pinned to worker 2 that needs it, timed
 * from submit to result. Writes bench/results/runtime.json. Dask comes from bench/.venv
 * (bash bench/install-peers.sh).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { get, getAll, init, shutdown, stats, submit, workers, type WorkerInfo } from '../../lib/runtime/index.js';
import { benchTaskModule, empty, makeBlock, nbytes } from './tasks.js';
import { median } from '../stats.js';

const root = new URL('../../../', import.meta.url).pathname;
const python = `${root}bench/.venv/bin/python`;

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '5000' },
    mb: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '7' },
    'no-dask': { type: 'boolean', default: false },
  },
});
const nTasks = Number(values.tasks);
const mb = Number(values.mb);
const rounds = Number(values.rounds);

async function dislibTasksPerSecond(): Promise<number> {
  const t0 = performance.now();
  const fs = Array.from({ length: nTasks }, (_, i) => submit(empty, [i]));
  const out = await getAll(fs);
  const dt = (performance.now() - t0) / 1000;
  if (out.length !== nTasks || out[nTasks - 1] !== nTasks - 1) throw new Error('wrong results');
  for (const f of fs) f.dispose();
  return nTasks / dt;
}

async function dislibMbPerSecond(w1: WorkerInfo, w2: WorkerInfo): Promise<number> {
  const n = Math.round((mb * 2 ** 20) / 8);
  const block = submit(makeBlock, [n], { worker: w1.id });
  await get(submit(nbytes, [block], { worker: w1.id }));
  const moved0 = stats().bytesMoved;
  const t0 = performance.now();
  const bytes = await get(submit(nbytes, [block], { worker: w2.id }));
  const dt = (performance.now() - t0) / 1000;
  if (bytes !== n * 8 || stats().bytesMoved - moved0 < n * 8) throw new Error('the block did not move between workers');
  block.dispose();
  return mb / dt;
}

/** The Dask process: one command per line in, one JSON line out. */
class DaskPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  version = '';

  constructor() {
    this.#child = spawn(python, [`${root}bench/runtime/dask_runtime.py`], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.resume(); // Dask logs; not needed
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async #next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.#lines.next();
    if (done === true) throw new Error(`dask_runtime.py exited (status ${String(this.#child.exitCode)})`);
    return JSON.parse(value) as Record<string, unknown>;
  }

  async ready(): Promise<void> {
    this.version = String((await this.#next()).version);
  }

  async ask(cmd: string, field: 'tasksPerSecond' | 'mbPerSecond'): Promise<number> {
    this.#child.stdin.write(`${cmd}\n`);
    const out = await this.#next();
    if (typeof out[field] !== 'number') throw new Error(`dask: ${JSON.stringify(out)}`);
    return out[field];
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.stdin.end();
    await exited;
  }
}

const results = { dislib: { tasksPerSecond: [] as number[], mbPerSecond: [] as number[] }, dask: { tasksPerSecond: [] as number[], mbPerSecond: [] as number[] } };
const daskNote: string | undefined = values['no-dask'] ? 'skipped (--no-dask)' : existsSync(python) ? undefined : `${python} not found (bash bench/install-peers.sh)`;
const dask = daskNote === undefined ? new DaskPeer() : undefined;
await init({ executor: 'cluster', workers: 2, taskModules: [benchTaskModule] });
try {
  await dask?.ready();
  const [w1, w2] = workers();
  if (w1 === undefined || w2 === undefined) throw new Error('expected 2 workers');
  for (let r = 0; r <= rounds; r++) {
    const a = await dislibTasksPerSecond();
    const b = await dask?.ask(`tasks ${nTasks}`, 'tasksPerSecond');
    if (r === 0) continue; // warm-up
    results.dislib.tasksPerSecond.push(a);
    if (b !== undefined) results.dask.tasksPerSecond.push(b);
  }
  for (let r = 0; r <= rounds; r++) {
    const a = await dislibMbPerSecond(w1, w2);
    const b = await dask?.ask(`transfer ${mb}`, 'mbPerSecond');
    if (r === 0) continue;
    results.dislib.mbPerSecond.push(a);
    if (b !== undefined) results.dask.mbPerSecond.push(b);
  }
} finally {
  await shutdown();
  await dask?.close();
}

const fig = (xs: number[]): string => (xs.length > 0 ? median(xs).toFixed(0) : '-');
const table = [
  ['system', 'empty tasks/s', `MB/s (${mb} MB block)`, 'note'],
  ['dislib-ts', fig(results.dislib.tasksPerSecond), fig(results.dislib.mbPerSecond), `node ${process.version}`],
  ['dask.distributed', fig(results.dask.tasksPerSecond), fig(results.dask.mbPerSecond), daskNote ?? dask?.version ?? ''],
];
const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length))) ?? [];
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  '));
const haveDask = results.dask.mbPerSecond.length > 0;
const ratios = haveDask
  ? {
      tasksPerSecond: median(results.dislib.tasksPerSecond) / median(results.dask.tasksPerSecond),
      mbPerSecond: median(results.dislib.mbPerSecond) / median(results.dask.mbPerSecond),
    }
  : null;
if (ratios !== null) {
  console.log(`ratios dislib-ts / dask: tasks/s ${ratios.tasksPerSecond.toFixed(2)}x (goal >= 2), transfer ${ratios.mbPerSecond.toFixed(2)}x (goal >= 0.8)`);
}

await mkdir(`${root}bench/results`, { recursive: true });
const withMedian = (r: { tasksPerSecond: number[]; mbPerSecond: number[] }): object => ({
  ...r,
  median: { tasksPerSecond: r.tasksPerSecond.length > 0 ? median(r.tasksPerSecond) : null, mbPerSecond: r.mbPerSecond.length > 0 ? median(r.mbPerSecond) : null },
});
await writeFile(
  `${root}bench/results/runtime.json`,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: cpus()[0]?.model ?? '?', parallelism: availableParallelism(), node: process.version, loadAverageAtEnd: loadavg() },
      settings: { workers: 2, tasks: nTasks, blockMB: mb, rounds, statistic: 'median of rounds after one warm-up; dislib-ts and Dask rounds alternate' },
      dislib: withMedian(results.dislib),
      dask: haveDask ? { version: dask?.version, ...withMedian(results.dask) } : { error: daskNote },
      ratios,
      goals: { tasksPerSecond: 2, mbPerSecond: 0.8 },
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/runtime.json');
