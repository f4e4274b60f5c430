/**
 * The worker's side of reads that wait for a result still being computed (`fetch` with `wait`), checked
 * against a real worker process over a real ZeroMQ socket, with this test playing the driver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Router } from 'zeromq';
import { decode, encode } from '../../lib/runtime/codec.js';
import { ACCEPTS, batchMessage, frameMessage, parseMessage, unbatch, type DriverMessage, type WorkerMessage } from '../../lib/runtime/protocol.js';
import { dislibBin, stopChild } from './process-helpers.js';
import { taskModuleUrl } from './tasks.js';

type Received = { msg: WorkerMessage; frames: Uint8Array[] };

describe('worker: reads of results still being computed', function () {
  this.timeout(30_000);
  let dir: string;
  let router: Router;
  let worker: ChildProcess;
  let id: string;
  const inbox: Received[] = [];
  let wake: (() => void) | undefined;

  async function receiveLoop(): Promise<void> {
    try {
      for await (const [from, ...rest] of router) {
        if (from === undefined || Buffer.from(from).toString().endsWith(':hb')) continue;
        for (const parts of unbatch(rest)) inbox.push(parseMessage<WorkerMessage>(parts, ACCEPTS.driver));
        wake?.();
      }
    } catch {
      // the socket was closed at the end
    }
  }

  /** The next message of one of `types` (others are skipped), within 10 s. */
  async function next(...types: WorkerMessage['type'][]): Promise<Received> {
    const end = Date.now() + 10_000;
    for (;;) {
      const i = inbox.findIndex((r) => types.includes(r.msg.type));
      if (i >= 0) return inbox.splice(i, 1)[0] as Received;
      if (Date.now() > end) throw new Error(`no ${types.join('/')} message within 10 s`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  }

  async function send(msg: DriverMessage, frames: readonly Uint8Array[] = []): Promise<void> {
    await router.send([Buffer.from(id), ...batchMessage([frameMessage(msg, frames)])]);
  }

  async function run(key: string, name: string, args: unknown[]): Promise<void> {
    const e = encode(args);
    await send({ type: 'run', key, name, outputs: [key], args: e.header, sources: [], recomputeOnly: false }, e.frames);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dislib-reads-'));
    const endpoint = `ipc://${join(dir, 'driver.ipc')}`;
    router = new Router({ linger: 0 });
    await router.bind(endpoint);
    void receiveLoop();
    worker = spawn(process.execPath, [dislibBin, 'worker', '--connect', endpoint], { stdio: ['ignore', 'ignore', 'inherit'] });
    const hello = await next('hello');
    id = (hello.msg as Extract<WorkerMessage, { type: 'hello' }>).id;
    await send({ type: 'welcome', taskModules: [taskModuleUrl], memoryLimit: 1 << 30, spillDir: dir, peerKeys: [] });
  });

  after(async () => {
    await stopChild(worker);
    router.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a waiting read with the value right after the task is done, unasked again', async () => {
    await run('slow#1', 'rt.sleep', [300, 42]);
    await send({ type: 'fetch', req: 1, key: 'slow#1', wait: true });
    const done = await next('done', 'erred');
    expect(done.msg).to.include({ type: 'done', key: 'slow#1' });
    const value = await next('value', 'later', 'nodata');
    expect(value.msg).to.include({ type: 'value', req: 1, key: 'slow#1' });
    expect(decode({ header: (value.msg as Extract<WorkerMessage, { type: 'value' }>).value, frames: value.frames })).to.equal(42);
  });

  it('answers a waiting read of a stored result at once, and a plain read as before', async () => {
    await send({ type: 'fetch', req: 2, key: 'slow#1', wait: true });
    expect((await next('value', 'later', 'nodata')).msg).to.include({ type: 'value', req: 2 });
    await send({ type: 'fetch', req: 3, key: 'nothing#1' });
    expect((await next('value', 'later', 'nodata')).msg).to.include({ type: 'nodata', req: 3 });
  });

  it("says 'later' for a key it will not produce and for a task that failed or was cancelled", async () => {
    await send({ type: 'fetch', req: 4, key: 'nothing#2', wait: true });
    expect((await next('value', 'later', 'nodata')).msg).to.include({ type: 'later', req: 4, key: 'nothing#2' });

    await run('fail#1', 'rt.fail', ['no']);
    await send({ type: 'fetch', req: 5, key: 'fail#1', wait: true });
    expect((await next('done', 'erred')).msg).to.include({ type: 'erred', key: 'fail#1' });
    expect((await next('value', 'later', 'nodata')).msg).to.include({ type: 'later', req: 5, key: 'fail#1' });

    // Queued behind a slow task, then cancelled before it starts.
    await run('slow#2', 'rt.sleep', [300, 1]);
    await run('queued#1', 'rt.inc', [1]);
    await send({ type: 'fetch', req: 6, key: 'queued#1', wait: true });
    await send({ type: 'cancel', keys: ['queued#1'] });
    expect((await next('value', 'later', 'nodata')).msg).to.include({ type: 'later', req: 6, key: 'queued#1' });
    expect((await next('done', 'erred')).msg).to.include({ type: 'done', key: 'slow#2' });
  });
});
