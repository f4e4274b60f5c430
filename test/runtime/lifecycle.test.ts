/**
 * Every program ends cleanly: small ESM programs with top-level await, importing the built package as a
 * user does, run as child processes. `shutdown()` must settle within 5 s in every state of the runtime
 * (the program prints a line after it and exits 0), reject reads still waiting, and leave no worker process and no
 * file in the temp directory behind.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerChildren } from './helpers.js';
import { packageEntry as LIB, runProgram, type ProgramResult } from './process-helpers.js';

/** A task module for the programs: `lc.slow` doubles a number after waiting `ms`. */
const TASKS = `import { taskModule } from '${LIB}';
const defineTask = taskModule(import.meta.url);
export const slow = defineTask('lc.slow', async (x, ms) => {
  await new Promise((r) => setTimeout(r, ms));
  return 2 * x;
});
`;

const HEADER = `import * as dl from '${LIB}';
import { slow } from './tasks.mjs';
const taskModules = [new URL('./tasks.mjs', import.meta.url).href];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nameOf = (p) => p.then(() => 'resolved', (e) => e.name + ': ' + e.message);
const shutdown = async () => {
  const t0 = Date.now();
  await dl.shutdown();
  console.log('shutdown ms', Date.now() - t0);
};
`;

/** Kills a worker while tasks run on it, reads the results (retried elsewhere), then shuts down at once. */
const KILL_THEN_SHUTDOWN = `await dl.init({ workers: 2, taskModules });
const all = dl.getAll([1, 2, 3, 4].map((i) => dl.submit(slow, [i, 150])));
await sleep(50);
process.kill(dl.workers()[0].pid, 'SIGKILL');
console.log('values', JSON.stringify(await all));
await shutdown();`;

/** Program bodies (each then prints AFTER) and the lines their output must hold. */
const PROGRAMS: Record<string, { body: string; expect?: string[] }> = {
  'nothing started': { body: 'await shutdown();' },
  'lazy start (array), then shutdown at once': { body: 'dl.array([[1, 2], [3, 4]], [1, 2]);\nawait shutdown();' },
  'init not awaited (starting), then shutdown': {
    body: "const started = dl.init({ workers: 2 });\nawait shutdown();\nconsole.log('init', await nameOf(started));",
    expect: ['init ClusterError: the runtime was shut down'],
  },
  'idle after a result': {
    body: "await dl.init({ workers: 2, taskModules });\nconsole.log('value', await dl.get(dl.submit(slow, [21, 0])));\nawait shutdown();",
    expect: ['value 42'],
  },
  'busy: a read still waiting': {
    body: "await dl.init({ workers: 2, taskModules });\nconst pending = nameOf(dl.get(dl.submit(slow, [1, 20000])));\nawait sleep(200);\nawait shutdown();\nconsole.log('get', await pending);",
    expect: ['get ClusterError: the runtime was shut down'],
  },
  'kill a worker, then shutdown': { body: KILL_THEN_SHUTDOWN, expect: ['values [2,4,6,8]'] },
  'shutdown twice': { body: 'dl.array([[1, 2], [3, 4]], [1, 2]);\nawait shutdown();\nawait shutdown();' },
  'concurrent shutdowns while busy': {
    body: 'await dl.init({ workers: 2, taskModules });\nconst pending = nameOf(dl.get(dl.submit(slow, [1, 20000])));\nawait Promise.all([shutdown(), shutdown(), shutdown()]);\nconsole.log(\'get\', await pending);',
    expect: ['get ClusterError: the runtime was shut down'],
  },
  'ParameterError after the lazy start': {
    body: "dl.array([[1, 2], [3, 4]], [1, 2]);\ntry {\n  new dl.KMeans({ init: 'kmeans++' });\n} catch (e) {\n  console.log('caught', e.name);\n} finally {\n  await shutdown();\n}",
    expect: ['caught ParameterError'],
  },
  'NotFittedError (predict before fit)': {
    body: "const x = dl.array([[1, 2], [3, 4]], [1, 2]);\ntry {\n  new dl.KMeans({ nClusters: 2 }).predict(x);\n} catch (e) {\n  console.log('caught', e.name);\n} finally {\n  await shutdown();\n}",
    expect: ['caught NotFittedError'],
  },
  'ShapeError from add': {
    body: "try {\n  dl.array([[1, 2], [3, 4]], [1, 2]).add(dl.array([[1, 2, 3]], [1, 1]));\n} catch (e) {\n  console.log('caught', e.name);\n} finally {\n  await shutdown();\n}",
    expect: ['caught ShapeError'],
  },
  'ShapeError from matmul': {
    body: "try {\n  dl.array([[1, 2], [3, 4]], [1, 2]).matmul(dl.array([[1, 2, 3]], [1, 1]));\n} catch (e) {\n  console.log('caught', e.name);\n} finally {\n  await shutdown();\n}",
    expect: ['caught ShapeError'],
  },
  'never calls shutdown (the embedded runtime stops itself)': {
    body: "console.log('value', await dl.get(dl.submit(slow, [4, 0])));",
    expect: ['value 8'],
  },
};

/** Runs `tasks` with at most `limit` at a time; resolves with their results in order. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < tasks.length; i = next++) out[i] = await (tasks[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return out;
}

/** One program run: its result, worker processes of it still alive, and files left in its temp directory. */
interface Outcome {
  readonly name: string;
  readonly result: ProgramResult;
  readonly ms: number;
  readonly workersLeft: number[];
  readonly tmpLeft: string[];
}

describe('program lifecycle (ESM programs run with node)', function () {
  this.timeout(120_000);
  let root: string;
  let runs = 0;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'dislib-lifecycle-'));
    writeFileSync(join(root, 'tasks.mjs'), TASKS);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** Runs program `name` with a temp directory of its own, and checks what it left once it ended. */
  async function run(name: string): Promise<Outcome> {
    const file = join(root, `p${++runs}.mjs`);
    writeFileSync(file, `${HEADER}${(PROGRAMS[name] as { body: string }).body}\nconsole.log('AFTER');\n`);
    const tmp = join(root, `tmp${runs}`);
    mkdirSync(tmp);
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    delete env.DISLIB_EXECUTOR;
    const start = Date.now();
    const result = await runProgram(file, { env });
    const ms = Date.now() - start;
    return { name, result, ms, workersLeft: workerChildren(result.pid), tmpLeft: readdirSync(tmp) };
  }

  function check(o: Outcome): void {
    const why = `${o.name}: exit ${String(o.result.code)}${o.result.signal !== null ? ` (${o.result.signal})` : ''}\nstdout:\n${o.result.stdout}\nstderr:\n${o.result.stderr}`;
    expect(o.result.code, why).to.equal(0);
    const lines = o.result.stdout.trim().split('\n');
    expect(lines.at(-1), why).to.equal('AFTER');
    for (const line of PROGRAMS[o.name]?.expect ?? []) expect(lines, why).to.include(line);
    // shutdown() settles within 5 s, in whatever state it found the runtime.
    for (const line of lines.filter((l) => l.startsWith('shutdown ms '))) expect(Number(line.split(' ')[2]), why).to.be.below(5000);
    expect(o.workersLeft, `${o.name}: worker processes left`).to.deep.equal([]);
    expect(o.tmpLeft, `${o.name}: files left in its temp directory`).to.deep.equal([]);
  }

  it('every program exits 0 after `await shutdown()`, leaving no worker and no file', async () => {
    const outcomes = await pool(Object.keys(PROGRAMS).map((name) => () => run(name)), 3);
    const table = outcomes.map((o) => `    ${o.name.padEnd(58)} exit ${String(o.result.code ?? o.result.signal)}  ${o.ms} ms`);
    console.log(`    program${' '.repeat(51)} exit code  time\n${table.join('\n')}`);
    for (const o of outcomes) check(o);
  });

  it('kill a worker during a computation, then shutdown at once: 20 of 20 runs clean', async function () {
    this.timeout(240_000);
    const outcomes = await pool(Array.from({ length: 20 }, () => () => run('kill a worker, then shutdown')), 4);
    const clean = outcomes.filter((o) => o.result.code === 0 && o.result.stdout.endsWith('AFTER\n') && o.workersLeft.length === 0 && o.tmpLeft.length === 0);
    console.log(`    ${clean.length}/20 clean; exit codes ${outcomes.map((o) => String(o.result.code)).join(' ')}; slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`);
    for (const o of outcomes) check(o);
  });
});
