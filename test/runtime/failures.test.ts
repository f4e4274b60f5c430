/**
 * Failures say what happened: a worker that cannot join exits naming the cause; a driver without
 * workers says where to connect them and gives up after `workerWaitMs`.
 */
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParameterError, TaskFailedError } from '../../lib/errors.js';
import { defineTask, get, init, stats, submit, workers } from '../../lib/runtime/index.js';
import { generateKeyPair, writeKeyFile } from '../../lib/runtime/security.js';
import { alive, taskFailure, withCluster } from './helpers.js';
import { HEARTBEAT_TIMEOUT_MS } from '../../lib/runtime/driver.js';
import { dislibBin, freePort, waitFor } from './process-helpers.js';
import { block, byteLength, checksum, checksumBytes, inc, makeBlock, never, sleep, spinForever } from './tasks.js';

const child = fileURLToPath(new URL('./failures-child.main.js', import.meta.url));

/** Runs the child program in `mode`; resolves with its exit code and output. */
function runChild(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [child, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** Runs `dislib worker ARGS` to its end: exit code, stderr and seconds taken (killed after 30 s). */
function joinAttempt(args: string[]): Promise<{ code: number | null; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [dislibBin, 'worker', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.once('error', reject);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

describe('failures say what happened', function () {
  this.timeout(60_000);

  it('a worker that cannot join exits non-zero within 10 s, naming the cause', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dislib-join-test-'));
    const server = generateKeyPair();
    const allowed = generateKeyPair();
    await writeKeyFile(join(dir, 'allowed.key'), allowed);
    await writeKeyFile(join(dir, 'stranger.key'), generateKeyPair());
    const port = await freePort('127.0.0.1');
    const nobody = await freePort('127.0.0.1');
    try {
      await withCluster({ workers: 1, address: `tcp://127.0.0.1:${port}`, secretKey: server.secretKey, allowedWorkerKeys: [allowed.publicKey] }, async () => {
        const attempts = [];
        // One after the other: each is timed, and the machine may be small.
        for (const args of [
          ['--connect', `tcp://127.0.0.1:${port}`, '--key', join(dir, 'stranger.key'), '--server-key', server.publicKey],
          ['--connect', `tcp://127.0.0.1:${port}`, '--key', join(dir, 'allowed.key'), '--server-key', generateKeyPair().publicKey],
          ['--connect', `tcp://127.0.0.1:${nobody}`, '--key', join(dir, 'allowed.key'), '--server-key', server.publicKey],
        ]) {
          attempts.push(await joinAttempt(args));
        }
        const causes = [
          /^dislib: the driver at tcp:\/\/127\.0\.0\.1:\d+ refused this worker: its public key is not on the driver's allowlist/m,
          /^dislib: the CURVE handshake with tcp:\/\/127\.0\.0\.1:\d+ failed: the server key does not match the driver's public key \(check --server-key\)$/m,
          /^dislib: nothing answers at tcp:\/\/127\.0\.0\.1:\d+ \(no connection within 4000 ms\)/m,
        ];
        attempts.forEach((a, i) => {
          expect(a.code, a.stderr).to.equal(1);
          expect(a.stderr).to.match(causes[i] as RegExp);
          expect(a.seconds, a.stderr).to.be.below(10);
        });
        const [refused, wrongKey, nothing] = attempts.map((a) => a.seconds.toFixed(1));
        console.log(`      (worker exits after: refused ${refused} s, wrong server key ${wrongKey} s, nothing there ${nothing} s)`);
        // The driver still works with its own worker.
        expect(await get(submit(inc, [1]))).to.equal(2);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a driver with no worker prints once where workers connect, then fails reads with a ClusterError after workerWaitMs', async () => {
    const r = await runChild('no-workers', '1000');
    expect(r.code, r.stderr).to.equal(0);
    const announced = r.stderr.split('\n').filter((l) => l.includes('no worker is connected'));
    expect(announced, r.stderr).to.have.length(1);
    expect(announced[0]).to.match(/waiting up to 1000 ms for one; start workers with `dislib worker --connect tcp:\/\/127\.0\.0\.1:\d+`$/);
    const outcomes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; message: string; ms: number });
    expect(outcomes).to.have.length(2);
    for (const o of outcomes) {
      expect(o.name).to.equal('ClusterError');
      expect(o.message).to.match(/^no worker joined within 1000 ms \(init\(\{ workerWaitMs \}\)\): start workers with `dislib worker --connect tcp:\/\/127\.0\.0\.1:\d+`/);
      expect(o.ms).to.be.within(900, 5000);
    }
    console.log(`      (no-worker reads failed after ${outcomes.map((o) => o.ms).join(' and ')} ms with workerWaitMs 1000)`);
  });
});

describe('task time limits', function () {
  this.timeout(60_000);

  it('a task that never ends has its worker replaced, is retried, then fails with a TaskFailedError naming the limit', async () => {
    // A busy loop with its own timeoutMs, and a promise that never settles under init({ taskTimeoutMs }).
    for (const [task, options, option] of [
      [spinForever, {}, 'timeoutMs'],
      [never, { taskTimeoutMs: 1000 }, 'taskTimeoutMs'],
    ] as const) {
      await withCluster({ workers: 2, ...options }, async () => {
        const before = workers().map((w) => w.pid);
        const t0 = performance.now();
        const err = await taskFailure(submit(task, []));
        const seconds = (performance.now() - t0) / 1000;
        expect(err).to.be.instanceOf(TaskFailedError);
        expect(err.context.reason).to.equal('timeout');
        expect(err.message).to.match(new RegExp(`^task ${task.name} on worker w\\d+: timed out 3 times \\(last on w\\d+: task ${task.name} ran longer than its time limit of 1000 ms \\(${option}\\)\\)$`));
        const s = stats();
        expect(s.workersLost).to.equal(3);
        expect(s.retries).to.equal(2);
        // The workers that ran it were replaced, and the cluster goes on working.
        expect(await get(submit(inc, [1]))).to.equal(2);
        expect(workers().map((w) => w.pid).filter((p) => before.includes(p)).length).to.be.below(2);
        console.log(`      (${task.name}: TaskFailedError after ${seconds.toFixed(1)} s: 3 runs of a 1000 ms limit)`);
      });
    }
  });

  it('rejects a time limit that is not a positive number, naming the option', async () => {
    expect(() => defineTask('rt.badTimeout', () => 0, { timeoutMs: 0 })).to.throw(ParameterError, /^timeoutMs: task rt\.badTimeout: expected a positive number of ms, found 0$/);
    const err = await init({ taskTimeoutMs: -1 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ParameterError);
    expect((err as ParameterError).message).to.equal('taskTimeoutMs: expected a positive number of ms, found -1');
  });

  it('tasks within their limit are unaffected', async () => {
    await withCluster({ workers: 1, taskTimeoutMs: 4000 }, async () => {
      expect(() => submit(inc, [1], { timeoutMs: Number.NaN })).to.throw(ParameterError, /^timeoutMs: task rt\.inc: /);
      const results = await Promise.all([submit(sleep, [1500, 1]), submit(sleep, [1500, 2]), submit(sleep, [1500, 3])].map((f) => get(f)));
      expect(results).to.deep.equal([1, 2, 3]);
      expect(stats().workersLost).to.equal(0);
    });
  });
});

describe('peer transfer fail-over', function () {
  this.timeout(60_000);

  it('a fetch from a holder that died fails over to lineage at once, well before the heartbeat timeout', async () => {
    // The holder is a remote worker: the driver learns of its death only from missing heartbeats.
    const dir = await mkdtemp(join(tmpdir(), 'dislib-failover-test-'));
    const server = generateKeyPair();
    const remote = generateKeyPair();
    await writeKeyFile(join(dir, 'remote.key'), remote);
    const port = await freePort('127.0.0.1');
    let joined: ReturnType<typeof spawn> | undefined;
    try {
      await withCluster({ workers: 1, address: `tcp://127.0.0.1:${port}`, secretKey: server.secretKey, allowedWorkerKeys: [remote.publicKey] }, async () => {
        joined = spawn(process.execPath, [dislibBin, 'worker', '--connect', `tcp://127.0.0.1:${port}`, '--key', join(dir, 'remote.key'), '--server-key', server.publicKey], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        expect(await waitFor(() => workers().length === 2, 20_000)).to.equal(true);
        const local = workers().find((w) => w.id === 'w1');
        const holder = workers().find((w) => w.id !== 'w1');
        if (local === undefined || holder === undefined) throw new Error('expected the local and the remote worker');
        // The local worker has fetched from the holder before (a connection is open), and `a` lives on the holder alone.
        const warm = submit(block, [6, 1000], { worker: holder.id });
        expect(await get(submit(checksum, [warm], { worker: local.id }))).to.equal(checksumBytes(makeBlock(6, 1000)));
        const a = submit(block, [5, 100_000], { worker: holder.id });
        expect(await get(submit(byteLength, [a], { worker: holder.id }))).to.equal(800_000);

        const t0 = performance.now();
        process.kill(holder.pid, 'SIGKILL');
        const sum = await get(submit(checksum, [a], { worker: local.id }));
        const ms = performance.now() - t0;
        expect(sum).to.equal(checksumBytes(makeBlock(5, 100_000)));
        expect(stats().recomputed).to.be.at.least(1);
        console.log(`      (fail-over: the read of a block whose only holder was killed took ${ms.toFixed(0)} ms; heartbeat timeout ${HEARTBEAT_TIMEOUT_MS} ms)`);
        expect(ms).to.be.below(HEARTBEAT_TIMEOUT_MS / 2);
      });
    } finally {
      if (joined?.pid !== undefined && alive(joined.pid)) joined.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
