/**
 * Fit a K-means model, save it as JSON, load it back and check that both predict the same labels.
 *
 *   npm run build && node dist/examples/kmeans-model.js
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMeans, array, shutdown } from 'dislib-ts';

const dir = await mkdtemp(join(tmpdir(), 'dislib-model-'));
try {
  // Two well separated groups of points, in 3 row blocks.
  const x = array([[0, 0], [0.5, 0.2], [0.1, 0.6], [9, 9], [9.4, 8.7], [8.8, 9.3]], [2, 2]);
  const km = await new KMeans({ nClusters: 2, randomState: 0 }).fit(x);

  const file = join(dir, 'model.json');
  await writeFile(file, JSON.stringify(km));
  const loaded = KMeans.fromJSON(await readFile(file, 'utf8'));

  const before = Array.from((await km.predict(x).collect()).data);
  const after = Array.from((await loaded.predict(x).collect()).data);
  console.log(`labels ${JSON.stringify(before)}`);
  console.log(`loaded model predicts the same labels: ${JSON.stringify(before) === JSON.stringify(after)}`);
  console.log(`inertia ${km.inertia.toFixed(3)}, score of the loaded model ${(await loaded.score(x)).toFixed(3)}`);
} finally {
  await shutdown();
  await rm(dir, { recursive: true, force: true });
}
