import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dealer, Router, type EventType } from 'zeromq';
import { get, getAll, init, shutdown, submit, workers } from '../../lib/runtime/index.js';
import { ClusterError, DataFormatError, ParameterError } from '../../lib/errors.js';
import {
  assertSecureConfig,
  generateKeyPair,
  isLoopbackOrIpc,
  publicKeyOf,
  readKeyFile,
  readPublicKey,
  startZapHandler,
  useCurveClient,
  useCurveServer,
  writeKeyFile,
  type KeyPair,
  type ZapHandler,
} from '../../lib/runtime/security.js';
import { z85Decode, z85Encode } from '../../lib/runtime/z85.js';
import { xorshift32 as rng } from '../dsarray/helpers.js';
import { alive, workerChildren } from './helpers.js';
import { dislibBin, freePort, stopChild, waitFor } from './process-helpers.js';
import { add, pid, taskModuleUrl } from './tasks.js';

const zapCloseChild = fileURLToPath(new URL('./zap-close-child.main.js', import.meta.url));

const TYPES = ['hello', 'hb', 'done', 'erred', 'missing', 'value', 'nodata', 'welcome', 'run', 'get', 'data', 'stop', 'free'];

/** One malformed (or well-formed but meaningless) driver-bound message; never a valid hello. */
function malformed(r: () => number): Uint8Array[] {
  const int = (n: number): number => Math.floor(r() * n);
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const junk = (): unknown => pick([null, -1, 1e308, 'x'.repeat(int(100)), [], {}, true, [1, 'a'], { type: 'done' }, -0.5]);
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
  switch (int(10)) {
    case 0:
      return [bytes(int(300))];
    case 1:
      return Array.from({ length: 2 + int(5) }, () => bytes(int(64)));
    case 2:
      return [json(pick([[], 1, null, 'hello', [{ type: 'done' }]]))];
    case 3:
      return [json({ type: 'x'.repeat(1 + int(40)) + String(int(1e6)) })];
    case 4: {
      const msg: Record<string, unknown> = { type: pick(TYPES) };
      for (const f of ['key', 'id', 'req', 'bytes', 'fetched', 'failure', 'value', 'version', 'lag', 'mem', 'start', 'end', 'bytesIn']) if (r() < 0.5) msg[f] = junk();
      return [json(msg)];
    }
    case 5: {
      const key = `nope-${int(1e6)}`;
      return [
        json(
          pick([
            { type: 'done', key, bytes: [int(1e9)], fetched: [key], bytesIn: 0, start: 0, end: 1, mem: [0, 0, 0, 0] },
            { type: 'erred', key, failure: { task: 't', key, message: 'm', reason: 'error' }, fetched: [] },
            { type: 'missing', key, dep: key, holder: 'w-none', fetched: [] },
            { type: 'value', req: int(1e6), key, value: '{}' },
            { type: 'nodata', req: int(1e6), key },
            { type: 'hb', id: `w-fake-${int(100)}`, lag: 0 },
          ]),
        ),
      ];
    }
    case 6:
      return [json({ type: 'hello', version: 999 + int(10), id: `fake${int(100)}`, pid: 1, host: 'h', address: 'tcp://127.0.0.1:1' })];
    case 7:
      return [json({ type: 'value', req: 1, key: 'k', value: '{"\u0000":"t","t":"Float64Array","f":0,"n":1000000}' }), ...Array.from({ length: 1 + int(200) }, () => bytes(int(16)))];
    case 8:
      return [Buffer.concat([Buffer.from('{"type":"done","key":"'), bytes(1 + int(20))])];
    default:
      return [Buffer.from('['.repeat(1 + int(5000)))];
  }
}

/** Resolves with the first of `types` the socket reports, or 'timeout'. */
function firstEvent(sock: Dealer, types: EventType[], ms: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    for (const t of types) {
      sock.events.on(t, () => {
        clearTimeout(timer);
        resolve(t);
      });
    }
  });
}

/** Receives one message within `ms`, or undefined. */
async function receiveWithin(sock: Router, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  const got = sock.receive().then((parts) => parts[1]?.toString());
  const out = await Promise.race([got, timeout]);
  clearTimeout(timer);
  return out;
}

describe('runtime security: keys, ZAP, configuration', () => {
  describe('key files', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dislib-keys-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('z85 round-trips the RFC 32 test vector and rejects bad text', () => {
      const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
      expect(z85Encode(bytes)).to.equal('HelloWorld');
      expect([...(z85Decode('HelloWorld') as Uint8Array)]).to.deep.equal([...bytes]);
      expect(z85Decode('Hello')).to.have.length(4);
      expect(z85Decode('Hell')).to.equal(undefined);
      expect(z85Decode('Hell~')).to.equal(undefined);
      expect(z85Decode('%%%%%')).to.equal(undefined); // > 2^32 - 1
    });

    it('derives the public key from the secret key like libzmq', () => {
      for (let i = 0; i < 5; i++) {
        const pair = generateKeyPair();
        expect(publicKeyOf(pair.secretKey)).to.equal(pair.publicKey);
      }
      expect(() => publicKeyOf('short')).to.throw(ParameterError, /secretKey/);
    });

    it('writes a 0600 JSON key file and reads it back; refuses to overwrite', async () => {
      const pair = generateKeyPair();
      const file = join(dir, 'w.key');
      await writeKeyFile(file, pair);
      expect(await readKeyFile(file)).to.deep.equal(pair);
      expect(await readPublicKey(file)).to.equal(pair.publicKey);
      expect(await readPublicKey(pair.publicKey)).to.equal(pair.publicKey);
      const err = await writeKeyFile(file, generateKeyPair()).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ParameterError);
      expect((err as Error).message).to.match(/exists/);
      await writeKeyFile(file, generateKeyPair(), { overwrite: true });
      expect((await readKeyFile(file)).publicKey).to.not.equal(pair.publicKey);
    });

    it('reads ZeroMQ certificate files, with or without the public key', async () => {
      const pair = generateKeyPair();
      const cert = join(dir, 'cert_secret');
      const text = [
        '#   ****  Generated by CZMQ  ****',
        '#   ZeroMQ CURVE **Secret** Certificate',
        '',
        'metadata',
        'curve',
        `    public-key = "${pair.publicKey}"`,
        `    secret-key = "${pair.secretKey}"`,
        '',
      ].join('\n');
      await writeFile(cert, text, { mode: 0o600 });
      expect(await readKeyFile(cert)).to.deep.equal(pair);
      await writeFile(cert, text.replace(/.*public-key.*\n/, ''), { mode: 0o600 });
      expect(await readKeyFile(cert)).to.deep.equal(pair);
    });

    it('rejects bad key files with clear typed errors and never echoes a secret', async () => {
      const pair = generateKeyPair();
      const other = generateKeyPair();
      const file = join(dir, 'bad.key');
      const attempt = async (text: string, mode = 0o600): Promise<Error> => {
        await rm(file, { force: true });
        await writeFile(file, text, { mode });
        await chmod(file, mode);
        return (await readKeyFile(file).then(
          () => new Error('accepted'),
          (e: unknown) => e,
        )) as Error;
      };
      expect(await attempt('{ not json')).to.be.instanceOf(DataFormatError).with.property('message').match(/not valid JSON/);
      expect(await attempt('[1]')).to.be.instanceOf(DataFormatError);
      expect(await attempt(JSON.stringify({ public: pair.publicKey }))).to.be.instanceOf(DataFormatError).with.property('message').match(/no secret key/);
      const badSecret = await attempt(JSON.stringify({ secret: 'Zz' + pair.secretKey }));
      expect(badSecret).to.be.instanceOf(DataFormatError);
      expect(badSecret.message).to.not.include(pair.secretKey);
      expect(await attempt(JSON.stringify({ public: other.publicKey, secret: pair.secretKey })))
        .to.be.instanceOf(DataFormatError)
        .with.property('message')
        .match(/does not belong/);
      const certErr = await attempt('curve\n    secret-key = "abc"\n');
      expect(certErr).to.be.instanceOf(DataFormatError).with.property('message').match(/:2: bad secret key/);
      expect(await attempt('hello\n')).to.be.instanceOf(DataFormatError).with.property('message').match(/no CURVE key/);
      if (process.platform !== 'win32') {
        expect(await attempt(JSON.stringify({ secret: pair.secretKey }), 0o644))
          .to.be.instanceOf(ParameterError)
          .with.property('message')
          .match(/chmod 600/);
      }
      const missing = await readKeyFile(join(dir, 'nope')).catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(ParameterError).with.property('message').match(/ENOENT/);
    });
  });

  describe('address and configuration checks', () => {
    it('recognizes loopback and ipc endpoints only', () => {
      for (const a of ['ipc:///tmp/x.sock', 'inproc://x', 'tcp://127.0.0.1:5555', 'tcp://127.1.2.3:*', 'tcp://localhost:1', 'tcp://[::1]:9']) {
        expect(isLoopbackOrIpc(a), a).to.equal(true);
      }
      for (const a of ['tcp://0.0.0.0:5555', 'tcp://10.0.0.1:1', 'tcp://*:5555', 'tcp://eth0:5', 'tcp://127.0.0.1.evil.com:5', 'tcp://127.0.0.1:5;10.0.0.1:6', 'tcp://[::]:5', 'udp://127.0.0.1:5']) {
        expect(isLoopbackOrIpc(a), a).to.equal(false);
      }
    });

    it('fails closed: a non-loopback address needs a secret key and an allowlist', () => {
      const pair = generateKeyPair();
      expect(assertSecureConfig({})).to.equal('none');
      expect(assertSecureConfig({ address: 'tcp://127.0.0.1:*' })).to.equal('none');
      expect(() => assertSecureConfig({ address: 'tcp://0.0.0.0:7000' })).to.throw(ClusterError, /secretKey/);
      expect(() => assertSecureConfig({ address: 'tcp://0.0.0.0:7000', secretKey: pair.secretKey })).to.throw(ParameterError, /allowedWorkerKeys/);
      expect(() => assertSecureConfig({ address: 'tcp://0.0.0.0:7000', secretKey: 'x', allowedWorkerKeys: [pair.publicKey] })).to.throw(ParameterError, /secretKey/);
      expect(() => assertSecureConfig({ address: 'tcp://0.0.0.0:7000', secretKey: pair.secretKey, allowedWorkerKeys: ['nope'] })).to.throw(ParameterError, /entry 0/);
      expect(() => assertSecureConfig({ address: 'http://x' })).to.throw(ParameterError, /address/);
      expect(assertSecureConfig({ address: 'tcp://0.0.0.0:7000', secretKey: pair.secretKey, allowedWorkerKeys: [pair.publicKey] })).to.equal('curve');
      expect(assertSecureConfig({ address: 'tcp://127.0.0.1:7000', secretKey: pair.secretKey })).to.equal('curve');
    });
  });

  describe('ZAP handler with a CURVE server', function () {
    this.timeout(20000);
    let server: KeyPair;
    let allowed: KeyPair;
    let zap: ZapHandler | undefined;
    let router: Router;
    let endpoint: string;
    const sockets: Dealer[] = [];

    const ALL: EventType[] = ['handshake', 'handshake:error:auth', 'handshake:error:protocol'];
    /** Connects a client; `outcome` is its first handshake event (observed from before the connect) or 'timeout'. */
    const client = (keys: Partial<KeyPair & { serverKey: string }>, ms = 5000): { sock: Dealer; outcome: Promise<string> } => {
      const sock = new Dealer({ linger: 0 });
      if (keys.serverKey !== undefined) useCurveClient(sock, keys as KeyPair & { serverKey: string });
      sockets.push(sock);
      const outcome = firstEvent(sock, ALL, ms);
      sock.connect(endpoint);
      return { sock, outcome };
    };

    beforeEach(async () => {
      server = generateKeyPair();
      allowed = generateKeyPair();
      zap = await startZapHandler([allowed.publicKey]);
      router = new Router({ linger: 0 });
      useCurveServer(router, server.secretKey);
      await router.bind('tcp://127.0.0.1:*');
      endpoint = router.lastEndpoint as string;
    });
    afterEach(async () => {
      for (const s of sockets.splice(0)) s.close();
      router.close();
      await zap?.close();
    });

    it('admits an allowlisted CURVE client and delivers its messages', async () => {
      const c = client({ ...allowed, serverKey: server.publicKey });
      await c.sock.send('hello');
      expect(await c.outcome).to.equal('handshake');
      expect(await receiveWithin(router, 5000)).to.equal('hello');
      expect(zap?.counters.allowed).to.equal(1);
    });

    it('rejects unknown-key, plaintext and wrong-server-key clients; nothing is delivered', async () => {
      // The server cannot decrypt a HELLO made for another key: it drops the connection, the client only sees no handshake.
      const serverSaw = new Promise<string>((resolve) => router.events.on('handshake:error:protocol', () => resolve('protocol error')));
      const unknown = client({ ...generateKeyPair(), serverKey: server.publicKey });
      const plain = client({});
      const wrongServer = client({ ...allowed, serverKey: generateKeyPair().publicKey }, 3000);
      for (const c of [unknown, plain, wrongServer]) void c.sock.send('intruder').catch(() => undefined);
      expect(await Promise.all([unknown.outcome, plain.outcome, wrongServer.outcome, serverSaw])).to.deep.equal([
        'handshake:error:auth',
        'handshake:error:protocol',
        'timeout',
        'protocol error',
      ]);
      expect(await receiveWithin(router, 500)).to.equal(undefined);
      expect(zap?.counters.denied).to.be.at.least(1);
    });

    it('revokes a key at run time and refuses everyone once the handler stops', async () => {
      zap?.allowed.delete(allowed.publicKey);
      const revoked = client({ ...allowed, serverKey: server.publicKey });
      expect(await revoked.outcome).to.equal('handshake:error:auth');
      await zap?.close();
      zap = undefined;
      const noHandler = client({ ...allowed, serverKey: server.publicKey }, 3000);
      void noHandler.sock.send('x').catch(() => undefined);
      expect(await noHandler.outcome).to.not.equal('handshake');
      expect(await receiveWithin(router, 300)).to.equal(undefined);
    });

    it('refuses a second handler in the same process', async () => {
      const err = await startZapHandler([]).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ClusterError);
    });
  });
});

describe('runtime security: closing a ZAP handler', function () {
  this.timeout(120_000);

  it('never aborts the process when its server closed just before, with sessions attached', async () => {
    // In a child process, as an abort inside libzmq (pipe.cpp:355) would end mocha itself.
    const run = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [zapCloseChild, '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('close', (code, signal) => resolve({ code, signal, out }));
    });
    expect({ code: run.code, signal: run.signal }).to.deep.equal({ code: 0, signal: null });
    const result = JSON.parse(run.out) as { rounds: number; allowed: number };
    expect(result.rounds).to.equal(20);
    expect(result.allowed, 'sessions held pipes to the handler').to.be.at.least(20);
  });
});

describe('runtime security: init fails closed', () => {
  it('refuses a non-loopback address without CURVE, and CURVE without an allowlist', async () => {
    try {
      const noKey = await init({ executor: 'cluster', address: 'tcp://0.0.0.0:0', workers: 0 }).then(() => 'started', (e: unknown) => e);
      expect(noKey).to.be.instanceOf(ClusterError).with.property('message').match(/CURVE/);
      await shutdown();
      const noList = await init({ executor: 'cluster', address: 'tcp://0.0.0.0:0', workers: 0, secretKey: generateKeyPair().secretKey }).then(
        () => 'started',
        (e: unknown) => e,
      );
      expect(noList).to.be.instanceOf(ParameterError).with.property('message').match(/allowedWorkerKeys/);
    } finally {
      await shutdown();
    }
  });
});

describe('runtime security: a CURVE cluster with a remote `dislib worker`', function () {
  this.timeout(120_000);
  let dir: string;
  let driverKeys: KeyPair;
  let workerKeys: KeyPair;
  let endpoint: string;
  let worker: ChildProcess | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dislib-secure-'));
    driverKeys = generateKeyPair();
    workerKeys = generateKeyPair();
    await writeKeyFile(join(dir, 'worker.key'), workerKeys);
    endpoint = `tcp://127.0.0.1:${await freePort('127.0.0.1')}`;
    await init({ executor: 'cluster', address: endpoint, secretKey: driverKeys.secretKey, allowedWorkerKeys: [workerKeys.publicKey], workers: 0, taskModules: [taskModuleUrl] });
    worker = spawn(process.execPath, [dislibBin, 'worker', '--connect', endpoint, '--key', join(dir, 'worker.key'), '--server-key', driverKeys.publicKey], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    expect(await waitFor(() => workers().length === 1, 30_000), 'the allowlisted worker joined').to.equal(true);
  });

  after(async () => {
    await shutdown();
    if (worker !== undefined) await stopChild(worker);
    await rm(dir, { recursive: true, force: true });
    expect(workerChildren()).to.deep.equal([]);
  });

  it('runs tasks on an allowlisted `dislib worker --connect` process', async () => {
    const [info] = workers();
    expect(info).to.not.equal(undefined);
    expect(await get(submit(add, [20, 22]))).to.equal(42);
    expect(await get(submit(pid, []))).to.equal(info?.pid);
  });

  it('rejects plaintext, unknown-key and wrong-server-key clients', async () => {
    const clients: Dealer[] = [];
    const all: EventType[] = ['handshake', 'handshake:error:auth', 'handshake:error:protocol'];
    /** Connects a client; its first handshake event (observed from before the connect), or 'timeout'. */
    const connect = (ms: number, keys?: KeyPair & { serverKey: string }): Promise<string> => {
      const d = new Dealer({ linger: 0 });
      if (keys !== undefined) useCurveClient(d, keys);
      const outcome = firstEvent(d, all, ms);
      d.connect(endpoint);
      clients.push(d);
      return outcome;
    };
    try {
      const outcomes = Promise.all([
        connect(5000),
        connect(5000, { ...generateKeyPair(), serverKey: driverKeys.publicKey }),
        connect(3000, { ...workerKeys, serverKey: generateKeyPair().publicKey }),
      ]);
      const hello = JSON.stringify({ type: 'hello', version: 1, id: 'intruder', pid: 1, host: 'evil', address: 'tcp://127.0.0.1:1' });
      for (const c of clients) void c.send(hello).catch(() => undefined);
      expect(await outcomes).to.deep.equal(['handshake:error:protocol', 'handshake:error:auth', 'timeout']);
      expect(workers().map((w) => w.id)).to.not.include('intruder');
      expect(workers()).to.have.length(1);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('survives 10,000 malformed messages from an allowlisted peer', async () => {
    const [info] = workers();
    const fuzzer = new Dealer({ linger: 0, sendHighWaterMark: 1000 });
    useCurveClient(fuzzer, { ...workerKeys, serverKey: driverKeys.publicKey });
    const handshake = firstEvent(fuzzer, ['handshake', 'handshake:error:auth', 'handshake:error:protocol'], 5000);
    fuzzer.connect(endpoint);
    try {
      expect(await handshake).to.equal('handshake');
      const r = rng(20261123);
      for (let i = 0; i < 10_000; i++) await fuzzer.send(malformed(r));
      // Still answering: tasks run on the same worker, which is still alive.
      const sums = await getAll(Array.from({ length: 20 }, (_, i) => submit(add, [i, 1])));
      expect(sums).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(workers().map((w) => w.id)).to.deep.equal([info?.id]);
      expect(alive(info?.pid ?? -1)).to.equal(true);
      expect(worker?.exitCode).to.equal(null);
    } finally {
      fuzzer.close();
    }
  });
});
