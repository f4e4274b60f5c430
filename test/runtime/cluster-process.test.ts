import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dealer } from 'zeromq';
import { get, getAll, stats, submit, submitMany, workers } from '../../lib/runtime/index.js';
import { alive, withCluster } from './helpers.js';
import { freePort, waitFor } from './process-helpers.js';
import { add, inc, split } from './tasks.js';

const child = fileURLToPath(new URL('./cluster-child.main.js', import.meta.url));

/** Runs the child program; resolves with its first stdout line (parsed) and a promise of its exit. */
function startChild(mode: string): Promise<{ line: Record<string, unknown>; exit: Promise<number | null>; pid: number }> {
  const env = { ...process.env };
  delete env.DISLIB_EXECUTOR;
  const p = spawn(process.execPath, [child, mode], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exit = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ line: JSON.parse(out.slice(0, nl)) as Record<string, unknown>, exit, pid: p.pid as number });
    });
    void exit.then((code) => reject(new Error(`child exited (${String(code)}) before printing`)));
  });
}

/** Waits up to `ms` for every pid to end; returns those still alive. */
async function waitDead(pids: number[], ms: number): Promise<number[]> {
  await waitFor(() => !pids.some(alive), ms);
  return pids.filter(alive);
}

describe('cluster executor processes', function () {
  this.timeout(60_000);

  it('embedded default: a program that never calls init runs on a cluster and exits cleanly', async () => {
    const { line, exit } = await startChild('embedded');
    expect(line.result).to.equal(42);
    expect(line.executor).to.equal('cluster');
    const pids = line.pids as number[];
    expect(pids.length).to.be.at.least(1);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exit, new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 20_000)))]);
    clearTimeout(timer);
    expect(code).to.equal(0);
    expect(await waitDead(pids, 3000)).to.deep.equal([]);
  });

  it('workers die when their driver is killed with SIGKILL (no orphans)', async () => {
    const { line, exit, pid } = await startChild('hang');
    const pids = line.pids as number[];
    expect(pids).to.have.length(2);
    expect(pids.every(alive)).to.equal(true);
    process.kill(pid, 'SIGKILL');
    await exit;
    expect(await waitDead(pids, 5000)).to.deep.equal([]);
    // a SIGKILLed driver cannot remove its run directory (the next driver's start would): do it for it
    for (const f of await readdir(tmpdir())) if (f.startsWith(`dislib-run-${pid}-`)) await rm(join(tmpdir(), f), { recursive: true, force: true });
  });

  it('writes a Chrome trace of every task when init({ trace }) is given', async () => {
    const file = join(tmpdir(), `dislib-trace-${process.pid}.json`);
    try {
      await withCluster({ workers: 2, trace: file }, async () => {
        const [x] = submitMany(split, [3]);
        const [a, b] = await getAll([submit(inc, [1]), submit(add, [x, 0])]);
        expect((a as number) + (b as number)).to.equal(5);
      });
      const trace = JSON.parse(await readFile(file, 'utf8')) as { traceEvents: { name: string; ph: string; pid: number; ts?: number; dur?: number; args: Record<string, unknown> }[] };
      const tasks = trace.traceEvents.filter((e) => e.ph === 'X');
      expect(tasks.map((e) => e.name).sort()).to.deep.equal(['rt.add', 'rt.inc', 'rt.split']);
      for (const e of tasks) {
        expect(e.ts).to.be.a('number');
        expect(e.dur).to.be.at.least(1);
        expect(e.args).to.have.keys(['key', 'worker', 'bytesIn', 'bytesOut']);
      }
      expect(trace.traceEvents.filter((e) => e.ph === 'M')).to.have.length(2);
    } finally {
      await rm(file, { force: true });
    }
  });

  it('drops malformed and spoofed messages without crashing or changing results', async () => {
    const port = await freePort('127.0.0.1');
    await withCluster({ workers: 2, address: `tcp://127.0.0.1:${port}` }, async () => {
      const before = await get(submit(add, [submit(inc, [1]), 1]));
      const evil = new Dealer({ routingId: 'evil', linger: 0 });
      evil.connect(`tcp://127.0.0.1:${port}`);
      let seed = 12345;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed % n;
      };
      const valid = ['{"type":"done","key":5}', '{"type":"hello","version":1,"id":"w1","pid":1,"host":"x","address":"tcp://1.2.3.4:1"}', '{"type":"hb","id":"w1","lag":0}', '{"type":"value","req":1,"key":"k","value":"[]"}', 'null', '[]', '{"type":"run"}'];
      for (let i = 0; i < 2000; i++) {
        const parts: Uint8Array[] = [];
        const n = 1 + rnd(4);
        for (let j = 0; j < n; j++) {
          if (j === 0 && rnd(2) === 0) parts.push(Buffer.from(valid[rnd(valid.length)] as string));
          else parts.push(Buffer.from(Array.from({ length: rnd(64) }, () => rnd(256))));
        }
        await evil.send(parts);
      }
      evil.close();
      expect(await get(submit(add, [submit(inc, [1]), 1]))).to.equal(before);
      expect(workers().map((w) => w.id).sort()).to.deep.equal(['w1', 'w2']);
      expect(stats().workersLost).to.equal(0);
    });
  });
});
