/**
 * Kernel bench: GFLOP/s of gemm (2000^3) and of the fused K-means step (n=1e6 d=50 k=8; n=2e5 d=100 k=500)
 * for the native backend on the system BLAS it loaded and on its built-in BLAS (`native-builtin`, the
 * no-system-BLAS path) in the same run, the js backend, a hand-tuned single-thread JS K-means step (the js yardstick) and numpy
 * in the same run (`X @ C.T` + argmin, `A @ B`), single thread against single thread plus 2-thread gemm;
 * then CSV parse throughput (native, js, numpy.loadtxt) on the same ~100 MB file of 17-digit doubles.
 * numpy runs just before the native measurement it is compared with, so both see the same machine load.
 * Reports medians of wall time (the verdicts) and of CPU time, prints a table and writes
 * bench/results/kernels.json.
 *
 * Usage: node dist/bench/kernels/run.js [--quick] [--only=gemm,kmeans,csv]
 *   (--quick: shapes / 10, 10 MB CSV, fewer repetitions; --only: just those parts)
 *
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { blasInfo, describeBlas, getBackend, selectBlas, setBlasThreads } from '../../lib/kernels/index.js';
import type { CsvParseFailure, CsvParseResult, Kernels } from '../../lib/kernels/types.js';
import { kmeansStepBaseline } from './baseline-kmeans.js';
import { csvFile, randomMatrix } from './data.js';
import { median } from '../stats.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const quick = process.argv.includes('--quick');
/** --only=gemm,kmeans: run just those parts. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const runs = (part: 'gemm' | 'kmeans' | 'csv'): boolean => !only || only.includes(part);

/** One measured row of the table. */
interface Measurement {
  kernel: 'gemm' | 'kmeans' | 'csv';
  shape: string;
  impl: string;
  threads: number;
  /** Wall-clock seconds per repetition, and their median. */
  seconds: number[];
  median: number;
  /** CPU seconds (all threads of the process) per repetition, and their median: steadier on a shared machine. */
  cpuSeconds: number[];
  cpuMedian: number;
  /** Work / median wall time: GFLOP/s for gemm and kmeans, MB/s for csv. */
  rate: number;
  /** Work / median CPU time, same unit. */
  cpuRate: number;
  unit: 'GFLOP/s' | 'MB/s';
}

/** Wall and CPU seconds of each repetition. */
interface Timings {
  wall: number[];
  cpu: number[];
}

/** What numpy_kernels.py is asked to run. */
interface NumpySpec {
  seed: number;
  gemm?: { n: number; reps: number };
  kmeans?: { n: number; d: number; k: number; reps: number }[];
  csv?: { path: string; reps: number };
}

/** What numpy_kernels.py prints. */
interface NumpyResult {
  numpy: string;
  gemm?: { n: number; seconds: number[]; cpuSeconds: number[] };
  kmeans: { n: number; d: number; k: number; seconds: number[]; cpuSeconds: number[] }[];
  csv?: { rows: number; cols: number; seconds: number[]; cpuSeconds: number[] };
}

const reps = quick ? { native: 3, js: 1, numpy: 3, csv: 2 } : { native: 5, js: 3, numpy: 5, csv: 3 };
const gemmN = quick ? 1000 : 2000;
const kmeansShapes = [
  { n: 1_000_000, d: 50, k: 8 },
  { n: 200_000, d: 100, k: 500 },
].map((s) => (quick ? { ...s, n: s.n / 10 } : s));
const csvMegabytes = quick ? 10 : 100;
const CSV_COLS = 10;

/** Wall and CPU seconds of `count` calls of fn, after `warmup` untimed calls. */
function timed(fn: () => unknown, count: number, warmup = 1): Timings {
  for (let i = 0; i < warmup; i++) fn();
  const out: Timings = { wall: [], cpu: [] };
  for (let i = 0; i < count; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    out.wall.push((performance.now() - t0) / 1e3);
    const c = process.cpuUsage(c0);
    out.cpu.push((c.user + c.system) / 1e6);
  }
  return out;
}

/** The timings numpy_kernels.py reported. */
const fromNumpy = (r: { seconds: number[]; cpuSeconds: number[] }): Timings => ({ wall: r.seconds, cpu: r.cpuSeconds });

const results: Measurement[] = [];

function record(kernel: Measurement['kernel'], shape: string, impl: string, threads: number, t: Timings, work: number): Measurement {
  const med = median(t.wall), cpuMed = median(t.cpu);
  const unit = kernel === 'csv' ? 'MB/s' : 'GFLOP/s';
  const scale = unit === 'MB/s' ? 1e6 : 1e9;
  const m: Measurement = {
    kernel, shape, impl, threads, unit,
    seconds: t.wall, median: med, rate: work / med / scale,
    cpuSeconds: t.cpu, cpuMedian: cpuMed, cpuRate: work / cpuMed / scale,
  };
  results.push(m);
  console.log(`  ${kernel} ${shape} ${impl} x${threads}: median ${med.toFixed(4)} s (cpu ${cpuMed.toFixed(4)} s), ${m.rate.toFixed(1)} ${unit}`);
  return m;
}

/** numpy's version once it ran, or why it could not. */
const numpyStatus: { version?: string; skipped?: string } = {};

/**
 * Run the numpy peer on `spec` (just before the native measurement it is compared with, so that both see
 * the same machine load); returns undefined, and notes why, when it cannot run.
 */
function numpy(spec: Omit<NumpySpec, 'seed'>, threads: number): NumpyResult | undefined {
  if (numpyStatus.skipped) return undefined;
  const r = runNumpy({ seed: 0, ...spec }, threads);
  if (typeof r === 'string') {
    numpyStatus.skipped = r;
    console.log(`numpy skipped: ${r}`);
    return undefined;
  }
  numpyStatus.version = r.numpy;
  return r;
}

/** One run of numpy_kernels.py, or the reason it cannot run. */
function runNumpy(spec: NumpySpec, threads: number): NumpyResult | string {
  const python = `${root}bench/.venv/bin/python`;
  if (!existsSync(python)) return `${python} not found (run bench/install-peers.sh)`;
  const n = String(threads);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
  const script = `${root}bench/kernels/numpy_kernels.py`;
  const r = spawnSync(python, [script, JSON.stringify(spec)], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `numpy_kernels.py exited with ${String(r.status)}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`;
  return JSON.parse(r.stdout) as NumpyResult;
}

/**
 * Time fn on the native kernels with each BLAS of this run and record them: as loaded (`native`), and on
 * the built-in one (`native-builtin`) when the loaded one is a system library. Repetitions alternate
 * between the two so that both see the same machine load; the loaded BLAS is restored afterwards.
 */
function timedEachBlas(kernel: Measurement['kernel'], shape: string, threads: number, fn: () => unknown, work: number): void {
  const loaded = blasInfo();
  const modes = loaded?.source === 'system' ? [loaded.library ?? 'system', 'builtin'] : [undefined];
  const use = (mode: string | undefined): void => {
    if (mode) selectBlas(mode);
    setBlasThreads(threads);
  };
  const timings: Timings[] = modes.map(() => ({ wall: [], cpu: [] }));
  try {
    for (const mode of modes) {
      use(mode);
      fn(); // warm-up
    }
    for (let i = 0; i < reps.native; i++) {
      modes.forEach((mode, j) => {
        use(mode);
        const t = timed(fn, 1, 0);
        timings[j]!.wall.push(...t.wall);
        timings[j]!.cpu.push(...t.cpu);
      });
    }
  } finally {
    use(modes[0]);
    setBlasThreads(1);
  }
  record(kernel, shape, 'native', threads, timings[0]!, work);
  if (timings[1]) record(kernel, shape, 'native-builtin', threads, timings[1], work);
}

function benchGemm(native: Kernels | undefined, js: Kernels): void {
  const n = gemmN;
  const shape = `${n}x${n}x${n}`;
  const flops = 2 * n ** 3;
  const a = randomMatrix(n * n, 1), b = randomMatrix(n * n, 2), c = new Float64Array(n * n);
  for (const threads of [1, 2]) {
    const np = numpy({ gemm: { n, reps: reps.numpy } }, threads);
    if (np?.gemm) record('gemm', shape, 'numpy', threads, fromNumpy(np.gemm), flops);
    if (native) timedEachBlas('gemm', shape, threads, () => native.gemm(false, false, n, n, n, 1, a, b, 0, c), flops);
  }
  // No warm-up call for the slow backend: the JIT settles within the first of these multi-second runs.
  record('gemm', shape, 'js', 1, timed(() => js.gemm(false, false, n, n, n, 1, a, b, 0, c), reps.js, 0), flops);
}

function benchKmeans(native: Kernels | undefined, js: Kernels): void {
  for (const { n, d, k } of kmeansShapes) {
    const shape = `n=${n} d=${d} k=${k}`;
    const flops = 2 * n * d * k;
    const np = numpy({ kmeans: [{ n, d, k, reps: reps.numpy }] }, 1)?.kmeans[0];
    if (np) record('kmeans', shape, 'numpy', 1, fromNumpy(np), flops);
    const x = randomMatrix(n * d, 3), c = randomMatrix(k * d, 4);
    const labels = new Int32Array(n);
    if (native) timedEachBlas('kmeans', shape, 1, () => native.cluster.kmeansStep(x, n, d, c, k, labels), flops);
    record('kmeans', shape, 'js', 1, timed(() => js.cluster.kmeansStep(x, n, d, c, k, labels), reps.js, 0), flops);
    record('kmeans', shape, 'js-baseline', 1, timed(() => kmeansStepBaseline(x, n, d, c, k), reps.js, 0), flops);
  }
}

function isFailure(r: CsvParseResult | CsvParseFailure): r is CsvParseFailure {
  return 'error' in r;
}

/** Parse throughput file -> Float64 matrix (read included, as numpy.loadtxt's time includes it). */
function benchCsv(backends: Kernels[], path: string): string {
  const bytesOnDisk = statSync(path).size;
  const shape = `${(bytesOnDisk / 1e6).toFixed(0)} MB`;
  const np = numpy({ csv: { path, reps: reps.csv } }, 1);
  if (np?.csv) record('csv', shape, 'numpy.loadtxt', 1, fromNumpy(np.csv), bytesOnDisk);
  const parsed = new Map<string, Float64Array>();
  for (const k of backends) {
    const run = (): void => {
      const bytes = readFileSync(path);
      const r = k.parseCsv(bytes, 0, bytes.length, 44);
      if (isFailure(r)) throw new Error(`${k.name} parseCsv failed: ${JSON.stringify(r)}`);
      parsed.set(k.name, r.values);
    };
    record('csv', shape, k.name, 1, timed(run, reps.csv, 0), bytesOnDisk);
  }
  const nat = parsed.get('native'), js = parsed.get('js');
  if (!nat || !js) return 'not checked (one backend missing)';
  const a = new BigUint64Array(nat.buffer, nat.byteOffset, nat.length), b = new BigUint64Array(js.buffer, js.byteOffset, js.length);
  let diff = nat.length === js.length ? 0 : -1;
  for (let i = 0; diff >= 0 && i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff === 0 ? `native and js bit-identical on all ${nat.length} fields` : `MISMATCH: ${diff} fields differ (length ${nat.length} vs ${js.length})`;
}

function find(kernel: string, shape: string, impl: string, threads = 1): Measurement | undefined {
  return results.find((r) => r.kernel === kernel && r.shape === shape && r.impl === impl && r.threads === threads);
}

/** One target of the issue: rate ratio on wall time (the verdict) and on CPU time (for a loaded machine). */
interface Target {
  name: string;
  ratio: number | undefined;
  cpuRatio: number | undefined;
  target: string;
  pass: boolean | undefined;
}

function targets(): Target[] {
  const out: Target[] = [];
  const ratio = (a?: Measurement, b?: Measurement): number | undefined => (a && b ? a.rate / b.rate : undefined);
  const cpuRatio = (a?: Measurement, b?: Measurement): number | undefined => (a && b && a.threads === 1 ? a.cpuRate / b.cpuRate : undefined);
  const gshape = `${gemmN}x${gemmN}x${gemmN}`;
  for (const t of [1, 2]) {
    const a = find('gemm', gshape, 'native', t), b = find('gemm', gshape, 'numpy', t);
    const r = ratio(a, b);
    out.push({ name: `gemm ${gshape} native / numpy, ${t} thread${t > 1 ? 's' : ''}`, ratio: r, cpuRatio: cpuRatio(a, b), target: '>= 0.8', pass: r === undefined ? undefined : r >= 0.8 });
  }
  // The no-system-BLAS path against the system BLAS, same process and run.
  const builtinVsSystem = (kernel: string, shape: string, label: string): void => {
    const a = find(kernel, shape, 'native-builtin'), b = find(kernel, shape, 'native');
    const r = ratio(a, b);
    out.push({ name: `${label} builtin BLAS / system BLAS`, ratio: r, cpuRatio: cpuRatio(a, b), target: '>= 0.6', pass: r === undefined ? undefined : r >= 0.6 });
  };
  builtinVsSystem('gemm', gshape, `gemm ${gshape}`);
  const big = kmeansShapes[kmeansShapes.length - 1]!;
  const bigShape = `n=${big.n} d=${big.d} k=${big.k}`;
  builtinVsSystem('kmeans', bigShape, `kmeans ${bigShape}`);
  for (const { n, d, k } of kmeansShapes) {
    const shape = `n=${n} d=${d} k=${k}`;
    const a = find('kmeans', shape, 'native'), b = find('kmeans', shape, 'numpy');
    const r = ratio(a, b);
    out.push({ name: `kmeans ${shape} native / numpy (X@C.T+argmin)`, ratio: r, cpuRatio: cpuRatio(a, b), target: '>= 0.8', pass: r === undefined ? undefined : r >= 0.8 });
    const ja = find('kmeans', shape, 'js'), jb = find('kmeans', shape, 'js-baseline');
    const j = ratio(ja, jb);
    out.push({ name: `kmeans ${shape} js / hand-tuned JS`, ratio: j, cpuRatio: cpuRatio(ja, jb), target: '>= 0.333 (within 3x)', pass: j === undefined ? undefined : j >= 1 / 3 });
  }
  const csv = results.filter((r) => r.kernel === 'csv');
  const native = csv.find((r) => r.impl === 'native'), loadtxt = csv.find((r) => r.impl === 'numpy.loadtxt');
  const c = ratio(native, loadtxt);
  out.push({ name: 'csv native / numpy.loadtxt', ratio: c, cpuRatio: cpuRatio(native, loadtxt), target: '>= 4', pass: c === undefined ? undefined : c >= 4 });
  return out;
}

function printTable(): void {
  const head = ['kernel', 'shape', 'impl', 'thr', 'median s', 'rate', 'cpu s', 'rate by cpu'];
  const rows = results.map((r) => [
    r.kernel, r.shape, r.impl, String(r.threads),
    r.median.toFixed(4), `${r.rate.toFixed(1)} ${r.unit}`,
    r.cpuMedian.toFixed(4), r.threads === 1 ? `${r.cpuRate.toFixed(1)} ${r.unit}` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const load0 = loadavg();
  console.log(`kernel bench${quick ? ' (--quick)' : ''}: ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}, load ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  const blas = blasInfo();
  console.log(`native BLAS: ${describeBlas(blas)}${blas?.source === 'system' ? '; native-builtin rows: the built-in BLAS in the same run' : ''}`);
  let native: Kernels | undefined;
  let nativeSkipped: string | undefined;
  try {
    native = getBackend('native');
  } catch (err) {
    nativeSkipped = err instanceof Error ? err.message : String(err);
    console.log(`native skipped: ${nativeSkipped}`);
  }
  const js = getBackend('js');

  if (runs('gemm')) {
    console.log('gemm (numpy then native, system and built-in BLAS alternating, at 1 and 2 threads, then js)...');
    benchGemm(native, js);
  }
  if (runs('kmeans')) {
    console.log('kmeans step (numpy, native on each BLAS, js, hand-tuned JS per shape)...');
    benchKmeans(native, js);
  }
  let csvPath: string | undefined;
  let csvCheck = 'not run';
  if (runs('csv')) {
    console.log('preparing the CSV file...');
    csvPath = await csvFile(csvMegabytes, CSV_COLS, 5);
    console.log('csv parse (numpy.loadtxt, native, js)...');
    csvCheck = benchCsv(native ? [native, js] : [js], csvPath);
  }

  printTable();
  const ratios = targets();
  console.log('\nratios (rate / peer rate, same run; verdict on wall time, cpu-time ratio alongside):');
  const x = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(2)}x`).padStart(7);
  for (const t of ratios) {
    const verdict = t.pass === undefined ? 'n/a' : t.pass ? 'PASS' : 'FAIL';
    console.log(`  ${t.name.padEnd(56)} ${x(t.ratio)}  (cpu ${x(t.cpuRatio)})  target ${t.target}  ${verdict}`);
  }
  console.log(`csv check: ${csvCheck}`);
  const load1 = loadavg();
  console.log(`load average after: ${load1.map((l) => l.toFixed(2)).join(' ')}`);

  const outDir = `${root}bench/results`;
  mkdirSync(outDir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    quick,
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadBefore: load0, loadAfter: load1 },
    numpy: numpyStatus,
    nativeSkipped,
    blas,
    csvFile: csvPath ? { path: csvPath, bytes: statSync(csvPath).size, cols: CSV_COLS, check: csvCheck } : undefined,
    results,
    ratios,
  };
  writeFileSync(`${outDir}/kernels.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${outDir}/kernels.json`);
}

await main();
