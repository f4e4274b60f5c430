/**
 * Deterministic inputs of the kernel bench: seeded random matrices and a CSV file of random doubles printed
 * with 17 significant digits (cached in the OS temp directory, keyed by size and seed).
 *
 * @packageDocumentation
 */
import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Random } from '../../lib/base/random.js';

/** A seeded uniform [0, 1) generator (the library's own): the same inputs on every run. */
function seededRandom(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

/** A Float64Array of `length` seeded uniform [0, 1) values. */
export function randomMatrix(length: number, seed: number): Float64Array {
  const next = seededRandom(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = next();
  return out;
}

/**
 * Path of a CSV file of about `megabytes` MB: rows of `cols` comma-separated random doubles of mixed sign and
 * magnitude (1e-3 .. 1e3, some in exponent form) printed with 17 significant digits, LF line ends.
 */
export async function csvFile(megabytes: number, cols: number, seed: number): Promise<string> {
  const path = join(tmpdir(), `dislib-bench-kernels-${megabytes}mb-${cols}c-random${seed}.csv`);
  if (existsSync(path)) return path;
  const partial = `${path}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  const next = seededRandom(seed);
  const target = megabytes * 1e6;
  let written = 0;
  while (written < target) {
    const lines: string[] = [];
    for (let r = 0; r < 1000; r++) {
      const fields: string[] = [];
      for (let j = 0; j < cols; j++) fields.push(((next() - 0.5) * 10 ** (6 * next() - 3)).toPrecision(17));
      lines.push(fields.join(','));
    }
    const block = `${lines.join('\n')}\n`;
    written += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
  return path;
}
