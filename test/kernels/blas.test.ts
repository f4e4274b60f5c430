/**
 * The native kernels' BLAS: which one DISLIB_BLAS selects (in fresh processes, as the choice is made when
 * the addon loads), and the built-in GEMM and factorisations against a naive reference and against the
 * system library on shapes that are not multiples of the built-in block sizes (switched in-process with
 * selectBlas).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { ParameterError } from '../../lib/errors.js';
import { blasInfo, selectBlas, setBlasThreads, type BlasInfo } from '../../lib/kernels/index.js';
import { registeredBackends, resolveKernels } from '../../lib/kernels/registry.js';
import type { Kernels } from '../../lib/kernels/types.js';
import { matmul, maxAbsDiff, randomArray, rng, scaleOf, transpose, type FloatCtor } from './helpers.js';

const run = promisify(execFile);
const kernelsEntry = JSON.stringify(new URL('../../lib/kernels/index.js', import.meta.url).href);

/** blasInfo() (or the load error) in a fresh process with DISLIB_BLAS set to `value` (unset when undefined). */
async function blasWith(value: string | undefined): Promise<BlasInfo | { error: string }> {
  const probe = `import(${kernelsEntry}).then((k) => console.log(JSON.stringify(k.blasInfo() ?? { error: k.nativeLoadError()?.message ?? '' })))`;
  const env = { ...process.env };
  delete env['DISLIB_BLAS'];
  if (value !== undefined) env['DISLIB_BLAS'] = value;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { env });
  return JSON.parse(stdout) as BlasInfo | { error: string };
}

const isInfo = (r: BlasInfo | { error: string }): r is BlasInfo => 'source' in r;

if (registeredBackends().includes('native')) {
  describe('native BLAS selection (DISLIB_BLAS)', function () {
    this.timeout(30_000);

    it('DISLIB_BLAS=builtin uses the built-in BLAS and LAPACK whatever is installed', async () => {
      const r = await blasWith('builtin');
      expect(r).to.deep.include({ name: 'builtin', source: 'builtin', lapack: 'builtin', threads: 1 });
      expect(['avx512', 'avx2', 'generic']).to.include((r as BlasInfo).isa);
    });

    it('by default uses a system BLAS when one loads (the one DISLIB_BLAS=system finds), else the built-in one', async () => {
      const [auto, system] = await Promise.all([blasWith(undefined), blasWith('system')]);
      expect(isInfo(auto)).to.equal(true);
      if (isInfo(system)) {
        expect(auto).to.deep.equal(system);
        expect(system.source).to.equal('system');
        expect(system.library && existsSync(system.library)).to.equal(true);
      } else {
        expect(system.error).to.match(/DISLIB_BLAS=system: no system BLAS could be loaded \(libopenblas\.so\.0: /);
        expect(auto).to.deep.include({ source: 'builtin' });
        expect((auto as BlasInfo).tried).to.match(/libblas\.so\.3/);
      }
      // Debian's OpenBLAS (libopenblas0, as CI installs it) is the first candidate.
      if (existsSync('/usr/lib/x86_64-linux-gnu/libopenblas.so.0')) expect(auto).to.deep.include({ name: 'openblas', source: 'system', lapack: 'system' });
    });

    it('DISLIB_BLAS=<library path> loads that library; a bad value makes the addon fail to load, saying why', async () => {
      const system = await blasWith('system');
      if (isInfo(system)) expect(await blasWith(system.library)).to.deep.equal(system);
      const missing = await blasWith('/nonexistent/libblas.so');
      expect(missing).to.have.property('error').that.matches(/DISLIB_BLAS=\/nonexistent\/libblas\.so: no system BLAS could be loaded/);
      expect(await blasWith('fastest')).to.have.property('error').that.matches(/DISLIB_BLAS: expected auto, builtin, system or a library path/);
    });
  });

  describe('built-in BLAS against the reference and the system BLAS', function () {
    this.timeout(60_000);
    const initial = blasInfo()!;
    const native = resolveKernels('native');
    const restore = (): unknown => selectBlas(initial.source === 'system' ? (initial.library ?? 'system') : 'builtin');
    let system: BlasInfo | undefined;
    before(() => {
      try {
        system = selectBlas('system');
      } catch (err) {
        expect(err).to.be.instanceOf(ParameterError);
      }
      restore();
    });
    afterEach(restore);

    /** Run fn with the built-in BLAS, then (when there is one) with the system BLAS. */
    function both<T>(fn: (k: Kernels) => T): { builtin: T; system: T | undefined } {
      selectBlas('builtin');
      const builtin = fn(native);
      if (!system) return { builtin, system: undefined };
      selectBlas('system');
      return { builtin, system: fn(native) };
    }

    it('selectBlas switches and reports; it rejects unknown modes', () => {
      expect(selectBlas('builtin')).to.deep.include({ source: 'builtin' });
      expect(blasInfo()).to.deep.include({ source: 'builtin' });
      expect(() => selectBlas('fastest')).to.throw(ParameterError, /expected auto, builtin, system/);
      if (!system) expect(() => selectBlas('system')).to.throw(ParameterError, /no system BLAS/);
    });

    // m, n, k around the block sizes: MR 4/6/12, NR 8-32, MC 78 (float64, AVX2), KC 256, NC 2048.
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 37, 5], [37, 1, 5], [5, 7, 0], [0, 3, 4], [3, 0, 4], [29, 31, 33], [13, 17, 300], [83, 9, 7], [3, 2100, 2],
    ];
    for (const ctor of [Float64Array, Float32Array] as FloatCtor[]) {
      const dtype = ctor.name.replace('Array', '').toLowerCase();
      const tol = ctor === Float64Array ? 1e-13 : 1e-5;
      it(`${dtype} gemm: every transpose, alpha and beta, odd shapes: built-in = naive reference = system`, () => {
        const rand = rng(11);
        for (const [m, n, k] of shapes) {
          for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
            const a = randomArray(ctor, m * k, rand), b = randomArray(ctor, k * n, rand), c0 = randomArray(ctor, m * n, rand);
            for (const [alpha, beta] of [[1, 0], [-0.75, 1], [2, -0.5], [0, 0.5]] as const) {
              const aa = ta ? transpose(a, m, k) : a, bb = tb ? transpose(b, k, n) : b;
              const opA = ta ? new ctor(aa) : a, opB = tb ? new ctor(bb) : b;
              const want = matmul(a, b, m, k, n).map((v, i) => alpha * v + beta * c0[i]!);
              const r = both((kern) => {
                const c = new ctor(c0);
                kern.gemm(ta, tb, m, n, k, alpha, opA, opB, beta, c);
                return c;
              });
              const scale = Math.max(1, k) * tol;
              const where = `${m}x${n}x${k} ta=${ta} tb=${tb} alpha=${alpha} beta=${beta}`;
              expect(maxAbsDiff(r.builtin, want), where).to.be.at.most(scale);
              if (r.system) expect(maxAbsDiff(r.builtin, r.system), where).to.be.at.most(scale);
            }
          }
        }
      });
    }

    it('gemm: beta = 0 overwrites NaN in C; k = 0 scales C by beta', () => {
      const r = both((kern) => {
        const c = new Float64Array([NaN, NaN, NaN, NaN]);
        kern.gemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), new Float64Array([3, 4]), 0, c);
        const d = new Float64Array([1, 2, 3, 4]);
        kern.gemm(false, false, 2, 2, 0, 1, new Float64Array(0), new Float64Array(0), 3, d);
        return [...c, ...d];
      });
      expect(r.builtin).to.deep.equal([3, 4, 6, 8, 3, 6, 9, 12]);
    });

    it('gemm on 2 threads gives the 1-thread result bit for bit', () => {
      selectBlas('builtin');
      const [m, n, k] = [203, 211, 230];
      const rand = rng(5);
      const a = randomArray(Float64Array, m * k, rand), b = randomArray(Float64Array, k * n, rand);
      const one = new Float64Array(m * n), two = new Float64Array(m * n);
      native.gemm(false, true, m, n, k, 1, a, b, 0, one);
      setBlasThreads(2);
      expect(blasInfo()?.threads).to.equal(2);
      native.gemm(false, true, m, n, k, 1, a, b, 0, two);
      setBlasThreads(1);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).to.equal(true);
    });

    it('GEMM-backed kernels (kmeansStep with many centers, pairwiseSqDist) agree with the system BLAS', () => {
      const rand = rng(3);
      for (const ctor of [Float64Array, Float32Array] as FloatCtor[]) {
        const [n, d, k] = [301, 13, 70];
        const x = randomArray(ctor, n * d, rand), c = randomArray(ctor, k * d, rand);
        const r = both((kern) => {
          const labels = new Int32Array(n);
          return { ...kern.cluster.kmeansStep(x, n, d, c, k, labels), labels, dist: kern.pairwiseSqDist(x, n, c, k, d) };
        });
        const js = resolveKernels('js').cluster.kmeansStep(x, n, d, c, k);
        expect(r.builtin.inertia).to.be.closeTo(js.inertia, (ctor === Float64Array ? 1e-9 : 1e-5) * js.inertia);
        expect(maxAbsDiff(r.builtin.counts, js.counts)).to.equal(0);
        if (!r.system) continue;
        expect(Array.from(r.builtin.labels)).to.deep.equal(Array.from(r.system.labels));
        expect(maxAbsDiff(r.builtin.sums, r.system.sums)).to.be.below(1e-9);
        expect(maxAbsDiff(r.builtin.dist, r.system.dist)).to.be.below(ctor === Float64Array ? 1e-12 : 1e-4);
      }
    });

    /** QR with R's diagonal made non-negative (Q and R are unique up to those signs). */
    function signFixedQr(kern: Kernels, a: Float64Array, m: number, n: number): Float64Array[] {
      const { q, r } = kern.qr(a, m, n);
      for (let i = 0; i < n; i++) {
        if (r[i * n + i]! >= 0) continue;
        for (let j = 0; j < n; j++) r[i * n + j] = -r[i * n + j]!;
        for (let j = 0; j < m; j++) q[j * n + i] = -q[j * n + i]!;
      }
      return [q, r];
    }

    it('factorisations on odd shapes agree with the system LAPACK and with the js kernels', () => {
      const rand = rng(9);
      const js = resolveKernels('js');
      for (const [m, n] of [[1, 1], [7, 3], [3, 7], [40, 6], [9, 9]] as const) {
        const a = randomArray(Float64Array, m * n, rand);
        const p = Math.min(m, n);
        const sym = matmul(transpose(a, m, n), a, n, m, n);
        const spd = sym.map((v, i) => v + (i % (n + 1) === 0 ? 1 : 0));
        const b = randomArray(Float64Array, m * 2, rand);
        const results = both((kern) => ({
          qr: m >= n ? signFixedQr(kern, a, m, n) : [],
          s: kern.svd(a, m, n).s,
          w: kern.eigh(sym, n).w,
          l: kern.cholesky(spd, n),
          x: m >= n ? kern.lstsq(a, m, n, b, 2) : new Float64Array(0),
        }));
        const refs = [{ ...results.system }, { qr: m >= n ? signFixedQr(js, a, m, n) : [], s: js.svd(a, m, n).s, w: js.eigh(sym, n).w, l: js.cholesky(spd, n), x: m >= n ? js.lstsq(a, m, n, b, 2) : new Float64Array(0) }];
        for (const ref of refs) {
          if (!ref.s) continue;
          const where = `${m}x${n}`;
          expect(results.builtin.s.length, where).to.equal(p);
          expect(maxAbsDiff(results.builtin.s, ref.s!), where).to.be.below(1e-12 * scaleOf(ref.s!));
          expect(maxAbsDiff(results.builtin.w, ref.w!), where).to.be.below(1e-12 * scaleOf(sym));
          expect(maxAbsDiff(results.builtin.l, ref.l!), where).to.be.below(1e-12 * scaleOf(spd));
          expect(maxAbsDiff(results.builtin.x, ref.x!), where).to.be.below(1e-10);
          results.builtin.qr.forEach((f, i) => expect(maxAbsDiff(f, ref.qr![i]!), where).to.be.below(1e-12));
        }
      }
    });

    it('svd of a matrix with a zero column and eigh of a zero matrix keep orthonormal vectors (built-in)', () => {
      selectBlas('builtin');
      const a = new Float64Array([1, 0, 2, 3, 0, 4, 5, 0, 6, 7, 0, 8]); // 4 x 3, column 1 zero
      const { u, s, vt } = native.svd(a, 4, 3);
      expect(s[2]).to.equal(0);
      const utu = matmul(transpose(u, 4, 3), u, 3, 4, 3), vvt = matmul(vt, transpose(vt, 3, 3), 3, 3, 3);
      const id = [1, 0, 0, 0, 1, 0, 0, 0, 1];
      expect(maxAbsDiff(utu, id)).to.be.below(1e-12);
      expect(maxAbsDiff(vvt, id)).to.be.below(1e-12);
      const us = u.map((v, i) => v * s[i % 3]!);
      expect(maxAbsDiff(matmul(us, vt, 4, 3, 3), a)).to.be.below(1e-12 * scaleOf(a));
      const z = native.eigh(new Float64Array(9), 3);
      expect(Array.from(z.w)).to.deep.equal([0, 0, 0]);
      expect(maxAbsDiff(z.v, id)).to.equal(0);
    });
  });
}
