/**
 * Test helpers for the cluster runtime: {@link withCluster} runs a test body against a fresh loopback
 * cluster with a deadline, then shuts it down and checks that no worker process survived.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { TaskFailedError } from '../../lib/errors.js';
import { get, init, shutdown } from '../../lib/runtime/index.js';
import type { Future, InitOptions } from '../../lib/runtime/index.js';
import { taskModuleUrl } from './tasks.js';

/** Options of {@link withCluster}: init options plus a deadline. */
export interface WithClusterOptions extends Omit<InitOptions, 'executor'> {
  /** The body must finish within this many ms (default 30,000). */
  readonly deadlineMs?: number;
}

/**
 * Pids of live dislib worker processes spawned by driver process `driverPid` (default: this one), orphans
 * included: found by the `--parent PID` of their command line (read from /proc).
 */
export function workerChildren(driverPid = process.pid): number[] {
  const parentArg = `\0--parent\0${driverPid}\0`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes('worker-main') && cmdline.includes(parentArg)) out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** True while process `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Awaits `future`, which must fail: returns its {@link TaskFailedError} (the test fails on a value or another error). */
export async function taskFailure(future: Future): Promise<TaskFailedError> {
  const err = await get(future).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(TaskFailedError);
  return err as TaskFailedError;
}

/**
 * Starts a cluster of `workers` local processes (loopback tcp unless `address` says otherwise) that
 * import the test task module, runs `fn`, and always shuts down; then asserts that no worker process is left.
 *
 * @example
 * ```ts
 * await withCluster({ workers: 2 }, async () => expect(await get(submit(add, [1, 2]))).to.equal(3));
 * ```
 */
export async function withCluster<T>(options: WithClusterOptions, fn: () => Promise<T>): Promise<T> {
  const { deadlineMs = 30_000, ...rest } = options;
  await shutdown(); // a runtime left over by an earlier test (e.g. an embedded default) would make init fail
  await init({ address: 'tcp://127.0.0.1:*', ...rest, executor: 'cluster', taskModules: [taskModuleUrl, ...(rest.taskModules ?? [])] });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`withCluster: deadline of ${deadlineMs} ms passed`)), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await shutdown();
    const left = workerChildren();
    if (left.length > 0) {
      for (const pid of left) process.kill(pid, 'SIGKILL');
      // eslint-disable-next-line no-unsafe-finally -- a surviving worker fails the test even when fn failed
      throw new Error(`withCluster: worker processes ${left.join(', ')} survived shutdown`);
    }
  }
}
