/**
 * Running peers (Python programs of scikit-learn, Spark, Dask, and dislib-ts's own peer program) from a
 * bench: each in its own process group with a time limit, its JSON result lines collected, and why it
 * gave none said in a word a table can show.
 *
 * @packageDocumentation
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Python of the peers' virtual environment (made by bench/install-peers.sh). */
export const python = new URL('../../bench/.venv/bin/python', import.meta.url).pathname;

/** Why a peer run ended without all its results. */
export type PeerFailure = 'failed' | 'timeout' | 'out of memory';

/** What a peer run printed: its result lines, and why it did not finish cleanly, if it did not. */
export interface PeerRun {
  lines: Record<string, unknown>[];
  failure?: PeerFailure;
  reason?: string;
}

/** Whether the peers' Python can import `module` (undefined: a peer that needs no Python module). */
export function pythonHas(module: string | undefined): boolean {
  return module === undefined || (existsSync(python) && spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0);
}

/**
 * Runs `argv` in `cwd` with BLAS/OpenMP limited to `threads`, killing its process group after `limitS`
 * seconds; resolves with the lines of stdout that are JSON objects starting with `{"system"`.
 */
export function runPeer(argv: readonly string[], opts: { cwd: string; threads: number; limitS: number }): Promise<PeerRun> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const threads = String(opts.threads);
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads, PYSPARK_PYTHON: python },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, opts.limitS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A result line may follow other output on the same line (progress bars end with \r, not \n).
      const lines = out
        .split('\n')
        .map((l) => l.slice(Math.max(0, l.indexOf('{"system"'))))
        .filter((l) => l.startsWith('{"system"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      if (timedOut) return resolve({ lines, failure: 'timeout', reason: `no result within ${opts.limitS} s` });
      if (code === 0) return resolve({ lines });
      const oom = /MemoryError|OutOfMemory|heap out of memory|Cannot allocate|ENOMEM|Killed/i.test(err) || signal === 'SIGKILL' || code === 137;
      const last = err.trim().split('\n').slice(-3).join(' | ');
      resolve({ lines, failure: oom ? 'out of memory' : 'failed', reason: `exit ${code ?? signal}: ${last}` });
    });
  });
}
