/**
 * `dislib kmeans` run as a real process on local workers: the fit, its progress lines, the model and
 * label files, one-line errors naming the option or file, and no worker left behind.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMeans } from '../../lib/index.js';
import { dislibBin } from '../runtime/process-helpers.js';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Live processes that the run's local workers left behind, looked up as it exited. */
  leftWorkers: number[];
}

/** True blob centers; rows cycle through them so that row i belongs to blob i % 3. */
const CENTERS = [
  [0, 0],
  [10, 10],
  [-10, 10],
];
const ROWS = 150;

/** Pids of live processes started with `--parent PID`: the local workers of the driver PID. */
async function workersOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('--parent');
    if (at >= 0 && args[at + 1] === String(pid)) found.push(Number(entry));
  }
  return found;
}

/** Runs `dislib kmeans ARGS` in `cwd`; a run that does not exit within 20 s is killed and fails the test. */
function kmeans(cwd: string, ...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [dislibBin, 'kmeans', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dislib kmeans ${args.join(' ')} did not exit within 20 s`));
    }, 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Looked up before the pipes close: the workers of a driver that skipped shutdown would still run.
      void workersOf(child.pid as number).then((leftWorkers) => resolve({ code, stdout, stderr, leftWorkers }), reject);
    });
  });
}

describe('dislib kmeans', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dislib-kmeans-cli-'));
    // Deterministic jitter in [-0.5, 0.5): blobs 14 apart never overlap.
    const jitter = (i: number): number => ((i * 7919) % 101) / 101 - 0.5;
    const lines = Array.from({ length: ROWS }, (_, i) => {
      const [cx, cy] = CENTERS[i % 3] as number[];
      return `${(cx as number) + jitter(2 * i)},${(cy as number) + jitter(2 * i + 1)}`;
    });
    await writeFile(join(dir, 'blobs.csv'), `${lines.join('\n')}\n`);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fits, shows one progress line per iteration, writes the model and consistent labels', async () => {
    // k-means++ seeds one center per well-separated blob, so the result does not hinge on a lucky seed.
    const r = await kmeans(dir, 'blobs.csv', '-k', '3', '--init', 'k-means++', '--seed', '1', '--workers', '2', '--model', 'm.json', '--labels', 'l.csv');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.leftWorkers).to.deep.equal([]);

    const km = KMeans.fromJSON(await readFile(join(dir, 'm.json'), 'utf8'));
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('iteration '));
    expect(progress, r.stderr).to.have.length(km.nIter);
    progress.forEach((line, i) => {
      expect(line).to.match(new RegExp(`^iteration ${i + 1}/10 \\[[#.]{20}\\] inertia \\S+ shift \\S+ \\d+\\.\\d s$`));
    });
    expect(r.stdout).to.match(new RegExp(`^blobs\\.csv: ${ROWS} x 2, k 3, iterations ${km.nIter}, inertia [\\d.]+, [\\d.]+ s\\n$`));

    const centers = km.clusterCenters;
    const nearest = CENTERS.map((t) => {
      const dist = centers.map((c) => Math.hypot((c[0] as number) - (t[0] as number), (c[1] as number) - (t[1] as number)));
      expect(Math.min(...dist), `center near ${t.join(',')}`).to.be.below(0.2);
      return dist.indexOf(Math.min(...dist));
    });
    expect(new Set(nearest).size).to.equal(3);

    const labels = (await readFile(join(dir, 'l.csv'), 'utf8')).trimEnd().split('\n').map(Number);
    expect(labels).to.have.length(ROWS);
    // Every row of blob b is labelled with the index of the center found near b.
    labels.forEach((label, i) => expect(label, `row ${i}`).to.equal(nearest[i % 3]));
  });

  it('says when it stopped at --max-iter without converging, and not when it converged', async () => {
    const stopped = await kmeans(dir, 'blobs.csv', '-k', '7', '--seed', '3', '--max-iter', '1', '--workers', '1', '--no-progress');
    expect(stopped.code, stopped.stderr).to.equal(0);
    expect(stopped.stderr).to.match(/^dislib kmeans: stopped at --max-iter 1 without converging \(center shift \S+ > tolerance \S+\); raise --max-iter or --tol\n$/);
    const converged = await kmeans(dir, 'blobs.csv', '-k', '3', '--init', 'k-means++', '--seed', '1', '--max-iter', '50', '--workers', '1', '--no-progress');
    expect(converged.code, converged.stderr).to.equal(0);
    expect(converged.stderr).to.equal('');
  });

  it('--no-progress prints only the summary', async () => {
    const r = await kmeans(dir, 'blobs.csv', '-k', '2', '--workers', '1', '--no-progress');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.match(/^blobs\.csv: 150 x 2, k 2, /);
  });

  it('bad input: one line naming the file or option, a non-zero status, no worker left', async () => {
    const cases: [string[], RegExp][] = [
      [['missing.csv'], /missing\.csv: no such file/],
      [['blobs.csv', '-k', '0'], /--clusters.*'0'/],
      [['blobs.csv', '-k', 'abc'], /--clusters.*'abc'/],
      [['blobs.csv', '--max-iter', '1.5'], /--max-iter.*'1\.5'/],
      [['blobs.csv', '--tol', '-1'], /--tol.*'-1'/],
      [['blobs.csv', '--init', 'best'], /--init.*'best'/],
      // Found only once the workers have loaded the file: they must still be stopped.
      [['blobs.csv', '-k', '151', '--workers', '1'], /--clusters: expected at most the 150 rows of blobs\.csv, found 151/],
      // Hints name the CLI's flags, not the library's options.
      [['blobs.tsv', '--workers', '1'], /the delimiter may be wrong; pass --delimiter '\\t'\)/],
      [['header.csv', '--workers', '1'], /a header\? pass --skip-header\)/],
      // Loaders read nan/inf as numpy does; the fit refuses them, naming the first one.
      [['nan.csv', '-k', '2', '--workers', '1'], /^dislib: nan\.csv: row 7, column 1 is NaN: K-means needs finite values \(rows and columns count from 0\)$/m],
    ];
    await writeFile(join(dir, 'blobs.tsv'), (await readFile(join(dir, 'blobs.csv'), 'utf8')).replaceAll(',', '\t'));
    await writeFile(join(dir, 'nan.csv'), `${'1,2\n'.repeat(7)}3,nan\n4,inf\n`);
    await writeFile(join(dir, 'header.csv'), `x,y\n${await readFile(join(dir, 'blobs.csv'), 'utf8')}`);
    for (const [args, message] of cases) {
      const r = await kmeans(dir, ...args);
      expect(r.stderr, args.join(' ')).to.not.match(/skipHeader|delimiter:/);
      expect(r.code, args.join(' ')).to.not.equal(0);
      expect(r.stderr).to.match(message);
      expect(r.stderr.split('\n').filter((l) => /^(dislib|error):/.test(l)), r.stderr).to.have.length(1);
      expect(r.leftWorkers, args.join(' ')).to.deep.equal([]);
    }
  });
});
