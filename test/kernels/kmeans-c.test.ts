/** The K-means math in plain C (native/kmeans.h) builds and runs without Node-API, and serves the addon's kernel. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernels } from '../../lib/kernels/index.js';
import { randomArray, rng } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const native = join(root, 'native');

/** A C compiler, or undefined (the native addon needs one too, so CI has it). */
function compiler(): string | undefined {
  for (const cc of [process.env['CC'], 'cc', 'gcc', 'clang']) {
    if (!cc) continue;
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

describe('K-means C math without the Node-API glue', function () {
  const cc = compiler();
  let dir = '';
  let program = '';
  before(function () {
    if (!cc) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'dislib-kmeans-c-'));
    program = join(dir, 'kmeans_math_main');
    // Only kmeans_math.c and the built-in GEMM: no node_api.h on the include path, no addon objects.
    const sources = [join(root, 'test/kernels/kmeans_math_main.c'), join(native, 'kmeans_math.c'), join(native, 'gemm_builtin.c')];
    execFileSync(cc!, ['-std=gnu11', '-O2', '-Wno-psabi', `-I${native}`, ...sources, '-lm', '-lpthread', '-o', program], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // Small k takes the register-blocked scores, k >= 64 the mixed float32 GEMM path.
  for (const k of [3, 70]) {
    it(`gives the kernel's labels, sums, counts and inertia (k = ${k})`, function () {
      const n = 300, d = 5, rand = rng(17 + k);
      const x = randomArray(Float64Array, n * d, rand), c = randomArray(Float64Array, k * d, rand);
      const input = Buffer.concat([Buffer.from(x.buffer), Buffer.from(c.buffer)]);
      const out = execFileSync(program, [String(n), String(d), String(k)], { input, maxBuffer: 1 << 24 });
      const bytes = out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
      const labels = new Int32Array(bytes, 0, n);
      const tail = new Float64Array(bytes.slice(4 * n));
      const [sums, counts, inertia] = [tail.subarray(0, k * d), tail.subarray(k * d, k * d + k), tail[k * d + k]];

      // The active kernel (the addon runs this C through kmeans_napi.c): same labels, sums to rounding.
      const expected = new Int32Array(n);
      const ref = kernels().cluster.kmeansStep(x, n, d, c, k, expected);
      expect(Array.from(labels)).to.deep.equal(Array.from(expected));
      expect(Array.from(counts)).to.deep.equal(Array.from(ref.counts));
      for (let i = 0; i < k * d; i++) expect(sums[i]).to.be.closeTo(ref.sums[i]!, 1e-9);
      expect(inertia).to.be.closeTo(ref.inertia, 1e-9 * ref.inertia);
    });
  }
});
