/**
 * Out-of-core reduction bench: a recompute-only randomArray of `factor` x the machine's free memory
 * (float64, 100 columns, row blocks of ~64 MB) is generated and column-summed on 2 workers with a 1 GiB
 * memory limit each, so it can only work by streaming. Prints the array size, wall time, GB/s generated
 * and reduced, the peak resident memory of each worker (VmRSS sampled from /proc, and the kernel's VmHWM)
 * and the bytes spilled (expected ~0: recompute-only blocks are dropped, never written to disk).
 *
 *   npm run build && node dist/bench/dsarray/huge-reduce.js [--factor 4] [--seed 42]
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { parseArgs } from 'node:util';
import { randomArray } from '../../lib/dsarray/index.js';
import { kernelBackend } from '../../lib/kernels/index.js';
import { init, shutdown, stats, workers } from '../../lib/runtime/index.js';

const COLS = 100;
const BLOCK_BYTES = 64 * 2 ** 20;
const SAMPLE_MS = 250;
const GB = 1e9;

const { values } = parseArgs({
  options: {
    factor: { type: 'string', default: '4' },
    seed: { type: 'string', default: '42' },
  },
});
const factor = Number(values.factor);
const seed = Number(values.seed);
if (!(factor > 0)) throw new Error(`--factor must be a positive number, got ${values.factor}`);

/** A `kB` field (VmRSS, VmHWM) of /proc/<pid>/status in bytes, or 0 once the process is gone. */
function procStatusBytes(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const free = freemem();
const bytes = factor * free;
const blockRows = Math.floor(BLOCK_BYTES / (8 * COLS));
const n = Math.floor(bytes / (8 * COLS));

await init({ workers: 2, memoryLimit: 2 ** 30 });
try {
  const pids = workers().map((w) => w.pid);
  const peakRss = new Map(pids.map((pid) => [pid, 0]));
  const sampler = setInterval(() => {
    for (const pid of pids) peakRss.set(pid, Math.max(peakRss.get(pid) ?? 0, procStatusBytes(pid, 'VmRSS')));
  }, SAMPLE_MS);

  const t0 = performance.now();
  const x = randomArray([n, COLS], [blockRows, COLS], { seed, recomputeOnly: true });
  const sums = (await x.sum(0).toArray())[0] ?? [];
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);

  // Each column sum is n uniform values: mean n/2, standard deviation sqrt(n/12); their mean has sd sqrt(n/12/COLS).
  const mean = sums.reduce((s, v) => s + v, 0) / sums.length;
  const sigmas = Math.abs(mean - n / 2) / Math.sqrt(n / 12 / COLS);
  const arrayGb = (n * COLS * 8) / GB;
  console.log(`kernels: ${kernelBackend()} (driver), free memory ${(free / GB).toFixed(1)} GB, factor ${factor}`);
  console.log(`array: ${n} x ${COLS} float64 = ${arrayGb.toFixed(1)} GB in ${x.nBlocks[0]} row blocks of ${blockRows} rows (${(blockRows * COLS * 8 / 2 ** 20).toFixed(0)} MiB)`);
  console.log(`wall time: ${seconds.toFixed(1)} s, ${(arrayGb / seconds).toFixed(2)} GB/s generated + reduced`);
  console.log(`mean of column sums: ${mean.toFixed(1)} vs n/2 = ${n / 2} (${sigmas.toFixed(2)} sigma) ${sigmas < 5 ? 'OK' : 'FAIL'}`);
  for (const pid of pids) {
    console.log(`worker pid ${pid}: peak VmRSS sampled ${(peakRss.get(pid)! / 2 ** 20).toFixed(0)} MiB, VmHWM ${(procStatusBytes(pid, 'VmHWM') / 2 ** 20).toFixed(0)} MiB`);
  }
  const s = stats();
  console.log(`bytesSpilled: ${s.bytesSpilled}, bytesMoved: ${s.bytesMoved}, tasks run: ${s.tasksRun}, recomputed: ${s.recomputed}`);
  if (sigmas >= 5) process.exitCode = 1;
} finally {
  await shutdown();
}
