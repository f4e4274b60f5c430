/**
 * The dislib "typical program" in dislib-ts: load a CSV as a ds-array, fit K-means, predict.
 * Runs on the embedded default runtime (local worker processes, one per core).
 *
 *   npm run example        # = npm run build && node dist/examples/typical-program.js
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMeans, Random, loadTxtFile, shutdown } from 'dislib-ts';

/** Writes `n` points around three centers as a two-column CSV (the data of the example). */
async function writeBlobs(path: string, n: number): Promise<void> {
  const rng = new Random(2020);
  const centers = [[-5, 0], [0, 6], [5, 0]];
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const lines = Array.from({ length: n }, (_, i) => {
    const [cx, cy] = centers[i % 3] as [number, number];
    return `${(cx + gauss()).toFixed(6)},${(cy + gauss()).toFixed(6)}`;
  });
  await writeFile(path, `${lines.join('\n')}\n`);
}

const dir = await mkdtemp(join(tmpdir(), 'dislib-example-'));
try {
  const csv = join(dir, 'blobs.csv');
  await writeBlobs(csv, 30_000);

  const t0 = performance.now();
  const x = await loadTxtFile(csv, [5_000, 2]);
  const km = await new KMeans({ nClusters: 3, init: 'k-means||', maxIter: 50, randomState: 0 }).fit(x, undefined, {
    onProgress: (p) => console.log(`iteration ${p.iteration}: inertia ${p.metrics.inertia?.toFixed(1)}`),
  });
  const labels = await km.predict(x).collect();
  const seconds = (performance.now() - t0) / 1000;

  const sizes = [0, 0, 0];
  for (const l of labels.data) sizes[l] = (sizes[l] ?? 0) + 1;
  console.log(`samples ${x.shape[0]}, features ${x.shape[1]}, blocks ${x.nBlocks.join(' x ')}`);
  console.log(`centers ${JSON.stringify(km.clusterCenters.map((c) => c.map((v) => Number(v.toFixed(3)))))}`);
  console.log(`cluster sizes ${JSON.stringify(sizes)}`);
  console.log(`inertia ${km.inertia.toFixed(3)} after ${km.nIter} iterations, ${seconds.toFixed(2)} s (load + fit + predict)`);
} finally {
  await shutdown();
  await rm(dir, { recursive: true, force: true });
}
