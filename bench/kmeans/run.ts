/**
 * The K-means bench: dislib-ts against scikit-learn, Spark MLlib (row and block solvers) and Dask-ML on
 * the same data (uniform random, 100 features, written once as .npy), the same initial centers (the
 * first k rows; Spark MLlib cannot take given centers and starts from seeded random rows), tol 0 and a
 * fixed number of iterations; time per iteration by differencing two fits (see peers/common.py), so
 * loading and initialisation are excluded. Failures (exit, out of memory, timeout) are results.
 * Then dislib-ts alone on recompute-only generated data (1e9 x 50 and 5e8 x 100, k 500, 5 iterations).
 *
 *   npm run build && node dist/bench/kmeans/run.js [--quick] [--big | --big-only] [--sizes 1e5,1e6] [--ks 500,8]
 *       [--iters 5] [--systems dislib-ts,scikit-learn,spark-mllib,dask-ml] [--spark-solvers row,block]
 *       [--timeout 1800] [--workers 2] [--big-shapes 1000000000x50,500000000x100] [--merge]
 *   --quick: 5e4 x 100, 3 iterations, Spark's block solver only, 240 s per peer.
 *   --merge: keep the results of the previous kmeans.json that this run does not measure again (a ladder
 *       run in parts, such as the large sizes with other options, ends in one table and one figure).
 *
 * Writes bench/results/kmeans.json and the figure bench/results/kmeans.{svg,png,vl.json}.
 * Peers come from bench/.venv (bash bench/install-peers.sh); missing ones are recorded as such.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { init, randomArray, saveNpy, shutdown } from '../../lib/index.js';
import { python, pythonHas, runPeer } from '../peers.js';
import { plotKMeans } from './plot.js';

const root = new URL('../../../', import.meta.url).pathname;
const resultsDir = `${root}bench/results`;
const peersDir = `${root}bench/kmeans/peers`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    big: { type: 'boolean', default: false },
    'big-only': { type: 'boolean', default: false },
    sizes: { type: 'string' },
    ks: { type: 'string', default: '500,8' },
    iters: { type: 'string' },
    systems: { type: 'string', default: 'dislib-ts,scikit-learn,spark-mllib,dask-ml' },
    timeout: { type: 'string' },
    workers: { type: 'string', default: '2' },
    'big-shapes': { type: 'string', default: '1000000000x50,500000000x100' },
    'spark-solvers': { type: 'string' },
    merge: { type: 'boolean', default: false },
  },
});

const quick = values.quick;
const sizes = (values.sizes ?? (quick ? '5e4' : '1e5,3e5,1e6,3e6,1e7')).split(',').map(Number);
const ks = values.ks.split(',').map(Number);
const iters = Number(values.iters ?? (quick ? 3 : 5));
const timeoutS = Number(values.timeout ?? (quick ? 240 : 1800));
const workers = Number(values.workers);
const systems = values.systems.split(',');
// Quick runs keep Spark's block solver only (its fastest on dense data): one JVM start is already long.
const sparkSolvers = (values['spark-solvers'] ?? (quick ? 'block' : 'row,block')).split(',');
const D = 100;

/** One measured (or failed) point. */
interface Result {
  system: string;
  n: number;
  d: number;
  k: number;
  status: 'ok' | 'failed' | 'timeout' | 'out of memory' | 'not installed' | 'skipped';
  secondsPerIter?: number;
  gflops?: number;
  reason?: string;
  [field: string]: unknown;
}

interface Peer {
  system: string;
  /** Names the peer reports, one per result line (Spark reports one per solver). */
  reports: string[];
  command: (data: string) => string[];
  module?: string;
}

const peers: Peer[] = [
  {
    system: 'dislib-ts',
    reports: ['dislib-ts'],
    command: (data) => [process.execPath, `${root}dist/bench/kmeans/dislib-peer.js`, '--data', data, '--k', ks.join(','), '--iters', String(iters), '--workers', String(workers)],
  },
  { system: 'scikit-learn', reports: ['scikit-learn'], module: 'sklearn', command: (data) => [python, `${peersDir}/sklearn_kmeans.py`, ...pyArgs(data)] },
  {
    system: 'spark-mllib',
    reports: sparkSolvers.map((s) => `spark-mllib-${s}`),
    module: 'pyspark',
    command: (data) => [python, `${peersDir}/spark_kmeans.py`, ...pyArgs(data), '--solver', sparkSolvers.join(',')],
  },
  { system: 'dask-ml', reports: ['dask-ml'], module: 'dask_ml', command: (data) => [python, `${peersDir}/dask_kmeans.py`, ...pyArgs(data)] },
];

function pyArgs(data: string): string[] {
  return ['--data', data, '--k', ks.join(','), '--iters', String(iters), '--threads', String(workers)];
}

async function writeData(n: number, path: string): Promise<number> {
  const t0 = performance.now();
  await init({ workers });
  try {
    await saveNpy(randomArray([n, D], [Math.ceil(n / (4 * workers)), D], { seed: 20200626 }), path);
  } finally {
    await shutdown();
  }
  return (performance.now() - t0) / 1000;
}

function fmt(s: number | undefined): string {
  if (s === undefined) return '';
  return s >= 100 ? s.toFixed(0) : s >= 1 ? s.toFixed(2) : s.toFixed(4);
}

function table(results: readonly Result[]): string {
  // Peers in their fixed order and rows by size then k, however a merged run listed them.
  const order = peers.flatMap((p) => p.reports);
  const names = [...new Set(results.filter((r) => r.system !== 'dislib-ts').map((r) => r.system))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const head = ['n', 'k', 'dislib-ts s/iter', 'GFLOP/s', ...names.map((s) => `${s} s/iter (x)`)];
  const rows: string[][] = [];
  const keys = [...new Set(results.map((r) => `${r.n}|${r.k}`))].map((key) => key.split('|').map(Number) as [number, number]);
  keys.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  for (const [n, k] of keys) {
    const here = results.filter((r) => r.n === n && r.k === k);
    const ours = here.find((r) => r.system === 'dislib-ts');
    const cell = (r: Result | undefined): string => {
      if (r === undefined) return '-';
      if (r.status !== 'ok') return r.status;
      const ratio = ours?.secondsPerIter !== undefined ? ` (${((r.secondsPerIter as number) / ours.secondsPerIter).toFixed(2)}x)` : '';
      return `${fmt(r.secondsPerIter)}${ratio}`;
    };
    rows.push([
      n.toExponential(0),
      String(k),
      ours?.status === 'ok' ? fmt(ours.secondsPerIter) : (ours?.status ?? '-'),
      ours?.gflops !== undefined ? ours.gflops.toFixed(1) : '',
      ...names.map((s) => cell(here.find((r) => r.system === s))),
    ]);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((x, c) => x.padEnd(widths[c] as number)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function toResult(line: Record<string, unknown>): Result {
  const r = { ...line, status: 'ok' } as Result;
  r.gflops ??= (2 * r.n * r.d * r.k) / (r.secondsPerIter as number) / 1e9;
  return r;
}

async function ladder(results: Result[]): Promise<void> {
  const dataDir = `${resultsDir}/data`;
  await mkdir(dataDir, { recursive: true });
  const out: Set<string> = new Set(); // peers that failed at a smaller size: not run on larger ones
  for (const n of sizes) {
    const path = `${dataDir}/kmeans-${n}x${D}.npy`;
    const genS = await writeData(n, path);
    console.log(`# n=${n}: data written in ${genS.toFixed(1)} s (${path})`);
    for (const peer of peers.filter((p) => systems.includes(p.system))) {
      const missing = (status: Result['status'], reason: string): void => {
        for (const system of peer.reports) for (const k of ks) results.push({ system, n, d: D, k, status, reason });
      };
      if (!pythonHas(peer.module)) {
        missing('not installed', 'run bash bench/install-peers.sh');
        continue;
      }
      if (out.has(peer.system)) {
        missing('skipped', 'failed at a smaller size');
        continue;
      }
      const t0 = performance.now();
      const run = await runPeer(peer.command(path), { cwd: peersDir, threads: workers, limitS: timeoutS });
      for (const line of run.lines) results.push(toResult(line));
      for (const system of peer.reports) {
        for (const k of ks) {
          if (!run.lines.some((l) => l.system === system && l.k === k)) {
            results.push({ system, n, d: D, k, status: run.failure ?? 'failed', reason: run.reason ?? 'no result line' });
            out.add(peer.system);
          }
        }
      }
      console.log(`#   ${peer.system}: ${((performance.now() - t0) / 1000).toFixed(1)} s${run.failure ? ` (${run.failure}: ${run.reason})` : ''}`);
    }
    await rm(path, { force: true });
  }
}

async function big(results: Result[]): Promise<void> {
  for (const shape of values['big-shapes'].split(',')) {
    const [n, d] = shape.split('x').map(Number) as [number, number];
    const argv = [process.execPath, `${root}dist/bench/kmeans/dislib-peer.js`, '--generate', shape, '--k', '500', '--iters', '5', '--workers', String(workers)];
    const t0 = performance.now();
    const run = await runPeer(argv, { cwd: peersDir, threads: workers, limitS: Number(values.timeout ?? 4 * 3600) });
    for (const line of run.lines) results.push(toResult(line));
    if (run.lines.length === 0) results.push({ system: 'dislib-ts', n, d, k: 500, status: run.failure ?? 'failed', reason: run.reason ?? 'no result line', recomputeOnly: true });
    console.log(`# ${shape} recompute-only: ${((performance.now() - t0) / 1000).toFixed(0)} s${run.failure ? ` (${run.failure}: ${run.reason})` : ''}`);
  }
}

const started = new Date();
const measured: Result[] = [];
if (!values['big-only']) await ladder(measured);
if (values.big || values['big-only']) await big(measured);

/** Results of the previous run (with --merge) that this one did not measure again, then this run's. */
async function merged(): Promise<{ results: Result[]; previousRuns: unknown[] }> {
  const path = `${resultsDir}/kmeans.json`;
  if (!values.merge || !existsSync(path)) return { results: measured, previousRuns: [] };
  const prev = JSON.parse(await readFile(path, 'utf8')) as { started: string; config: unknown; results: Result[]; previousRuns?: unknown[] };
  const id = (r: Result): string => `${r.system}|${r.n}|${r.d}|${r.k}|${r.recomputeOnly === true}`;
  const now = new Set(measured.map(id));
  return {
    results: [...prev.results.filter((r) => !now.has(id(r))), ...measured],
    previousRuns: [...(prev.previousRuns ?? []), { started: prev.started, config: prev.config }],
  };
}

const { results, previousRuns } = await merged();
await mkdir(resultsDir, { recursive: true });
const doc = {
  bench: 'kmeans',
  started: started.toISOString(),
  seconds: (Date.now() - started.getTime()) / 1000,
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, node: process.version },
  config: { quick, sizes, d: D, ks, iters, tol: 0, workers, timeoutS, data: 'uniform [0, 1), seed 20200626, float64 .npy', init: 'first k rows (Spark MLlib: initMode random, seed 1)', timing: '(T(1 + iters) - T(1)) / iters' },
  previousRuns,
  results,
};
await writeFile(`${resultsDir}/kmeans.json`, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`\nK-means, ${D} features, ${iters} iterations, tol 0, ${workers} cores; seconds per iteration (peer / dislib-ts)\n`);
console.log(table(results.filter((r) => r.recomputeOnly !== true)));
for (const r of results.filter((x) => x.recomputeOnly === true)) {
  console.log(`recompute-only ${r.n} x ${r.d}, k ${r.k}: ${r.status === 'ok' ? `${fmt(r.fitSeconds as number)} s wall, ${fmt(r.secondsPerIter)} s/iter, ${r.gflops?.toFixed(1)} GFLOP/s` : `${r.status} (${r.reason})`}`);
}
const ok = results.filter((r) => r.status === 'ok' && r.recomputeOnly !== true);
if (ok.length > 0) {
  const paths = await plotKMeans(
    ok.map((r) => ({ system: r.system, n: r.n, k: r.k, secondsPerIter: r.secondsPerIter as number })),
    `${resultsDir}/kmeans`,
    `K-means time per iteration (${D} features, ${workers} cores)`,
  );
  console.log(`\nwrote ${resultsDir}/kmeans.json, ${paths.join(', ')}`);
}
