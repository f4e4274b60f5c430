import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyFile } from '../../lib/runtime/security.js';
import { dislibBin } from './process-helpers.js';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dislib ARGS` and collects its exit status and output. */
function dislib(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [dislibBin, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('dislib CLI', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dislib-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--version prints the version of package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await dislib('--version');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(`${pkg.version}\n`);
  });

  it('keygen writes a 0600 key file and prints its public key; never overwrites without --force', async () => {
    const file = join(dir, 'a.key');
    const first = await dislib('keygen', '--out', file);
    expect(first.code).to.equal(0);
    const pair = await readKeyFile(file);
    expect(first.stdout.trim()).to.equal(pair.publicKey);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    const again = await dislib('keygen', '--out', file);
    expect(again.code).to.equal(1);
    expect(again.stderr.trim().split('\n')).to.have.length(1);
    expect(again.stderr).to.match(/^dislib: .*exists/);
    expect((await readKeyFile(file)).publicKey).to.equal(pair.publicKey);
    const forced = await dislib('keygen', '--out', file, '--force');
    expect(forced.code).to.equal(0);
    expect(forced.stdout.trim()).to.not.equal(pair.publicKey);
  });

  it('worker errors print one line and exit 1', async () => {
    const bad = join(dir, 'bad.key');
    await writeFile(bad, '{"secret": "short"}', { mode: 0o600 });
    const cases: [string[], RegExp][] = [
      [['worker', '--connect', 'tcp://10.255.255.1:7000'], /serverKey, secretKey and publicKey are required/],
      [['worker', '--connect', 'tcp://10.255.255.1:7000', '--key', bad, '--server-key', 'x'], /bad\.key: bad secret key/],
      [['worker', '--connect', 'tcp://10.255.255.1:7000', '--key', join(dir, 'none.key')], /cannot read .*none\.key/],
    ];
    for (const [args, message] of cases) {
      const r = await dislib(...args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(message);
      expect(r.stderr).to.not.include('short'); // the secret's text is never echoed
    }
    const missing = await dislib('worker');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/--connect/);
  });
});
