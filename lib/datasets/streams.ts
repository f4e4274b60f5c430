/**
 * Per-row randomness of the dataset generators. Every random value a generator uses is a pure function
 * of the seed, a stream number, the row index and a position in the row, drawn from the counter-based
 * Philox generator of `uniformFill` (stream `s` occupies columns `[s * 2^40, (s + 1) * 2^40)` of the
 * seed's infinite random matrix). A block therefore holds the same values whatever the block size, the
 * number of workers or the order blocks are made in, and can be regenerated anywhere.
 *
 * @packageDocumentation
 */
import { randomInt } from 'node:crypto';
import { kernels } from '../kernels/index.js';
import { ParameterError } from '../errors.js';
import { Random } from '../base/random.js';

const STREAM_WIDTH = 2 ** 40;

/** The streams of the generators (one per kind of per-row draw, so that no two kinds share values). */
export const Stream = {
  /** Feature noise of a row (standard normals, one per generated feature). */
  features: 0,
  /** Label flips of makeClassification (two uniforms per row). */
  flip: 1,
  /** Target noise of makeRegression (one standard normal per target). */
  targetNoise: 2,
  /** Item draws of makeLowRankRatings (one uniform per rating of the user). */
  items: 3,
  /** Rating noise of makeLowRankRatings (one standard normal per rating of the user). */
  ratingNoise: 4,
  /** Latent factors: users on rows 0 .., items on rows from 2^51 (blocks.ts: ITEM_FACTOR_ROW). */
  factors: 5,
} as const;

/** Uniform [0, 1) values `k0 .. k0 + count - 1` of stream `stream` for rows `row0 .. row0 + rows - 1`, row-major. */
export function uniformRows(seed: number, stream: number, row0: number, rows: number, k0: number, count: number): Float64Array {
  const out = new Float64Array(rows * count);
  if (rows > 0 && count > 0) kernels().uniformFill(seed, row0, stream * STREAM_WIDTH + k0, rows, count, out);
  return out;
}

/**
 * Standard normal values `k0 .. k0 + count - 1` of stream `stream` for rows `row0 ..`, row-major:
 * normal k of a row is Box-Muller's cosine branch over the row's uniforms 2k and 2k + 1.
 */
export function normalRows(seed: number, stream: number, row0: number, rows: number, k0: number, count: number): Float64Array {
  const u = uniformRows(seed, stream, row0, rows, 2 * k0, 2 * count);
  const out = new Float64Array(rows * count);
  for (let i = 0; i < out.length; i++) {
    const u1 = 1 - (u[2 * i] as number); // in (0, 1]: the logarithm is finite
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * (u[2 * i + 1] as number));
  }
  return out;
}

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** The keys and sizes of a keyed bijection of `[0, n)`; plain data, so tasks receive it as an argument. */
export interface Permutation {
  readonly n: number;
  /** Bits of each half of the Feistel domain `[0, 4^half)`. */
  readonly half: number;
  /** One 32-bit key per round. */
  readonly keys: readonly number[];
}

const ROUNDS = 4;

/** The permutation of `[0, n)` of `seed` and `purpose` (different purposes give unrelated permutations). */
export function permutation(seed: number, purpose: number, n: number): Permutation {
  const bits = Math.max(2, Math.ceil(Math.log2(Math.max(n, 2))));
  const base = mix32(seed % 2 ** 32) ^ mix32(Math.floor(seed / 2 ** 32) + 0x9e3779b9 * (purpose + 1));
  return { n, half: Math.ceil(bits / 2), keys: Array.from({ length: ROUNDS }, (_, r) => mix32(base + r * 0x632be5ab)) };
}

/**
 * Image of `i` under the permutation: a balanced Feistel network on `[0, 4^half)`, cycle-walked back
 * into `[0, n)` (a bijection of the smaller set; fewer than 4 steps on average).
 */
export function permute(p: Permutation, i: number): number {
  const size = 2 ** p.half;
  const mask = size - 1;
  let x = i;
  do {
    let l = Math.floor(x / size);
    let r = x % size;
    for (const key of p.keys) {
      const f = mix32(r ^ key) & mask;
      [l, r] = [r, (l ^ f) >>> 0];
    }
    x = l * size + r;
  } while (x >= p.n);
  return x;
}

/** A driver-side generator for the generators' small parameter tables (centers, coefficients), from the seed. */
export function driverRandom(seed: number): Random {
  return new Random((mix32(seed % 2 ** 32) ^ mix32(Math.floor(seed / 2 ** 32) + 0x5bd1e995)) >>> 0);
}

/** Generated feature of each output column: the identity, or a Fisher-Yates shuffle of it. */
export function columnOrder(rng: Random, n: number, shuffle: boolean): Int32Array {
  const columns = Int32Array.from({ length: n }, (_, c) => c);
  for (let i = n - 1; shuffle && i > 0; i--) {
    const j = rng.int(i + 1);
    [columns[i], columns[j]] = [columns[j] as number, columns[i] as number];
  }
  return columns;
}

/** Index of the segment of `bounds` (cumulative ends, increasing) that holds `p`. */
export function segmentOf(bounds: ArrayLike<number>, p: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p < (bounds[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A seed given as `randomState`: a non-negative safe integer, or a fresh one when undefined. */
export function checkSeed(value: unknown): number {
  if (value === undefined) return randomInt(2 ** 48 - 1);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ParameterError('randomState', `expected a non-negative safe integer, found ${String(value)}`);
  }
  return value;
}
