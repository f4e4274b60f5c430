/**
 * makeLowRankRatings: a sparse users x items rating matrix of low rank with Zipf-distributed user
 * activity, for matrix factorization (ALS).
 *
 * @packageDocumentation
 */
import { submit } from '../runtime/index.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { normalizeBlockSize } from '../dsarray/grid.js';
import type { RatingsPlan } from './blocks.js';
import { count, finite, generated, layout, type GeneratorOptions } from './grid.js';
import { checkSeed, permutation } from './streams.js';
import { factorsTask, ratingsTask } from './tasks.js';

/** Options of {@link makeLowRankRatings}. */
export interface MakeLowRankRatingsOptions extends GeneratorOptions {
  /** Users (rows). */
  readonly nUsers: number;
  /** Items (columns). */
  readonly nItems: number;
  /** Rank of the noiseless ratings. Default 10. */
  readonly rank?: number;
  /** Mean number of ratings per user (reached up to the rounding and the cap at nItems). Default 20. */
  readonly meanRatings?: number;
  /** Zipf exponent of user activity: the k-th most active user rates about k^-exponent as much as the first. Default 1. */
  readonly zipfExponent?: number;
  /** Standard deviation of the Gaussian noise added to each rating. Default 0.1. */
  readonly noise?: number;
}

/** What {@link makeLowRankRatings} returns. */
export interface LowRankRatings {
  /** Ratings, `nUsers x nItems`, CSR blocks. */
  readonly x: DsArray;
  /** User factors, `nUsers x rank`, blocked by rows like x. */
  readonly userFactors: DsArray;
  /** Item factors, `nItems x rank`, blocked by rows like x's columns. */
  readonly itemFactors: DsArray;
}

/**
 * Low-rank ratings as recompute-only ds-arrays. User u and item i have latent factors U_u, V_i with
 * N(0, 1) / rank^(1/4) entries (so U_u . V_i has unit variance). Users are ranked by activity through a
 * seeded permutation; the user ranked k (0-based) rates `round(c (k + 1)^-zipfExponent)` items (at
 * least 1, at most nItems), with c set so the mean is `meanRatings` before rounding and capping. The
 * items are drawn uniformly without replacement; a rating is U_u . V_i + noise * N(0, 1). Every value
 * comes from (randomState, user) or (randomState, item), so the arrays do not depend on the blocking.
 *
 * @throws {@link ParameterError} naming the invalid option
 */
export function makeLowRankRatings(opts: MakeLowRankRatingsOptions): LowRankRatings {
  const seed = checkSeed(opts.randomState);
  const nUsers = count(opts.nUsers, 'nUsers', 1);
  const nItems = count(opts.nItems, 'nItems', 1);
  const rank = count(opts.rank ?? 10, 'rank', 1);
  const meanRatings = finite(opts.meanRatings ?? 20, 'meanRatings', 0);
  const exponent = finite(opts.zipfExponent ?? 1, 'zipfExponent', 0);
  const noise = finite(opts.noise ?? 0.1, 'noise', 0);
  let harmonic = 0;
  for (let k = 1; k <= nUsers; k++) harmonic += Math.pow(k, -exponent);
  const plan: RatingsPlan = { seed, nItems, rank, noise, activity: permutation(seed, 1, nUsers), scale: (meanRatings * nUsers) / harmonic, exponent };
  const { dtype, blockSize } = layout({ ...opts, blockSize: opts.blockSize ?? [10_000, nItems] }, [nUsers, nItems]);
  const x = generated([nUsers, nItems], blockSize, dtype, true, (row0, rows, col0, cols) => submit(ratingsTask, [plan, row0, rows, col0, cols, dtype]));
  const factors = (items: boolean, n: number, rows: number) =>
    generated([n, rank], normalizeBlockSize([rows, rank], [n, rank]), dtype, false, (row0, r, col0, c) => submit(factorsTask, [plan, items, row0, r, col0, c, dtype]));
  return { x, userFactors: factors(false, nUsers, blockSize[0]), itemFactors: factors(true, nItems, blockSize[1]) };
}
