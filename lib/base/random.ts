/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) for estimators:
 * the same seed gives the same draws on every platform, and seeds for tasks are drawn from it in the
 * driver so that results do not depend on which worker runs what.
 *
 * @packageDocumentation
 */
import { randomInt } from 'node:crypto';

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Seeded generator. Not cryptographic. */
export class Random {
  readonly #s = new Uint32Array(4);

  /** @param seed - integer in [0, 2^32); undefined draws one from the OS. */
  constructor(seed: number = randomInt(0, 2 ** 32 - 1)) {
    const sm = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.#s[i] = sm();
  }

  /** Next 32 random bits as an unsigned integer. */
  uint32(): number {
    const s = this.#s;
    const s0 = s[0] as number, s1 = s[1] as number, s2 = s[2] as number, s3 = s[3] as number;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^53. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * `k` distinct integers of [0, n), in draw order (Floyd's algorithm: O(k) time and memory, any n).
   */
  sample(n: number, k: number): number[] {
    const chosen = new Set<number>();
    const order: number[] = [];
    for (let j = n - k; j < n; j++) {
      const t = this.int(j + 1);
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      order.push(pick);
    }
    return order;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
