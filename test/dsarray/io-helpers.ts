/**
 * Helpers of the loader tests: committed numpy fixtures (test/fixtures/io, made by
 * test/fixtures/gen-io.py), temporary files, and exact comparison of values.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, shutdown } from '../../lib/runtime/index.js';

/** Path of a committed fixture. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/io/${name}`, import.meta.url));
}

/** What numpy read from a fixture: shape and exact values (and labels, query ids for svmlight). */
export interface Expected {
  shape: [number, number];
  values: number[];
  labels?: number[];
  qids?: number[];
}

/** Loads `<name>.expected.json` (values written with Python's repr, so they round-trip exactly). */
export async function expected(name: string): Promise<Expected> {
  const { readFile } = await import('node:fs/promises');
  const doc = JSON.parse(await readFile(fixture(`${name}.expected.json`), 'utf8')) as { shape: [number, number]; values: string[]; labels?: string[]; qids?: string[] };
  const num = (s: string): number => (s === 'nan' ? NaN : s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
  return {
    shape: doc.shape,
    values: doc.values.map(num),
    ...(doc.labels ? { labels: doc.labels.map(num) } : {}),
    ...(doc.qids ? { qids: doc.qids.map(num) } : {}),
  };
}

/** Asserts bit-exact equality (NaN equals NaN, -0 differs from 0), naming the first differing index. */
export function expectSameValues(actual: ArrayLike<number>, wanted: ArrayLike<number>, what = 'values'): void {
  expect(actual.length, `${what} length`).to.equal(wanted.length);
  for (let i = 0; i < wanted.length; i++) {
    if (!Object.is(actual[i], wanted[i])) expect.fail(`${what}[${i}]: expected ${String(wanted[i])}, found ${String(actual[i])}`);
  }
}

/** A temporary directory removed by `cleanup()`. */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'dislib-io-'));

  /** Writes `content` to a file of the directory and returns its path. */
  file(name: string, content: string | Uint8Array): string {
    const p = join(this.path, name);
    writeFileSync(p, content);
    return p;
  }

  /** Path of a (not yet written) file of the directory. */
  join(name: string): string {
    return join(this.path, name);
  }

  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * Registers the hooks of a loader suite (call inside `describe`): a two-worker runtime started before
 * the suite, and a temporary directory; both are ended after the suite.
 */
export function loaderSuite(): TempDir {
  const tmp = new TempDir();
  before(() => init({ workers: 2 }));
  after(async () => {
    await shutdown();
    tmp.cleanup();
  });
  return tmp;
}
