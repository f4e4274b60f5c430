/**
 * The I/O bench: `loadTxtFile` on 2 workers against `numpy.loadtxt` (one core) on the same generated
 * numeric CSV of random doubles, in the same run.
 *
 *   npm run build && node dist/bench/io/run.js [--quick] [--mb 1024] [--cols 20] [--workers 2] [--reps 3]
 *
 * The file (1 GiB, `--quick` 100 MiB) is generated once into the OS temp dir (reused when present with
 * the same size and columns; generation is the only thing not timed). Each repetition times, for each
 * side, load + a reduction to one number: `loadTxtFile(...)` then one sum task per block, collected and
 * added on the driver (runtime already started, as the Python interpreter is), and
 * `np.loadtxt(...).sum()` (bench/io/numpy_loadtxt.py, timed inside Python). Sides alternate within a repetition; medians and their ratio are reported, and the
 * two sums are compared. Writes bench/results/io.json. numpy comes from bench/.venv.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTxtFile } from '../../lib/dsarray/io/index.js';
import { kernelBackend } from '../../lib/kernels/index.js';
import { getAll, init, shutdown, submit, workers } from '../../lib/runtime/index.js';
import { blockSum, ioBenchTaskModule } from './tasks.js';
import { median } from '../stats.js';

const root = new URL('../../../', import.meta.url).pathname;
const python = `${root}bench/.venv/bin/python`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    mb: { type: 'string' },
    cols: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    reps: { type: 'string', default: '3' },
  },
});
const targetBytes = Number(values.mb ?? (values.quick ? 100 : 1024)) * 2 ** 20;
const cols = Number(values.cols);
const nWorkers = Number(values.workers);
const reps = Number(values.reps);

/** Writes rows of `cols` random doubles (shortest round-trip text, mixed magnitudes) until `bytes`. */
async function generate(path: string, bytes: number): Promise<void> {
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const fh = await open(path, 'w');
  try {
    let written = 0;
    while (written < bytes) {
      const lines: string[] = [];
      for (let r = 0; r < 20000; r++) {
        const row: string[] = [];
        for (let c = 0; c < cols; c++) row.push(String((next() - 0.5) * 10 ** Math.floor(next() * 8 - 3)));
        lines.push(row.join(','));
      }
      const chunk = Buffer.from(`${lines.join('\n')}\n`);
      await fh.write(chunk);
      written += chunk.length;
    }
  } finally {
    await fh.close();
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) used so far by this process and the workers; NaN without /proc. */
function cpuSeconds(): number {
  const self = process.cpuUsage();
  let total = (self.user + self.system) / 1e6;
  for (const { pid } of workers()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    } catch {
      return NaN;
    }
  }
  return total;
}

async function dislibOnce(path: string): Promise<{ seconds: number; cpu: number; sum: number; shape: readonly number[] }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const x = await loadTxtFile(path, [65536, cols]);
  const sums = await getAll(x.blocks.flat().map((b) => submit(blockSum, [b])));
  const sum = sums.reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  for (const f of x.blocks.flat()) f.dispose();
  return { seconds, cpu, sum, shape: x.shape };
}

function numpyOnce(path: string): { seconds: number; cpu: number; sum: number; shape: number[]; version: string } {
  const r = spawnSync(python, [`${root}bench/io/numpy_loadtxt.py`, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`numpy_loadtxt.py failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { times: number[]; cpu: number[]; sum: number; shape: number[]; numpy: string };
  return { seconds: out.times[0] as number, cpu: out.cpu[0] as number, sum: out.sum, shape: out.shape, version: out.numpy };
}

async function main(): Promise<void> {
  if (!existsSync(python)) throw new Error(`${python} is missing: create bench/.venv with numpy (bash bench/install-peers.sh)`);
  const path = join(tmpdir(), `dislib-bench-io-${Math.round(targetBytes / 2 ** 20)}mb-${cols}c.csv`);
  if (!existsSync(path) || statSync(path).size < targetBytes) {
    console.log(`generating ${path} ...`);
    await generate(path, targetBytes);
  }
  const size = statSync(path).size;
  const mb = size / 2 ** 20;
  await init({ executor: 'cluster', workers: nWorkers, taskModules: [ioBenchTaskModule] });
  const ours: number[] = [];
  const theirs: number[] = [];
  const oursCpu: number[] = [];
  const theirsCpu: number[] = [];
  let check: { ours: number; numpy: number; shape: readonly number[]; numpyShape: number[] } | undefined;
  let numpyVersion = '';
  try {
    // Warm-up: workers import their task modules and kernels.
    await dislibOnce(path);
    for (let i = 0; i < reps; i++) {
      const a = await dislibOnce(path);
      const b = numpyOnce(path);
      ours.push(a.seconds);
      theirs.push(b.seconds);
      oursCpu.push(a.cpu);
      theirsCpu.push(b.cpu);
      numpyVersion = b.version;
      check = { ours: a.sum, numpy: b.sum, shape: a.shape, numpyShape: b.shape };
      console.log(`rep ${i + 1}: dislib-ts ${a.seconds.toFixed(2)} s (${a.cpu.toFixed(2)} CPU s), numpy.loadtxt ${b.seconds.toFixed(2)} s (${b.cpu.toFixed(2)} CPU s)`);
    }
  } finally {
    await shutdown();
  }
  const [mo, mt] = [median(ours), median(theirs)];
  const speedup = mt / mo;
  const [co, ct] = [median(oursCpu), median(theirsCpu)];
  // Wall time each side would take with its cores to itself: numpy's CPU time, ours spread on the workers.
  const cpuSpeedup = ct / (co / nWorkers);
  const relSumDiff = check ? Math.abs(check.ours - check.numpy) / Math.max(1e-300, Math.abs(check.numpy)) : NaN;
  const rows = [
    ['system', 'median s', 'MiB/s', 'runs (s)', 'median CPU s'],
    [`dislib-ts loadTxtFile (${nWorkers} workers, ${kernelBackend()} parser)`, mo.toFixed(2), (mb / mo).toFixed(1), ours.map((t) => t.toFixed(2)).join(' '), co.toFixed(2)],
    [`numpy.loadtxt ${numpyVersion} (1 core)`, mt.toFixed(2), (mb / mt).toFixed(1), theirs.map((t) => t.toFixed(2)).join(' '), ct.toFixed(2)],
  ];
  console.log(`\nfile: ${path} (${mb.toFixed(0)} MiB, shape ${check?.shape.join(' x ')}), load + sum, ${reps} reps\n`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nspeedup (wall): ${speedup.toFixed(2)}x (goal >= 8x: ${speedup >= 8 ? 'met' : 'NOT met'}); sums differ by ${relSumDiff.toExponential(2)} (relative)`);
  console.log(`speedup from CPU time (numpy CPU / (dislib-ts CPU / ${nWorkers})): ${cpuSpeedup.toFixed(2)}x; load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const result = {
    bench: 'io',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverage: loadavg() },
    file: { bytes: size, cols, shape: check?.shape, numpyShape: check?.numpyShape },
    workload: 'load the CSV, then reduce it to its sum (dislib-ts: loadTxtFile(...) + one sum task per block, added on the driver; numpy: np.loadtxt(...).sum())',
    dislib: { workers: nWorkers, parser: kernelBackend(), seconds: ours, median: mo, mibPerSecond: mb / mo, cpuSeconds: oursCpu, medianCpu: co },
    numpy: { version: numpyVersion, seconds: theirs, median: mt, mibPerSecond: mb / mt, cpuSeconds: theirsCpu, medianCpu: ct },
    speedup,
    cpuSpeedup,
    goal: 8,
    goalMet: speedup >= 8,
    sums: { dislib: check?.ours, numpy: check?.numpy, relativeDifference: relSumDiff },
  };
  await mkdir(`${root}bench/results`, { recursive: true });
  const out = `${root}bench/results/${values.quick ? 'io-quick' : 'io'}.json`;
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
