/**
 * Initial centers of K-means: given, `'random'` (k distinct rows, as scikit-learn), `'k-means++'`
 * (D^2 sampling, one synchronisation per center) and `'k-means||'` (Bahmani et al.'s oversampling
 * in a few passes, then a weighted k-means++ and Lloyd on the candidates in the driver).
 *
 * @packageDocumentation
 */
import { assertFinite } from '../../base/finite.js';
import { Random } from '../../base/random.js';
import { summing } from '../../base/partials.js';
import type { Block } from '../../dsarray/block.js';
import type { DsArray } from '../../dsarray/dsarray.js';
import { treeReduceValue } from '../../dsarray/tree.js';
import { kernels } from '../../kernels/index.js';
import { getAll, submit, submitMany, type Future } from '../../runtime/index.js';
import { minDistTask, pickD2Task, sampleD2Task, stepTask, takeRowsTask, type StepPartial } from './tasks.js';

/** How `KMeans` chooses its first centers. */
export type KMeansInit = 'random' | 'k-means++' | 'k-means||' | number[][];

/** Rounds of k-means|| oversampling (Spark MLlib's `initSteps` default). */
const PARALLEL_ROUNDS = 2;
/** Lloyd iterations on the weighted k-means|| candidates (as Spark MLlib's LocalKMeans). */
const CANDIDATE_ITERATIONS = 30;

/** The rows of `x` at the given global indices, in that order (one task per block row touched). */
async function takeRows(x: DsArray, indices: readonly number[]): Promise<Float64Array> {
  const d = x.shape[1];
  const br = x.blockSize[0];
  const byBlock = new Map<number, number[]>();
  indices.forEach((g, r) => {
    const b = Math.floor(g / br);
    byBlock.set(b, [...(byBlock.get(b) ?? []), r]);
  });
  const entries = [...byBlock.entries()];
  const parts = await getAll(
    entries.map(([b, rs]) => submit(takeRowsTask, [x.blocks[b] as readonly Future<Block>[], Int32Array.from(rs, (r) => (indices[r] as number) - b * br)])),
  );
  const out = new Float64Array(indices.length * d);
  entries.forEach(([, rs], e) => {
    const part = parts[e] as Float64Array;
    rs.forEach((r, t) => out.set(part.subarray(t * d, (t + 1) * d), r * d));
  });
  return out;
}

/**
 * The k x d initial centers (row-major float64).
 *
 * @param arity - fan-in of the reductions
 */
export async function initialCenters(x: DsArray, init: KMeansInit, k: number, rng: Random, arity: number): Promise<Float64Array> {
  if (Array.isArray(init)) return Float64Array.from(init.flat());
  if (init === 'random') return takeRows(x, rng.sample(x.shape[0], k));
  if (init === 'k-means++') return kmeansPlusPlus(x, k, rng);
  return kmeansParallel(x, k, rng, arity);
}

type DistState = { dists: Future<Float64Array>[]; sums: Future<number>[] };

/** Updates every block's D^2 with `m` added centers (a value or a future); disposes the previous state. */
function updateDists(x: DsArray, previous: DistState | null, added: Float64Array | Future<Float64Array>, m: number): DistState {
  const next: DistState = { dists: [], sums: [] };
  x.blocks.forEach((row, b) => {
    const [dist, sum] = submitMany(minDistTask, [row, previous?.dists[b] ?? null, added, m]);
    next.dists.push(dist);
    next.sums.push(sum);
  });
  if (previous !== null) for (const f of [...previous.dists, ...previous.sums]) f.dispose();
  return next;
}

/**
 * k-means++ (Arthur and Vassilvitskii): each next center is a row drawn with probability proportional
 * to its squared distance to the nearest chosen center. Every block draws a candidate in the same
 * pass that updates its distances; the driver then picks a block with probability proportional to its
 * total, so each center costs one pass and one synchronisation (the block totals).
 */
async function kmeansPlusPlus(x: DsArray, k: number, rng: Random): Promise<Float64Array> {
  const d = x.shape[1];
  const chosen: Future<Float64Array>[] = [];
  const first = await takeRows(x, [rng.int(x.shape[0])]);
  let state = updateDists(x, null, first, 1);
  const out = new Float64Array(k * d);
  out.set(first, 0);
  for (let c = 1; c < k; c++) {
    const candidates = x.blocks.map((row, b) => submit(pickD2Task, [row, state.dists[b] as Future<Float64Array>, rng.next()]));
    const sums = await getAll(state.sums);
    const total = sums.reduce((s, v) => s + v, 0);
    // The last block with mass takes the rounding remainder; with no mass at all (every row is a chosen
    // center) any row is as good as another.
    let b = sums.length - 1;
    while (b > 0 && sums[b] === 0) b--;
    let target = rng.next() * total;
    for (let i = 0; i < b; i++) {
      if (target < (sums[i] as number)) {
        b = i;
        break;
      }
      target -= sums[i] as number;
    }
    const pick = candidates[b] as Future<Float64Array>;
    for (const f of candidates) if (f !== pick) f.dispose();
    chosen.push(pick);
    state = updateDists(x, state, pick, 1);
  }
  for (const f of [...state.dists, ...state.sums]) f.dispose();
  (await getAll(chosen)).forEach((row, c) => out.set(row, (c + 1) * d));
  for (const f of chosen) f.dispose();
  return out;
}

/**
 * k-means|| (Bahmani et al., as in Spark MLlib): one random row, then {@link PARALLEL_ROUNDS} rounds
 * that keep each row with probability min(1, 2k D^2 / total D^2); the candidates are weighted by the
 * rows nearest to them (one pass) and reduced to k centers by a weighted k-means++ and Lloyd in the driver.
 */
async function kmeansParallel(x: DsArray, k: number, rng: Random, arity: number): Promise<Float64Array> {
  const d = x.shape[1];
  let candidates = await takeRows(x, [rng.int(x.shape[0])]);
  let state = updateDists(x, null, candidates, 1);
  for (let round = 0; round < PARALLEL_ROUNDS; round++) {
    const total = (await getAll(state.sums)).reduce((s, v) => s + v, 0);
    if (total === 0) break;
    const factor = (2 * k) / total;
    const picked = await getAll(x.blocks.map((row, b) => submit(sampleD2Task, [row, state.dists[b] as Future<Float64Array>, factor, rng.uint32()])));
    const added = new Float64Array(picked.reduce((s, p) => s + p.length, 0));
    let off = 0;
    for (const p of picked) {
      added.set(p, off);
      off += p.length;
    }
    if (added.length === 0) continue;
    state = updateDists(x, state, added, added.length / d);
    const grown = new Float64Array(candidates.length + added.length);
    grown.set(candidates);
    grown.set(added, candidates.length);
    candidates = grown;
  }
  for (const f of [...state.dists, ...state.sums]) f.dispose();
  let m = candidates.length / d;
  if (m < k) {
    // Too few candidates (few distinct rows): complete with random rows, as 'random' would.
    const extra = await takeRows(x, rng.sample(x.shape[0], k - m));
    const grown = new Float64Array(k * d);
    grown.set(candidates);
    grown.set(extra, candidates.length);
    candidates = grown;
    m = k;
  }
  const br = x.blockSize[0];
  const parts = x.blocks.map((row, b) => submit(stepTask, [row, candidates, m, false, b * br]));
  const weighting = await treeReduceValue(parts, summing<StepPartial>(), { arity });
  // This is the first pass over every row: non-finite input is reported here, not after a NaN fit.
  assertFinite(weighting.nonFinite, 'x', 'KMeans');
  return weightedKMeans(candidates, weighting.counts, m, d, k, rng);
}

/** Weighted k-means++ then weighted Lloyd on a small in-memory set of points (the k-means|| candidates). */
export function weightedKMeans(points: Float64Array, weights: Float64Array, m: number, d: number, k: number, rng: Random): Float64Array {
  const centers = new Float64Array(k * d);
  const dist = new Float64Array(m).fill(Infinity);
  const sqDist = (i: number, c: number): number => {
    let s = 0;
    for (let f = 0; f < d; f++) s += ((points[i * d + f] as number) - (centers[c * d + f] as number)) ** 2;
    return s;
  };
  const pickWeighted = (score: (i: number) => number): number => {
    let total = 0;
    for (let i = 0; i < m; i++) total += score(i);
    let target = rng.next() * total;
    for (let i = 0; i < m; i++) {
      target -= score(i);
      if (target < 0) return i;
    }
    return m - 1;
  };
  for (let c = 0; c < k; c++) {
    const i = c === 0 ? pickWeighted((j) => weights[j] as number) : pickWeighted((j) => (weights[j] as number) * (dist[j] as number));
    centers.set(points.subarray(i * d, (i + 1) * d), c * d);
    for (let j = 0; j < m; j++) dist[j] = Math.min(dist[j] as number, sqDist(j, c));
  }
  const labels = new Int32Array(m);
  for (let it = 0; it < CANDIDATE_ITERATIONS; it++) {
    kernels().cluster.kmeansStep(points, m, d, centers, k, labels);
    const sums = new Float64Array(k * d);
    const w = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      const c = labels[i] as number;
      w[c] = (w[c] as number) + (weights[i] as number);
      for (let f = 0; f < d; f++) sums[c * d + f] = (sums[c * d + f] as number) + (weights[i] as number) * (points[i * d + f] as number);
    }
    let moved = false;
    for (let c = 0; c < k; c++) {
      if ((w[c] as number) === 0) continue;
      for (let f = 0; f < d; f++) {
        const v = (sums[c * d + f] as number) / (w[c] as number);
        if (v !== centers[c * d + f]) moved = true;
        centers[c * d + f] = v;
      }
    }
    if (!moved) break;
  }
  return centers;
}
