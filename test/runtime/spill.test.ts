import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParameterError } from '../../lib/errors.js';
import { get, getAll, init, shutdown, stats, submit, workers, type Future } from '../../lib/runtime/index.js';
import { withCluster } from './helpers.js';
import { block, blockSum, byteLength, fadd, makeBlock } from './tasks.js';

const MB = 1 << 20;

/** Resident set size of process `pid` in bytes (VmRSS), or 0 once it is gone. */
async function rss(pid: number): Promise<number> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Pairwise sums in a fixed tree order (the same shape on the driver and on the cluster). */
function tree<T>(xs: T[], add: (a: T, b: T) => T): T {
  let level = xs;
  while (level.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? add(level[i] as T, level[i + 1] as T) : (level[i] as T));
    level = next;
  }
  return level[0] as T;
}

describe('runtime memory limit and spilling (cluster)', function () {
  this.timeout(240_000);
  let spillDir: string;
  beforeEach(async () => {
    spillDir = await mkdtemp(join(tmpdir(), 'dislib-spill-test-'));
  });
  afterEach(async () => {
    await rm(spillDir, { recursive: true, force: true });
  });

  it('init rejects a spillDir that is missing, a file or not writable with a ParameterError naming it', async () => {
    const file = join(spillDir, 'a-file');
    await writeFile(file, '');
    const locked = join(spillDir, 'locked');
    await mkdir(locked, { mode: 0o500 });
    const cases: [string, RegExp][] = [
      [join(spillDir, 'missing'), /^spillDir: .*missing cannot be used: no such directory$/],
      [file, /^spillDir: .*a-file is not a directory$/],
    ];
    // Root may write anywhere: the permission case only means something for other users.
    if (process.getuid?.() !== 0) cases.push([locked, /^spillDir: .*locked is not writable by this user/]);
    for (const [dir, message] of cases) {
      const err = await init({ workers: 1, spillDir: dir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, dir).to.be.instanceOf(ParameterError);
      expect((err as ParameterError).message).to.match(message);
      expect((err as ParameterError).context.parameter).to.equal('spillDir');
    }
    // Nothing was started: a valid init works at once, and nothing was created in place of the missing one.
    await init({ workers: 1, spillDir });
    await shutdown();
    expect((await readdir(spillDir)).sort()).to.deep.equal(['a-file', 'locked']);
  });

  it('reduces 512 MB of blocks with a 64 MB limit per worker: RSS bounded, spill files removed', async function () {
    if (process.platform !== 'linux') {
      console.log('      (skipped: reads worker memory from /proc, which only Linux has)');
      this.skip();
    }
    const limit = 64 * MB;
    const nBlocks = 64;
    const n = (8 * MB) / 8; // 8 MB per block: 512 MB in all
    await withCluster({ workers: 2, memoryLimit: limit, spillDir, deadlineMs: 220_000 }, async () => {
      const pids = workers().map((w) => w.pid);
      expect(pids).to.have.length(2);
      // Baseline: an idle worker (Node runtime, code, sockets) before it holds any block.
      await getAll(pids.map((_, i) => submit(fadd, [i, 1])));
      const baseline = await Promise.all(pids.map(rss));
      const peak = [...baseline];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const now = await Promise.all(pids.map(rss));
          now.forEach((b, i) => (peak[i] = Math.max(peak[i] as number, b)));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      try {
        const blocks: Future<Float64Array>[] = Array.from({ length: nBlocks }, (_, i) => submit(block, [i, n]));
        // Phase 1: every block is made and kept (futures alive), so most of them must spill.
        const sizes = await getAll(blocks.map((b) => submit(byteLength, [b])));
        expect(sizes.every((s) => s === n * 8)).to.equal(true);
        expect(stats().bytesSpilled).to.be.greaterThan(256 * MB);
        // Phase 2: a reduction over all blocks reads the spilled ones back.
        const total = await get(tree(blocks.map((b) => submit(blockSum, [b])), (a, b) => submit(fadd, [a, b])));
        const expected = tree(
          Array.from({ length: nBlocks }, (_, i) => makeBlock(i, n).reduce((s, x) => s + x, 0)),
          (a, b) => a + b,
        );
        expect(total).to.equal(expected);
        expect(stats().bytesUnspilled).to.be.greaterThan(256 * MB);
        for (const b of blocks) b.dispose();
      } finally {
        sampling = false;
        await sampler;
      }
      const growth = peak.map((p, i) => p - (baseline[i] as number));
      console.log(
        `      worker RSS baseline ${baseline.map((b) => (b / MB).toFixed(0)).join('/')} MB, peak ${peak.map((p) => (p / MB).toFixed(0)).join('/')} MB (limit ${limit / MB} MB)`,
      );
      for (const g of growth) expect(g).to.be.lessThan(1.5 * limit);
    });
    // Shut down: each worker removed its spill directory.
    expect(await readdir(spillDir)).to.deep.equal([]);
  });
});
