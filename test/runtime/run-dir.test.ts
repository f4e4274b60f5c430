/**
 * Nothing left behind: a cluster run keeps its ipc endpoints in one private directory (mode 0700, named
 * with the driver's pid) that is removed however the program ends (normal exit, SIGINT, SIGTERM, SIGHUP,
 * an uncaught error), with Node's default outcome kept (the signal or exit code). After a SIGKILL the
 * next driver's start removes it, and never the directory of a driver still running.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerChildren } from './helpers.js';
import { packageEntry, runProgram, waitFor, type ProgramResult } from './process-helpers.js';

/** Starts a cluster, computes something (so every worker has served), runs `setup`, and prints READY. */
const ready = (setup = ''): string => `import * as dl from '${packageEntry}';
await dl.init({ workers: 2 });
await dl.array([[1, 2], [3, 4]], [1, 1]).add(1).collect();
${setup}console.log('READY');
`;
const READY = ready();
const WAIT_FOREVER = 'setInterval(() => undefined, 1000);';

/** What a program held when it printed READY, and how it ended. */
interface Run {
  readonly result: ProgramResult;
  /** Entries of the run directory while READY (undefined: there was no single run directory). */
  readonly heldEntries: string[] | undefined;
  readonly heldMode: number | undefined;
  /** The program's temp directory once it ended. */
  readonly left: string[];
}

describe('run directory of ipc endpoints', function () {
  this.timeout(120_000);
  let root: string;
  let n = 0;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'dislib-rundir-'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const runDirs = (tmp: string): string[] => readdirSync(tmp).filter((f) => f.startsWith('dislib-run-'));

  /**
   * Runs `source` with temp directory `tmp` (a fresh one by default); at READY, records the run directory
   * and calls `atReady` (e.g. to send a signal).
   */
  async function run(source: string, atReady: (pid: number) => void, tmp?: string): Promise<Run> {
    const dir = tmp ?? join(root, `tmp${++n}`);
    mkdirSync(dir, { recursive: true });
    const file = join(root, `p${++n}.mjs`);
    writeFileSync(file, source);
    let heldEntries: string[] | undefined;
    let heldMode: number | undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: dir };
    delete env.DISLIB_EXECUTOR;
    const result = await runProgram(file, {
      env,
      onLine: (line, child) => {
        if (line !== 'READY') return;
        const [only, ...more] = runDirs(dir).filter((d) => d.startsWith(`dislib-run-${child.pid}-`));
        if (only !== undefined && more.length === 0) {
          heldEntries = readdirSync(join(dir, only)).sort();
          heldMode = statSync(join(dir, only)).mode & 0o777;
        }
        atReady(child.pid as number);
      },
    });
    return { result, heldEntries, heldMode, left: readdirSync(dir) };
  }

  /** The run directory held the driver's socket and one peer socket per worker, and only its owner could enter it. */
  function checkHeld(r: Run): void {
    expect(r.heldMode, r.result.stderr).to.equal(0o700);
    expect(r.heldEntries).to.have.length(3);
    expect(r.heldEntries).to.include('driver.sock');
    expect(r.heldEntries?.filter((f) => /^dislib-peer-\d+\.sock$/.test(f))).to.have.length(2);
  }

  const summary: string[] = [];
  after(() => console.log(summary.map((l) => `    ${l}`).join('\n')));

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: removed, and the program still ends by the signal`, async () => {
      const r = await run(READY + WAIT_FOREVER, (pid) => process.kill(pid, signal));
      checkHeld(r);
      expect(r.result.signal, r.result.stderr).to.equal(signal);
      expect(r.left).to.deep.equal([]);
      expect(workerChildren(r.result.pid)).to.deep.equal([]);
      summary.push(`${signal}: run dirs while running 1, entries left after ${r.left.length}; ended by ${String(r.result.signal)}`);
    });
  }

  it('a program that handles SIGINT itself keeps control (it shuts down and exits 0)', async () => {
    const handler = "process.on('SIGINT', async () => {\n  await dl.shutdown();\n  console.log('HANDLED');\n  process.exit(0);\n});\n";
    const r = await run(ready(handler) + WAIT_FOREVER, (pid) => process.kill(pid, 'SIGINT'));
    checkHeld(r);
    expect(r.result.code, r.result.stderr).to.equal(0);
    expect(r.result.stdout).to.contain('HANDLED');
    expect(r.left).to.deep.equal([]);
  });

  it('normal exit, an uncaught exception and a rejected top-level await: removed, exit codes 0, 1, 1', async () => {
    // Each program ends its own way once the test, having seen its run directory, sends SIGUSR2.
    const setup = "const keep = setInterval(() => undefined, 1000);\nconst go = new Promise((r) => process.once('SIGUSR2', r));\n";
    const endings = {
      normal: 'await dl.shutdown();',
      'uncaught exception': "setTimeout(() => {\n  throw new Error('boom');\n}, 10);",
      'rejected top-level await': "throw new Error('boom');",
    };
    for (const [how, code] of Object.entries(endings)) {
      const r = await run(`${ready(setup)}await go;\nclearInterval(keep);\n${code}`, (pid) => process.kill(pid, 'SIGUSR2'));
      checkHeld(r);
      expect(r.result.code, `${how}: ${r.result.stderr}`).to.equal(how === 'normal' ? 0 : 1);
      if (how !== 'normal') expect(r.result.stderr).to.contain('Error: boom');
      expect(r.left, how).to.deep.equal([]);
      expect(workerChildren(r.result.pid), how).to.deep.equal([]);
      summary.push(`${how}: exit ${String(r.result.code)}, entries left ${r.left.length}`);
    }
  });

  it("after a SIGKILL the next driver's start removes it, but never a live driver's", async () => {
    const tmp = join(root, 'shared');
    // A driver that stays up while the others come and go.
    let livePid = 0;
    let liveReady!: () => void;
    const ready = new Promise<void>((r) => (liveReady = r));
    const live = run(
      READY + WAIT_FOREVER,
      (pid) => {
        livePid = pid;
        liveReady();
      },
      tmp,
    );
    await ready;
    const killed = await run(READY + WAIT_FOREVER, (pid) => process.kill(pid, 'SIGKILL'), tmp);
    expect(killed.result.signal).to.equal('SIGKILL');
    expect(runDirs(tmp)).to.have.length(2);
    expect(runDirs(tmp).some((d) => d.startsWith(`dislib-run-${killed.result.pid}-`))).to.equal(true);
    // Its workers see their driver gone and end by themselves.
    expect(await waitFor(() => workerChildren(killed.result.pid).length === 0, 10_000)).to.equal(true);
    const before = runDirs(tmp).length;
    const next = await run(READY + 'await dl.shutdown();', () => undefined, tmp);
    expect(next.result.code, next.result.stderr).to.equal(0);
    const dirs = runDirs(tmp);
    expect(dirs, 'only the live driver keeps its directory').to.have.length(1);
    expect(dirs[0]).to.match(new RegExp(`^dislib-run-${livePid}-`));
    process.kill(livePid, 'SIGTERM');
    await live;
    expect(readdirSync(tmp)).to.deep.equal([]);
    summary.push(`SIGKILL: run dirs after the kill ${before} (1 live + 1 killed), after the next init ${dirs.length} (the live one), after the live one's SIGTERM ${readdirSync(tmp).length}`);
  });
});
