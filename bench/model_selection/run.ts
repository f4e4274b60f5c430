/**
 * The GridSearchCV bench: dislib-ts GridSearchCV against scikit-learn GridSearchCV(n_jobs=2) and Spark ML
 * CrossValidator(parallelism=2), KMeans over the same candidates (nClusters x maxIter, tol 0) and the same
 * folds (KFold without shuffling) on the same data (makeBlobs, written once as .npy), in one run; each
 * system refits the best candidate, as their defaults do. Wall time of the whole search (median of
 * --repeats), data loading apart. Failures (exit, out of memory, timeout) are results.
 *
 *   npm run build && node dist/bench/model_selection/run.js [--n 200000] [--d 50] [--ks 4,8,16,32] [--iters 5,10]
 *       [--folds 5] [--parallelism 2] [--repeats 2] [--systems dislib-ts,scikit-learn,spark-ml] [--timeout 1800]
 *
 * Writes bench/results/model_selection.json. Peers come from bench/.venv (bash bench/install-peers.sh).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { init, makeBlobs, saveNpy, shutdown } from '../../lib/index.js';
import { python, pythonHas, runPeer } from '../peers.js';

const root = new URL('../../../', import.meta.url).pathname;
const resultsDir = `${root}bench/results`;
const peersDir = `${root}bench/model_selection/peers`;

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200000' },
    d: { type: 'string', default: '50' },
    ks: { type: 'string', default: '4,8,16,32' },
    iters: { type: 'string', default: '5,10' },
    folds: { type: 'string', default: '5' },
    parallelism: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '2' },
    systems: { type: 'string', default: 'dislib-ts,scikit-learn,spark-ml' },
    timeout: { type: 'string', default: '1800' },
  },
});
const n = Number(values.n);
const d = Number(values.d);
const folds = Number(values.folds);
const parallelism = Number(values.parallelism);

interface Result {
  system: string;
  status: 'ok' | 'failed' | 'timeout' | 'out of memory' | 'not installed';
  seconds?: number;
  reason?: string;
  [field: string]: unknown;
}

/** Why a peer gave no result line. */
interface Failure {
  failure: Result['status'];
  reason: string;
}

const common = ['--ks', values.ks, '--iters', values.iters, '--folds', String(folds), '--parallelism', String(parallelism), '--repeats', values.repeats];
const peers: { system: string; module?: string; argv: (data: string) => string[] }[] = [
  {
    system: 'dislib-ts',
    argv: (data) => [process.execPath, `${root}dist/bench/model_selection/dislib-peer.js`, '--data', data, ...common, '--block-rows', String(Math.ceil(n / (4 * folds)))],
  },
  { system: 'scikit-learn', module: 'sklearn', argv: (data) => [python, `${peersDir}/sklearn_gridsearch.py`, '--data', data, ...common] },
  { system: 'spark-ml', module: 'pyspark', argv: (data) => [python, `${peersDir}/spark_crossvalidator.py`, '--data', data, ...common] },
];

function isFailure(r: Result | Failure): r is Failure {
  return 'failure' in r;
}

/** Runs a peer; resolves with its result line or why there is none. */
async function run(argv: string[], limitS: number): Promise<Result | Failure> {
  const r = await runPeer(argv, { cwd: peersDir, threads: parallelism, limitS });
  const line = r.lines[0];
  if (line !== undefined) return { ...(line as Result), status: 'ok' };
  return { failure: r.failure ?? 'failed', reason: r.reason ?? 'no result line' };
}

await mkdir(`${resultsDir}/data`, { recursive: true });
const data = `${resultsDir}/data/gridsearch-${n}x${d}.npy`;
const t0 = performance.now();
await init({ workers: parallelism });
try {
  const { x } = makeBlobs({ nSamples: n, nFeatures: d, centers: 16, clusterStd: 4, randomState: 20200626, blockSize: [Math.ceil(n / 8), d] });
  await saveNpy(x, data);
} finally {
  await shutdown();
}
console.log(`# data: makeBlobs ${n} x ${d} (16 centers) written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const started = new Date();
const results: Result[] = [];
for (const peer of peers.filter((p) => values.systems.split(',').includes(p.system))) {
  if (!pythonHas(peer.module)) {
    results.push({ system: peer.system, status: 'not installed', reason: 'run bash bench/install-peers.sh' });
    continue;
  }
  const t = performance.now();
  const r = await run(peer.argv(data), Number(values.timeout));
  results.push(isFailure(r) ? { system: peer.system, status: r.failure, reason: r.reason } : r);
  console.log(`#   ${peer.system}: ${((performance.now() - t) / 1000).toFixed(1)} s${isFailure(r) ? ` (${r.failure}: ${r.reason})` : ''}`);
}
await rm(data, { force: true });

const ours = results.find((r) => r.system === 'dislib-ts' && r.status === 'ok');
const ks = values.ks.split(',');
const iters = values.iters.split(',');
console.log(
  `\nGridSearchCV over KMeans: ${ks.length * iters.length} candidates (nClusters ${ks.join(',')} x maxIter ${iters.join(',')}, tol 0) x ${folds} folds + refit, ` +
    `${n} x ${d}, parallelism ${parallelism}; median wall seconds of the search (peer / dislib-ts)\n`,
);
console.log('| system | seconds | ratio | best (nClusters, maxIter) | load s |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  if (r.status !== 'ok') {
    console.log(`| ${r.system} | ${r.status} | | | |`);
    continue;
  }
  const best = r.best as { nClusters: number; maxIter: number };
  const ratio = ours?.seconds !== undefined ? `${((r.seconds as number) / ours.seconds).toFixed(2)}x` : '';
  console.log(`| ${r.system} ${r.version as string} | ${(r.seconds as number).toFixed(2)} | ${ratio} | ${best.nClusters}, ${best.maxIter} | ${(r.loadSeconds as number).toFixed(2)} |`);
}
await mkdir(resultsDir, { recursive: true });
const doc = {
  bench: 'model_selection',
  started: started.toISOString(),
  machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memoryGiB: totalmem() / 2 ** 30, node: process.version },
  config: { n, d, ks, iters, folds, parallelism, repeats: Number(values.repeats), data: 'makeBlobs, 16 centers, clusterStd 4, randomState 20200626' },
  results,
};
await writeFile(`${resultsDir}/model_selection.json`, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`\nwrote ${resultsDir}/model_selection.json`);
