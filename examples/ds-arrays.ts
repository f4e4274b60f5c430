/**
 * ds-arrays in a few lines: build blocked arrays, combine them lazily, and bring results back.
 *
 *   npm run build && node dist/examples/ds-arrays.js
 */
import { array, randomArray, shutdown, workers } from 'dislib-ts';

try {
  // A 4 x 3 array cut into 2 x 2 blocks (the last column block is 2 x 1); its blocks live on the workers.
  const x = array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], [2, 2]);
  const centered = x.sub(x.mean(0)); // numpy broadcasting; nothing runs until a result is asked for
  const gram = x.matmul(x, { transposeA: true }); // 3 x 3 block GEMM
  console.log(`column means ${JSON.stringify(await x.mean(0).toArray())}`);
  console.log(`centered first row ${JSON.stringify((await centered.slice({ rows: [0, 1] }).toArray())[0])}`);
  console.log(`gram diagonal ${JSON.stringify((await gram.toArray()).map((row, i) => row[i]))}`);

  // 100 000 x 10 uniform [0, 1) values in ten row blocks, generated on the workers from a seed.
  const r = randomArray([100_000, 10], [10_000, 10], { seed: 7 });
  const means = await r.mean(0).collect(); // an ndarray backed by a Float64Array
  console.log(`random means within 0.01 of 0.5: ${Array.from(means.data).every((m) => Math.abs(m - 0.5) < 0.01)}`);
  console.log(`on ${workers().length} workers`);
} finally {
  await shutdown();
}
