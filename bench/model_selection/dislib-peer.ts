/**
 * The dislib-ts side of the GridSearchCV bench, run by bench/model_selection/run.ts in a child process;
 * the protocol of peers/common.py: load X once (row blocks that the folds take whole), GridSearchCV over
 * KMeans (first k rows as initial centers, tol 0) on unshuffled KFold, refit, the median of --repeats
 * searches; one JSON line on stdout.
 *
 *   node dist/bench/model_selection/dislib-peer.js --data X.npy --ks 4,8,16,32 --iters 5,10 [--folds 5]
 *       [--parallelism 2] [--repeats 2] [--block-rows 10000]
 */
import { parseArgs } from 'node:util';
import { GridSearchCV, KMeans, init, loadNpyFile, shutdown } from '../../lib/index.js';
import { kernelBackend } from '../../lib/kernels/index.js';
import { median } from '../stats.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    ks: { type: 'string' },
    iters: { type: 'string' },
    folds: { type: 'string', default: '5' },
    parallelism: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '2' },
    'block-rows': { type: 'string', default: '10000' },
  },
});
const ks = (values.ks ?? '4,8').split(',').map(Number);
const iters = (values.iters ?? '5').split(',').map(Number);
const folds = Number(values.folds);
const workers = Number(values.parallelism);

await init({ workers });
const t0 = performance.now();
// Blocks of a quarter fold by default (--block-rows, from the runner that wrote X): every fold boundary is a
// block boundary, so the folds reuse x's blocks; a block spans all columns.
const blockRows = Number(values['block-rows']);
const x = await loadNpyFile(values.data as string, [blockRows, Number.MAX_SAFE_INTEGER]);
const [n, d] = x.shape;
await x.sum().item(); // the blocks are on the workers before the clock starts
const loadSeconds = (performance.now() - t0) / 1000;
const firstRows = await x.slice({ rows: [0, Math.max(...ks)] }).toArray();
const grid = ks.map((k) => ({ nClusters: [k], init: [firstRows.slice(0, k)], maxIter: iters }));

const times: number[] = [];
let search: GridSearchCV<KMeans> | undefined;
for (let r = 0; r < Number(values.repeats); r++) {
  const t = performance.now();
  search = await new GridSearchCV(new KMeans({ tol: 0 }), grid, { cv: folds, refit: true }).fit(x);
  times.push((performance.now() - t) / 1000);
}
const s = search as GridSearchCV<KMeans>;
const best = { nClusters: s.bestParams.nClusters, maxIter: s.bestParams.maxIter, score: s.bestScore };
console.log(
  JSON.stringify({
    system: 'dislib-ts',
    version: 'dev',
    n,
    d,
    ks,
    iters,
    folds,
    candidates: ks.length * iters.length,
    loadSeconds,
    seconds: median(times),
    times,
    best,
    meanTestScore: s.cvResults.mean_test_score,
    kernels: kernelBackend(),
    blockRows,
  }),
);
await shutdown();
