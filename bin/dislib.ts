#!/usr/bin/env node
/**
 * The `dislib` command line:
 * - `dislib worker --connect tcp://HOST:PORT --key FILE --server-key KEY` joins a remote driver;
 * - `dislib keygen --out FILE` writes a CURVE key pair (mode 0600) and prints its public key;
 * - `dislib build-native` builds the native kernels (`scripts/install-native.mjs --required`);
 * - `dislib kmeans FILE -k 8` fits K-means on a CSV or `.npy` file on local workers, with a progress bar.
 *
 * Errors print one line and exit with status 1.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { availableParallelism, constants as osConstants } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { NPY_PREFIX_BYTES, npyHeaderLength, parseNpyHeader } from '../lib/dsarray/io/npy-format.js';
import { statDataFile } from '../lib/dsarray/io/options.js';
import { countLines } from '../lib/dsarray/io/ranges.js';
import { KMeans, NonFiniteError, ParameterError, init, loadNpyFile, loadTxtFile, saveTxt, shutdown, type FitProgress, type KMeansInit } from '../lib/index.js';
import { generateKeyPair, readKeyFile, readPublicKey, writeKeyFile } from '../lib/runtime/security.js';
import { WORKER_PROCESS } from '../lib/runtime/store.js';
import { CONNECT_TIMEOUT_MS, runWorker } from '../lib/runtime/worker.js';
import { figure, ProgressBar } from './progress.js';

/** Package root: this file is dist/bin/dislib.js. */
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Library options that errors name in their hints, and the CLI flags that set them. */
const OPTION_FLAGS: Readonly<Record<string, string>> = { skipHeader: '--skip-header', delimiter: '--delimiter' };

/** A library message with its hints in CLI terms: `pass skipHeader: true` reads `pass --skip-header`. */
export function cliMessage(message: string): string {
  return message.replace(/\bpass (\w+): ('[^']*'|true)/g, (whole, option: string, value: string) => {
    const flag = OPTION_FLAGS[option];
    if (flag === undefined) return whole;
    return value === 'true' ? `pass ${flag}` : `pass ${flag} ${value}`;
  });
}

function fail(err: unknown): never {
  process.stderr.write(`dislib: ${cliMessage(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
}

/**
 * Runs this same command again under {@link WORKER_PROCESS} settings (they must be given when a process
 * starts), forwarding signals, and exits with its status. The child exits if this process dies.
 */
async function relaunchForMemory(): Promise<never> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...WORKER_PROCESS.execArgv, ...process.execArgv, script, ...process.argv.slice(2), '--parent', String(process.pid)], {
    stdio: 'inherit',
    env: { ...WORKER_PROCESS.env, ...process.env },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  process.exit(code ?? (signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : 1));
}

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
const program = new Command('dislib')
  .description('dislib-ts: distributed machine learning runtime tools')
  .version(version, '-V, --version', 'print the version of dislib-ts')
  .showHelpAfterError();

program
  .command('worker')
  .description('join a driver as a worker (remote mode uses CURVE: the driver must allow this key)')
  .requiredOption('--connect <endpoint>', 'driver endpoint, e.g. tcp://10.0.0.1:7000')
  .option('--key <file>', "this worker's key pair (from `dislib keygen`)")
  .option('--server-key <key>', "the driver's public key (Z85 text or a key file)")
  .option('--advertise-host <host>', 'host or IP other workers use to reach this one (default: first non-internal IPv4)')
  .addOption(new Option('--parent <pid>', 'exit when this process dies').hideHelp())
  .action(async (opts: { connect: string; key?: string; serverKey?: string; advertiseHost?: string; parent?: string }) => {
    if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
      await relaunchForMemory();
      return;
    }
    const pair = opts.key !== undefined ? await readKeyFile(opts.key) : undefined;
    const serverKey = opts.serverKey !== undefined ? await readPublicKey(opts.serverKey) : undefined;
    await runWorker({
      connect: opts.connect,
      ...(pair !== undefined ? { secretKey: pair.secretKey, publicKey: pair.publicKey } : {}),
      ...(serverKey !== undefined ? { serverKey } : {}),
      ...(opts.advertiseHost !== undefined ? { advertiseHost: opts.advertiseHost } : {}),
      ...(opts.parent !== undefined ? { parentPid: Number(opts.parent) } : {}),
      // The parent above is this command relaunched, not the driver: the driver may not be there.
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
  });

program
  .command('keygen')
  .description('write a new CURVE key pair to FILE (mode 0600) and print its public key')
  .requiredOption('--out <file>', 'key file to create')
  .option('--force', 'overwrite an existing file')
  .action(async (opts: { out: string; force?: boolean }) => {
    const pair = generateKeyPair();
    await writeKeyFile(opts.out, pair, { overwrite: opts.force === true });
    process.stdout.write(`${pair.publicKey}\n`);
  });

program
  .command('build-native')
  .description('build the native (OpenBLAS) kernels of this package; fails if they cannot be built')
  .action(async () => {
    const script = join(packageRoot, 'scripts', 'install-native.mjs');
    const child = spawn(process.execPath, [script, '--required'], { cwd: packageRoot, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) fail(`native build failed (exit status ${String(code)})`);
  });

/** A commander parser of an integer in [min, max]: digits only, so `1.5`, `1e3` and `0x10` are refused. */
function integerArg(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = /^\+?\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) {
      throw new InvalidArgumentError(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`);
    }
    return value;
  };
}

/** A commander parser of a finite number >= 0 (`Number('')` would be 0, so blanks are refused first). */
function nonNegativeArg(text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!(Number.isFinite(value) && value >= 0)) throw new InvalidArgumentError('expected a finite number >= 0');
  return value;
}

/** Head of a text file read to estimate its number of rows. */
const SAMPLE_BYTES = 1 << 20;

/** Row blocks per worker of the default blocking: enough to balance the load, few enough to keep tasks large. */
const ROW_BLOCKS_PER_WORKER = 4;

/**
 * Rows of a data file, known before loading it so that the loader can cut the default row blocks:
 * exact for `.npy` (its header), estimated for text from the line density of its head.
 *
 * @throws DataFormatError naming the file when it is missing, unreadable or not `.npy` as named
 */
async function estimateRows(path: string, npy: boolean): Promise<number> {
  const size = await statDataFile(path);
  const fh = await open(path, 'r');
  try {
    if (npy) {
      const prefix = new Uint8Array(Math.min(size, NPY_PREFIX_BYTES));
      await fh.read(prefix, 0, prefix.length, 0);
      const header = new Uint8Array(Math.min(size, npyHeaderLength(path, prefix)));
      await fh.read(header, 0, header.length, 0);
      return parseNpyHeader(path, header).shape[0];
    }
    const sample = new Uint8Array(Math.min(size, SAMPLE_BYTES));
    const { bytesRead } = await fh.read(sample, 0, sample.length, 0);
    const lines = countLines(sample, 0, bytesRead);
    return Math.max(1, Math.ceil((lines * size) / Math.max(1, bytesRead)));
  } finally {
    await fh.close();
  }
}

/** Options of `dislib kmeans`, as commander parses them. */
interface KMeansCommandOptions {
  clusters: number;
  init: KMeansInit;
  maxIter: number;
  tol: number;
  seed?: number;
  blockRows?: number;
  workers?: number;
  delimiter: string;
  skipHeader?: boolean;
  model?: string;
  labels?: string;
  progress: boolean;
}

/**
 * Loads FILE, fits K-means with a progress bar on stderr, writes the requested outputs and prints a
 * summary on stdout. The file is checked before any worker starts; workers always stop at the end.
 */
async function kmeansCommand(file: string, opts: KMeansCommandOptions): Promise<void> {
  const npy = extname(file).toLowerCase() === '.npy';
  const nWorkers = opts.workers ?? availableParallelism();
  const blockRows = opts.blockRows ?? Math.ceil((await estimateRows(file, npy)) / (ROW_BLOCKS_PER_WORKER * nWorkers));
  const blockSize = [blockRows, Number.MAX_SAFE_INTEGER] as const;
  const bar = opts.progress ? new ProgressBar(process.stderr) : undefined;
  try {
    await init({ workers: nWorkers });
    const x = npy
      ? await loadNpyFile(file, blockSize)
      : await loadTxtFile(file, blockSize, { delimiter: opts.delimiter === '\\t' ? '\t' : opts.delimiter, skipHeader: opts.skipHeader === true });
    const [n, d] = x.shape;
    if (opts.clusters > n) throw new ParameterError('--clusters', `expected at most the ${n} rows of ${file}, found ${opts.clusters}`);
    const km = new KMeans({ nClusters: opts.clusters, init: opts.init, maxIter: opts.maxIter, tol: opts.tol, randomState: opts.seed });
    const started = performance.now();
    let last: FitProgress | undefined;
    try {
      await km.fit(x, undefined, {
        onProgress: (p) => {
          last = p;
          bar?.update(p);
        },
      });
    } catch (err) {
      // The estimator names its argument; here the user knows the data as the file.
      if (err instanceof NonFiniteError) throw new NonFiniteError(file, 'K-means', { row: err.row, column: err.column, value: err.context.value as number });
      throw err;
    } finally {
      bar?.finish();
    }
    const { centerShift, tolerance } = last?.metrics ?? {};
    if (km.nIter === opts.maxIter && centerShift !== undefined && tolerance !== undefined && centerShift > tolerance) {
      process.stderr.write(
        `dislib kmeans: stopped at --max-iter ${opts.maxIter} without converging (center shift ${figure(centerShift)} > tolerance ${figure(tolerance)}); raise --max-iter or --tol\n`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    if (opts.model !== undefined) await writeFile(opts.model, `${JSON.stringify(km)}\n`);
    if (opts.labels !== undefined) await saveTxt(km.predict(x), opts.labels);
    process.stdout.write(
      `${file}: ${n} x ${d}, k ${opts.clusters}, iterations ${km.nIter}, inertia ${Number(km.inertia.toPrecision(6))}, ${seconds.toFixed(2)} s\n`,
    );
  } finally {
    await shutdown();
  }
}

const kmeansDefaults = new KMeans().getParams();

program
  .command('kmeans')
  .description('cluster the rows of a CSV/text or .npy file with K-means on local workers')
  .argument('<file>', 'data file: .npy, or delimited text (.csv, .txt, ...)')
  .option('-k, --clusters <n>', 'number of clusters', integerArg(1), kmeansDefaults.nClusters)
  .addOption(new Option('--init <method>', 'initial centers').choices(['random', 'k-means++', 'k-means||']).default(kmeansDefaults.init))
  .option('--max-iter <n>', 'most Lloyd iterations', integerArg(1), kmeansDefaults.maxIter)
  .option('--tol <x>', 'relative convergence tolerance of the center shift', nonNegativeArg, kmeansDefaults.tol)
  .option('--seed <n>', 'seed of the initialisation (default: random)', integerArg(0, 2 ** 32 - 1))
  .option('--block-rows <n>', 'rows of a block (default: about 4 row blocks per worker)', integerArg(1))
  .option('--workers <n>', 'local worker processes (default: one per core)', integerArg(1, 1024))
  .option('--delimiter <char>', "field separator of a text file ('\\t' for tab)", ',')
  .option('--skip-header', 'the first line of a text file is a header')
  .option('--model <path>', 'write the fitted model as JSON (KMeans.fromJSON reads it)')
  .option('--labels <path>', "write each row's cluster index as CSV, one per line")
  .option('--no-progress', 'no progress bar on stderr')
  // Bad input gets one line naming the option, not the whole help text.
  .showHelpAfterError(false)
  .action(kmeansCommand);

program.parseAsync(process.argv).then(() => process.exit(0), fail);
