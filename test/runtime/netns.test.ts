import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { get, init, shutdown, stats, submit, workers } from '../../lib/runtime/index.js';
import { generateKeyPair, writeKeyFile } from '../../lib/runtime/security.js';
import { workerChildren } from './helpers.js';
import { dislibBin, freePort, stopChild, waitFor } from './process-helpers.js';
import { add, block, checksum, pid, taskModuleUrl } from './tasks.js';

const run = promisify(execFile);

/** Runs `ip ARGS`; throws with ip's own message on failure. */
async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/** Why this process cannot create network namespaces, or undefined when it can. */
async function missingPrivilege(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  const probe = `dislib-probe-${process.pid}`;
  try {
    await ip('netns', 'add', probe);
  } catch (err) {
    return `\`ip netns add\` failed (needs root or CAP_SYS_ADMIN and iproute2): ${String((err as { stderr?: string }).stderr ?? err).trim()}`;
  }
  await ip('netns', 'del', probe).catch(() => undefined);
  return undefined;
}

describe('runtime: a `dislib worker` in another network namespace joins over tcp with CURVE', function () {
  this.timeout(120_000);
  const tag = `${process.pid % 100000}`;
  const ns = `dislib-test-${tag}`;
  const hostIf = `dlh${tag}`;
  const nsIf = `dln${tag}`;
  const subnet = `10.213.${process.pid % 250}`;
  const driverIp = `${subnet}.1`;
  const workerIp = `${subnet}.2`;
  let dir: string | undefined;
  let remote: ChildProcess | undefined;
  let created = false;

  before(async function () {
    const why = await missingPrivilege();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    created = true;
    await ip('netns', 'add', ns);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', ns);
    await ip('addr', 'add', `${driverIp}/24`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${workerIp}/24`, 'dev', nsIf);
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up');
    await ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  });

  after(async () => {
    await shutdown();
    if (remote !== undefined) await stopChild(remote);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    if (created) {
      // Deleting the namespace deletes its end of the veth pair, and with it the host end.
      await ip('netns', 'del', ns).catch(() => undefined);
      await ip('link', 'del', hostIf).catch(() => undefined);
    }
    expect(workerChildren()).to.deep.equal([]);
  });

  it('joins, runs tasks, and exchanges blocks with a local worker', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dislib-netns-'));
    const driverKeys = generateKeyPair();
    const workerKeys = generateKeyPair();
    await writeKeyFile(join(dir, 'worker.key'), workerKeys);
    const endpoint = `tcp://${driverIp}:${await freePort(driverIp)}`;
    // One local worker as well, so that blocks cross the veth pair worker-to-worker.
    await init({ executor: 'cluster', address: endpoint, secretKey: driverKeys.secretKey, allowedWorkerKeys: [workerKeys.publicKey], workers: 1, taskModules: [taskModuleUrl] });
    const [local] = workers();
    remote = spawn('ip', ['netns', 'exec', ns, process.execPath, dislibBin, 'worker', '--connect', endpoint, '--key', join(dir, 'worker.key'), '--server-key', driverKeys.publicKey], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    expect(await waitFor(() => workers().length === 2, 30_000), 'the worker in the namespace joined').to.equal(true);
    const other = workers().find((w) => w.id !== local?.id);
    if (local === undefined || other === undefined) throw new Error('expected a local and a remote worker');

    // It really runs in the other namespace.
    const remotePid = await get(submit(pid, [], { worker: other.id }));
    expect(remotePid).to.equal(other.pid);
    expect(await readlink(`/proc/${remotePid}/ns/net`)).to.not.equal(await readlink('/proc/self/ns/net'));
    expect(await get(submit(add, [40, 2], { worker: other.id }))).to.equal(42);

    // Worker-to-worker over the veth pair, both ways, with CURVE between the peers.
    const n = 1 << 20;
    const here = submit(block, [5, n], { worker: local.id });
    const there = submit(block, [6, n], { worker: other.id });
    const moved0 = stats().bytesMoved;
    const [a, b] = await Promise.all([get(submit(checksum, [here], { worker: other.id })), get(submit(checksum, [there], { worker: local.id }))]);
    expect(a).to.equal(await get(submit(checksum, [here], { worker: local.id })));
    expect(b).to.equal(await get(submit(checksum, [there], { worker: other.id })));
    expect(stats().bytesMoved - moved0).to.be.at.least(2 * n * 8);
  });
});
