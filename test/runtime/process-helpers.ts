/**
 * Helpers for tests that run the `dislib` CLI or a user's program as a separate process: where the
 * compiled CLI is, a free port, polling, running a program to its end, and stopping a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (dist/bin/dislib.js). */
export const dislibBin = fileURLToPath(new URL('../../bin/dislib.js', import.meta.url));

/** URL of the compiled package entry (dist/lib/index.js), for programs that import it as a user does. */
export const packageEntry = new URL('../../lib/index.js', import.meta.url).href;

/** A TCP port that was free a moment ago on `host`. */
export async function freePort(host: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, host, r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Polls `cond` every 50 ms until it holds or `ms` pass; returns whether it held. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Sends SIGTERM (then SIGKILL after 5 s) to a child and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** How a program run by {@link runProgram} ended. */
export interface ProgramResult {
  readonly pid: number;
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** Environment of the program (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** The program is killed (SIGKILL) after this many ms (default 60,000: a hang, not a slow machine). */
  readonly timeoutMs?: number;
  /** Called with the child and each stdout line as it comes, e.g. to signal it at a given point. */
  readonly onLine?: (line: string, child: ChildProcess) => void;
}

/** Runs `node file` as a user would, and resolves once it ended with its exit status and output. */
export function runProgram(file: string, options: RunProgramOptions = {}): Promise<ProgramResult> {
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    partial += d;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      options.onLine?.(partial.slice(0, nl), child);
      partial = partial.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // 'close': the exit status and all of the output are in.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid as number, code, signal, stdout, stderr });
    });
  });
}
