/**
 * Root hooks of the test suite (`.mocharc.json` requires this module). The suite must end by itself, so
 * nothing a test starts may outlive it. The run gets a temp directory of its own (TMPDIR, inherited by
 * every process it starts), which tells its files and processes from those of other runs on the machine.
 *
 * After the last test the root after-all hook fails naming what is still alive: active resources beyond
 * those at the start (`process.getActiveResourcesInfo()`), a dislib runtime still running, live processes
 * the run started, and files left in its temp directory. Should the process still not end (something the
 * list cannot see keeps it up, e.g. a ZeroMQ socket), a watchdog prints what is alive and exits 1; so does
 * SIGTERM, which CI's hard timeout sends when a test hangs.
 *
 * @packageDocumentation
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workers } from '../../lib/runtime/index.js';

/** How long the after-all hook waits for things still closing (sockets, exiting processes) (ms). */
const SETTLE_MS = 3000;
/** How long after the last test the process may stay up before the watchdog ends it (ms). */
const WATCHDOG_MS = 15_000;

const runTmp = mkdtempSync(join(tmpdir(), 'dislib-test-'));
process.env.TMPDIR = runTmp;
process.on('exit', () => rmSync(runTmp, { recursive: true, force: true }));

let baseline: string[] | undefined;

/** Active resources (handles, requests, timers) beyond the baseline, by type. */
function extraResources(): string[] {
  const left = new Map<string, number>();
  for (const r of baseline ?? []) left.set(r, (left.get(r) ?? 0) + 1);
  const extra = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) {
    const n = left.get(r) ?? 0;
    if (n > 0) left.set(r, n - 1);
    else extra.set(r, (extra.get(r) ?? 0) + 1);
  }
  return [...extra].map(([type, n]) => `active resource: ${type}${n > 1 ? ` x${n}` : ''}`);
}

/** Live processes started by this run (their TMPDIR is the run's or one inside it), other than this one. */
function runProcesses(): string[] {
  const marks = [`\0TMPDIR=${runTmp}\0`, `\0TMPDIR=${runTmp}/`];
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      if (!marks.some((m) => environ.includes(m))) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push(`process ${name}: ${cmdline.length > 200 ? `${cmdline.slice(0, 200)}...` : cmdline}`);
    } catch {
      // it ended while we looked, or is not ours to read
    }
  }
  return out;
}

/** Paths under the run's temp directory (directories listed with their contents, at most 50 entries). */
function leftFiles(dir = runTmp, prefix = ''): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = `${prefix}${e.name}`;
    out.push(`file left in the run's temp directory: ${rel}${e.isDirectory() ? '/' : e.isSocket() ? ' (socket)' : ''}`);
    if (e.isDirectory()) out.push(...leftFiles(join(dir, e.name), `${rel}/`));
    if (out.length >= 50) break;
  }
  return out.slice(0, 50);
}

/** Everything the run left alive. */
function alive(): string[] {
  const running = workers();
  return [
    ...(running.length > 0 ? [`a dislib runtime is still running, with workers ${running.map((w) => `${w.id} (pid ${w.pid})`).join(', ')}`] : []),
    ...extraResources(),
    ...runProcesses(),
    ...leftFiles(),
  ];
}

function report(why: string, list: string[]): string {
  return `${why}:\n${list.map((l) => `  - ${l}`).join('\n')}\n`;
}

/** Prints what is alive and ends the process with exit code 1. */
function fail(why: string): never {
  process.stderr.write(`\n[leaks] ${report(why, alive())}`);
  process.exit(1);
}

process.once('SIGTERM', () => fail('the test run was stopped by SIGTERM (a hang?) with these still alive'));

/** Lets mocha arm the timeout of the async hook that awaits this, so that both lists count that timer. */
const afterTimerArmed = (): Promise<void> => new Promise((r) => setImmediate(r));

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await afterTimerArmed();
    baseline = process.getActiveResourcesInfo();
  },

  async afterAll(): Promise<void> {
    await afterTimerArmed();
    let list = alive();
    for (const end = Date.now() + SETTLE_MS; list.length > 0 && Date.now() < end; list = alive()) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // Unref'd: it fires only if something else keeps the process up after the run.
    setTimeout(() => fail(`the process did not end within ${WATCHDOG_MS / 1000} s of the last test`), WATCHDOG_MS).unref();
    if (list.length > 0) throw new Error(report('the test run left these alive', list));
  },
};
