import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, stats, submit, workers } from '../../lib/runtime/index.js';
import { generateKeyPair, writeKeyFile } from '../../lib/runtime/security.js';
import { alive, withCluster } from './helpers.js';
import { dislibBin, freePort, waitFor } from './process-helpers.js';
import { block, checksum } from './tasks.js';

describe('cluster executor in CURVE mode', function () {
  this.timeout(60_000);

  it('admits an allowlisted `dislib worker`, refuses an unknown key, and moves data between workers over CURVE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dislib-curve-test-'));
    const server = generateKeyPair();
    const remote = generateKeyPair();
    const stranger = generateKeyPair();
    await writeKeyFile(join(dir, 'remote.key'), remote);
    await writeKeyFile(join(dir, 'stranger.key'), stranger);
    const port = await freePort('127.0.0.1');
    const procs: ChildProcess[] = [];
    const join_ = (key: string): ChildProcess => {
      const p = spawn(process.execPath, [dislibBin, 'worker', '--connect', `tcp://127.0.0.1:${port}`, '--key', join(dir, key), '--server-key', server.publicKey], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      procs.push(p);
      return p;
    };
    try {
      await withCluster({ workers: 1, address: `tcp://127.0.0.1:${port}`, secretKey: server.secretKey, allowedWorkerKeys: [remote.publicKey] }, async () => {
        const good = join_('remote.key');
        join_('stranger.key');
        await waitFor(() => workers().length >= 2, 20_000);
        await new Promise((r) => setTimeout(r, 500)); // give the stranger time to (fail to) join
        const ws = workers();
        expect(ws).to.have.length(2);
        const local = ws.find((w) => w.id === 'w1');
        const other = ws.find((w) => w.id !== 'w1');
        if (local === undefined || other === undefined) throw new Error('expected the local and the remote worker');
        expect(good.exitCode).to.equal(null);
        const a = submit(block, [5, 100_000], { worker: local.id });
        const here = await get(submit(checksum, [a], { worker: local.id }));
        const there = await get(submit(checksum, [a], { worker: other.id }));
        expect(there).to.equal(here);
        expect(stats().bytesMoved).to.be.at.least(800_000);
      });
      // shutdown told the remote worker to stop
      const good = procs[0] as ChildProcess;
      if (good.exitCode === null) await new Promise((r) => good.once('exit', r));
      expect(good.exitCode).to.equal(0);
    } finally {
      for (const p of procs) if (p.pid !== undefined && alive(p.pid)) p.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
