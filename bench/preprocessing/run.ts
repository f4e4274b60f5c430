/**
 * The preprocessing bench: StandardScaler fit + transform on n x d uniform data, dislib-ts against
 * scikit-learn in one run. dislib-ts data are generated on the workers (in row blocks, equal rows per
 * worker) and held in memory before timing; the transform is complete when every transformed block
 * exists on its worker (nothing is collected, as scikit-learn's result stays in its process). Each
 * system repeats the measure; the table reports medians and their ratio.
 *
 *   npm run build && node dist/bench/preprocessing/run.js [--rows 2e6] [--cols 100] [--repeats 5]
 *       [--workers 2] [--blocks-per-worker 4] [--python bench/.venv/bin/python]
 *
 * Writes bench/results/preprocessing.json. The peer needs numpy and scikit-learn (bash bench/install-peers.sh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { getAll, init, randomArray, shutdown, StandardScaler, submit, type DsArray } from '../../lib/index.js';
import { median } from '../stats.js';
import { rowsOf, scalerBenchTaskModule } from './tasks.js';

const root = new URL('../../../', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2e6' },
    cols: { type: 'string', default: '100' },
    repeats: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    'blocks-per-worker': { type: 'string', default: '4' },
    python: { type: 'string' },
  },
});
const rows = Number(values.rows);
const cols = Number(values.cols);
const repeats = Number(values.repeats);
const workers = Number(values.workers);
const venv = `${root}bench/.venv/bin/python`;
const python = values.python ?? (existsSync(venv) ? venv : 'python3');

/** Waits until every block of `x` exists on its worker. */
async function materialize(x: DsArray): Promise<void> {
  await getAll(x.blocks.flat().map((b) => submit(rowsOf, [b])));
}

async function dislib(): Promise<number[]> {
  await init({ workers, taskModules: [scalerBenchTaskModule] });
  try {
    const blockRows = Math.ceil(rows / (workers * Number(values['blocks-per-worker'])));
    const x = randomArray([rows, cols], [blockRows, cols], { seed: 0 });
    await materialize(x);
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const scaler = await new StandardScaler().fit(x);
      const z = scaler.transform(x);
      await materialize(z);
      seconds.push((performance.now() - t0) / 1000);
      for (const row of z.blocks) for (const f of row) f.dispose();
    }
    return seconds;
  } finally {
    await shutdown();
  }
}

function sklearn(): { version: string; seconds: number[] } | { error: string } {
  const out = spawnSync(python, [`${root}bench/preprocessing/sklearn_scaler.py`, String(rows), String(cols), String(repeats)], { encoding: 'utf8' });
  if (out.status !== 0) return { error: `${python} exited with ${out.status}: ${out.stderr.trim().split('\n').at(-1) ?? ''}` };
  return JSON.parse(out.stdout.trim().split('\n').at(-1) as string) as { version: string; seconds: number[] };
}

const dislibSeconds = await dislib();
const peer = sklearn();
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
  shape: [rows, cols],
  workers,
  repeats,
  dislib: { seconds: dislibSeconds, median: median(dislibSeconds) },
  sklearn: 'error' in peer ? peer : { ...peer, median: median(peer.seconds) },
};
await mkdir(`${root}bench/results`, { recursive: true });
await writeFile(`${root}bench/results/preprocessing.json`, `${JSON.stringify(result, null, 2)}\n`);
const skMedian = 'error' in peer ? Number.NaN : median(peer.seconds);
console.log(`StandardScaler fit + transform, ${rows} x ${cols} float64, ${workers} workers, median of ${repeats} (${result.machine})`);
console.log('| system | median s | runs s | speed-up vs scikit-learn |');
console.log('|---|---|---|---|');
console.log(`| dislib-ts | ${median(dislibSeconds).toFixed(3)} | ${dislibSeconds.map((s) => s.toFixed(3)).join(', ')} | ${(skMedian / median(dislibSeconds)).toFixed(2)}x |`);
if ('error' in peer) console.log(`| scikit-learn | failed: ${peer.error} | | |`);
else console.log(`| scikit-learn ${peer.version} | ${skMedian.toFixed(3)} | ${peer.seconds.map((s) => s.toFixed(3)).join(', ')} | 1.00x |`);
