/**
 * A worker process: connects a DEALER to the driver, runs the tasks it is sent (by registered name
 * only) in FIFO order, keeps results in its object store, and serves them to other workers through a
 * peer ROUTER, so inputs move worker-to-worker and never through the driver.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker as Thread } from 'node:worker_threads';
import { Dealer, Router } from 'zeromq';
import { ClusterError } from '../errors.js';
import { markWorkerProcess } from './api.js';
import { decode, encode, encodedBytes, type Encoded } from './codec.js';
import { failureFromError } from './failure.js';
import { watchHandshake } from './handshake.js';
import { isLoopbackOrIpc, startZapHandler, useCurveServer, type ZapHandler } from './security.js';
import { ObjectStore } from './store.js';
import type { HeartbeatData } from './worker-heartbeat.js';
import { Outbox } from './outbox.js';
import { PEER_GONE, PeerClient } from './peer.js';
import {
  ACCEPTS,
  dropLogger,
  frameMessage,
  parseMessage,
  PROTOCOL_VERSION,
  unbatch,
  SOCKET_OPTIONS,
  type DriverMessage,
  type PeerMessage,
  type Source,
  type WorkerMessage,
} from './protocol.js';
import { lookupTask, runTaskFunction } from './task.js';

/** The lib folder of this package (dist/lib): task modules under it are imported when a submit names them. */
const PACKAGE_LIB = new URL('../', import.meta.url).href;

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** Driver endpoint, e.g. `tcp://10.0.0.1:7000` or `ipc:///tmp/dislib-123.sock`. */
  readonly connect: string;
  /** Driver's CURVE public key (Z85): required in remote mode (tcp to a non-loopback host). */
  readonly serverKey?: string;
  /** This worker's CURVE secret key (Z85). */
  readonly secretKey?: string;
  /** This worker's CURVE public key (Z85). */
  readonly publicKey?: string;
  /** Worker id (default: a random one). */
  readonly id?: string;
  /** Pid of the driver process that spawned this worker: the worker exits when it dies. */
  readonly parentPid?: number;
  /** Host name or IP other workers use to reach this one over tcp (default: the first non-internal IPv4). */
  readonly advertiseHost?: string;
  /** Serve peers on all interfaces even though the driver is local (the driver also has remote workers). */
  readonly networked?: boolean;
  /** Directory of this worker's ipc peer socket (default: the directory of the driver's ipc endpoint). */
  readonly socketDir?: string;
  /**
   * Give up (runWorker rejects) when no handshake with the driver completed within this many ms. Default:
   * {@link CONNECT_TIMEOUT_MS} for a worker without `parentPid` (one started by hand, which may find
   * nobody there); none for a worker spawned by its driver, which is already listening.
   */
  readonly connectTimeoutMs?: number;
}

interface QueuedTask {
  readonly msg: Extract<DriverMessage, { type: 'run' }>;
  readonly frames: Uint8Array[];
  cancelled: boolean;
  started: boolean;
  /** Resolves when cancelled, to stop waiting for inputs. */
  readonly cancel: Promise<void>;
  readonly fireCancel: () => void;
  /** Resolves once remote inputs are here, or with the first one that could not be fetched. */
  prefetch: Promise<MissingInput | undefined>;
  /** Inputs fetched for this task alone: handed over without a copy and not kept afterwards. */
  readonly moved: Map<string, Encoded>;
  /** Its outputs once computed, kept until the reads waiting for them are answered. */
  results?: Map<string, Encoded>;
  /** Set once the reads waiting for its outputs were answered: later reads go to the store. */
  settled: boolean;
}

const log = (msg: string): void => {
  process.stderr.write(`[dislib worker ${process.pid}] ${msg}\n`);
};

/** Default of {@link RunWorkerOptions.connectTimeoutMs} for a worker started by hand (ms). */
export const CONNECT_TIMEOUT_MS = 4000;

/** How a fetch of an input ended: the input is here, its holder lacks it, or the connection to the holder broke. */
type FetchOutcome = 'ok' | 'missing' | typeof PEER_GONE;

/** An input a task could not get, from which holder, and whether that holder looks dead. */
interface MissingInput {
  readonly src: Source;
  readonly gone: boolean;
}

/** Identifies a fetch of one object from one holder. */
function fetchId(src: Source): string {
  return `${src.worker}\u0000${src.key}`;
}

function advertiseHost(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** One connected worker. */
class WorkerNode {
  readonly #id: string;
  readonly #driver: Dealer;
  readonly #out: Outbox;
  readonly #peerServer: Router;
  readonly #peerOut: Outbox;
  readonly #peers: PeerClient;
  readonly #queue: QueuedTask[] = [];
  /**
   * Inputs being fetched from peers, shared by tasks that need the same object from the same holder (a
   * fetch from a holder that died ends when the transport reports the connection broken).
   */
  readonly #fetching = new Map<string, Promise<FetchOutcome>>();
  /** Objects fetched from peers since the last report to the driver. */
  #fetched: string[] = [];
  /** Driver reads (request ids) waiting for an output of a queued task, by object key. */
  readonly #wants = new Map<string, number[]>();
  #bytesIn = 0;
  readonly #importErrors: string[] = [];
  readonly #imports = new Map<string, Promise<void>>();
  /** Modules the driver listed at welcome (`init({ taskModules })` and declared ones): with dislib-ts's own, the only ones a submit may name. */
  readonly #listedModules = new Set<string>();
  readonly #dropped = dropLogger(log);
  #store: ObjectStore = new ObjectStore({ memoryLimit: Number.MAX_SAFE_INTEGER, spillDir: tmpdir() });
  #running = false;
  #stopped = false;
  #garbage = 0;
  #memoryLimit = Number.MAX_SAFE_INTEGER;
  #zap: ZapHandler | undefined;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(id: string, driver: Dealer, peerServer: Router, peers: PeerClient) {
    this.#id = id;
    this.#driver = driver;
    this.#peerServer = peerServer;
    this.#peers = peers;
    // Sends still queued when the worker stops fail on the closed socket: only earlier failures are news.
    this.#out = new Outbox(driver, (err) => {
      if (!this.#stopped) log(`send to driver failed: ${String(err)}`);
    });
    this.#peerOut = new Outbox(peerServer, (err) => log(`peer reply failed: ${String(err)}`), { routed: true });
    this.#done = new Promise((r) => (this.#resolveDone = r));
  }

  get done(): Promise<void> {
    return this.#done;
  }

  send(msg: WorkerMessage, frames: readonly Uint8Array[] = []): void {
    this.#out.send(frameMessage(msg, frames));
  }

  async receiveDriver(): Promise<void> {
    while (!this.#stopped) {
      let parts: Uint8Array[];
      try {
        parts = await this.#driver.receive();
      } catch {
        if (this.#driver.closed) return;
        continue;
      }
      let messages: Uint8Array[][];
      try {
        messages = unbatch(parts);
      } catch (err) {
        this.#dropped(`from driver: ${String(err)}`);
        continue;
      }
      for (const m of messages) {
        let parsed;
        try {
          parsed = parseMessage<DriverMessage>(m, ACCEPTS.worker);
        } catch (err) {
          this.#dropped(`from driver: ${String(err)}`);
          continue;
        }
        try {
          await this.#handle(parsed.msg, parsed.frames);
        } catch (err) {
          log(`error handling ${parsed.msg.type}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        }
      }
    }
  }

  async receivePeers(): Promise<void> {
    while (!this.#stopped) {
      let parts: Uint8Array[];
      try {
        parts = await this.#peerServer.receive();
      } catch {
        if (this.#peerServer.closed) return;
        continue;
      }
      const [routing, ...rest] = parts;
      if (routing === undefined) continue;
      try {
        for (const m of unbatch(rest)) {
          const { msg } = parseMessage<Extract<PeerMessage, { type: 'get' }>>(m, ACCEPTS.peerServer);
          const e = await this.#store.get(msg.key);
          const reply: PeerMessage = e === undefined ? { type: 'nodata', req: msg.req, key: msg.key } : { type: 'data', req: msg.req, key: msg.key, value: e.header };
          this.#peerOut.send([routing, ...frameMessage(reply, e?.frames ?? [])]);
        }
      } catch (err) {
        this.#dropped(`peer request: ${String(err)}`);
      }
    }
  }

  async #handle(msg: DriverMessage, frames: Uint8Array[]): Promise<void> {
    switch (msg.type) {
      case 'welcome':
        if (msg.peerKeys.length > 0 && this.#zap === undefined) this.#zap = await startZapHandler(msg.peerKeys);
        await this.#store.close();
        this.#store = new ObjectStore({ memoryLimit: msg.memoryLimit, spillDir: msg.spillDir });
        this.#memoryLimit = msg.memoryLimit;
        for (const url of msg.taskModules) {
          this.#listedModules.add(url);
          await this.#importModule(url);
        }
        return;
      case 'run':
        this.#enqueue(msg, frames);
        return;
      case 'cancel':
        for (const t of this.#queue) {
          if (!t.started && msg.keys.includes(t.msg.key)) {
            t.cancelled = true;
            t.fireCancel();
          }
        }
        return;
      case 'free':
        for (const k of msg.keys) this.#store.delete(k);
        return;
      case 'fetch': {
        // Decided before any await: a task that settles meanwhile must not miss this read.
        if (msg.wait === true && this.#queue.some((t) => !t.settled && t.msg.outputs.includes(msg.key))) {
          this.#wants.set(msg.key, [...(this.#wants.get(msg.key) ?? []), msg.req]);
          return;
        }
        const e = await this.#store.get(msg.key);
        if (e !== undefined) this.send({ type: 'value', req: msg.req, key: msg.key, value: e.header }, e.frames);
        else this.send({ type: msg.wait === true ? 'later' : 'nodata', req: msg.req, key: msg.key });
        return;
      }
      case 'hbAck':
        return;
      case 'stop':
        await this.stop();
        return;
    }
  }

  /**
   * The module URL a submit carries, if this worker may import it: a module of dislib-ts itself (under
   * this package's lib folder, after URL normalisation) or one the driver listed at welcome.
   */
  #submittedModule(task: string, url: string): string {
    let href: string | undefined;
    try {
      href = new URL(url).href;
    } catch {
      href = undefined;
    }
    if (href !== undefined && (href.startsWith(PACKAGE_LIB) || this.#listedModules.has(url))) return href;
    throw new ClusterError(`task ${task}: module ${url} is neither part of dislib-ts nor listed by the driver (init({ taskModules }) or taskModule() before the workers joined); not imported`);
  }

  /** Imports a task module once; one broken module must not take the others down (its tasks fail with the reason). */
  #importModule(url: string): Promise<void> {
    let p = this.#imports.get(url);
    if (p === undefined) {
      p = (async () => {
        try {
          if (!url.startsWith('file:')) throw new ClusterError('only file: URLs are imported');
          await import(url);
        } catch (err) {
          const why = `cannot import task module ${url}: ${err instanceof Error ? err.message : String(err)}`;
          this.#importErrors.push(why);
          log(why);
        }
      })();
      this.#imports.set(url, p);
    }
    return p;
  }

  #enqueue(msg: Extract<DriverMessage, { type: 'run' }>, frames: Uint8Array[]): void {
    let fireCancel!: () => void;
    const cancel = new Promise<void>((r) => (fireCancel = r));
    // Start fetching remote inputs now, so they arrive while earlier tasks run. An input no other queued
    // task reads is moved: this task gets the received bytes themselves (no copy) and nothing is kept.
    // Others go to the store (which spills under pressure) and are read from it when the task starts.
    const moved = new Map<string, Encoded>();
    const fetches = msg.sources.map((src) => {
      if (this.#store.has(src.key) || src.worker === this.#id || this.#fetching.has(fetchId(src))) return this.#fetchRemote(src);
      if (this.#queue.some((q) => q.msg.sources.some((o) => o.key === src.key))) return this.#fetchRemote(src);
      return this.#peers.get(src).then((e): FetchOutcome => {
        if (e === PEER_GONE) return PEER_GONE;
        if (e === undefined) return 'missing';
        this.#bytesIn += encodedBytes(e);
        this.#garbage += encodedBytes(e);
        moved.set(src.key, e);
        return 'ok';
      });
    });
    const prefetch = Promise.all(fetches).then((outcomes): MissingInput | undefined => {
      const i = outcomes.findIndex((o) => o !== 'ok');
      return i < 0 ? undefined : { src: msg.sources[i] as Source, gone: outcomes[i] === PEER_GONE };
    });
    const t: QueuedTask = { msg, frames, cancelled: false, started: false, cancel, fireCancel, prefetch, moved, settled: false };
    this.#queue.push(t);
    if (!this.#running) void this.#runQueue();
  }

  /** Makes sure a copy of `src` is in the local store, fetching it from its holder. */
  #fetchRemote(src: Source): Promise<FetchOutcome> {
    if (this.#store.has(src.key) || src.worker === this.#id) return Promise.resolve('ok');
    const id = fetchId(src);
    let p = this.#fetching.get(id);
    if (p === undefined) {
      p = this.#peers.get(src).then(async (e): Promise<FetchOutcome> => {
        this.#fetching.delete(id);
        if (e === PEER_GONE) return PEER_GONE;
        if (e === undefined) return 'missing';
        if (!this.#stopped) {
          this.#bytesIn += encodedBytes(e);
          this.#garbage += encodedBytes(e);
          this.#fetched.push(src.key);
          await this.#put(src.key, e, src.recomputeOnly === true);
        }
        return 'ok';
      });
      this.#fetching.set(id, p);
    }
    return p;
  }

  /** Reads a task's inputs from the store; a missing one is reported with this worker as the holder that lost it. */
  async #readInputs(t: QueuedTask): Promise<Map<string, Encoded> | MissingInput> {
    const out = new Map<string, Encoded>();
    for (const src of t.msg.sources) {
      const e = t.moved.get(src.key) ?? (await this.#store.get(src.key));
      if (e === undefined) return { src: { key: src.key, worker: this.#id, address: '' }, gone: false };
      out.set(src.key, e);
    }
    return out;
  }

  /** Stores an object; a failed spill only means memory could not be freed (the object is kept), so it is logged. */
  async #put(key: string, e: Encoded, recomputeOnly: boolean): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#store.put(key, e, { recomputeOnly });
    } catch (err) {
      log(`store: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #takeFetched(): string[] {
    const f = this.#fetched;
    this.#fetched = [];
    return f;
  }

  async #runQueue(): Promise<void> {
    this.#running = true;
    try {
      for (let t = this.#queue[0]; t !== undefined && !this.#stopped; t = this.#queue[0]) {
        const failed = await Promise.race([t.prefetch, t.cancel.then(() => null)]);
        if (!t.cancelled && failed !== null) {
          t.started = true;
          await this.#run(t, failed ?? (await this.#readInputs(t)));
        }
        this.#settle(t);
        this.#queue.shift();
        // Let I/O in between tasks: awaiting settled promises alone never does, and a peer waiting for a
        // block this worker holds (or the driver's next message) would wait for the whole queue.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Answers the driver's reads waiting for `t`'s outputs, after its `done` (or `erred`, `missing`, or its
   * cancellation): with the values it computed, or `later` when it produced none (the driver then reads
   * from whoever ends up holding them).
   */
  #settle(t: QueuedTask): void {
    t.settled = true;
    for (const key of t.msg.outputs) {
      const reqs = this.#wants.get(key);
      if (reqs === undefined) continue;
      this.#wants.delete(key);
      const e = t.results?.get(key);
      for (const req of reqs) {
        if (e !== undefined) this.send({ type: 'value', req, key, value: e.header }, e.frames);
        else this.send({ type: 'later', req, key });
      }
    }
    t.results = undefined;
  }

  async #run(t: QueuedTask, inputs: Map<string, Encoded> | MissingInput): Promise<void> {
    const { msg } = t;
    if (!(inputs instanceof Map)) {
      const { src, gone } = inputs;
      this.send({ type: 'missing', key: msg.key, dep: src.key, holder: src.worker, fetched: this.#takeFetched(), ...(gone ? { gone } : {}) });
      return;
    }
    const bytesIn = this.#bytesIn;
    this.#bytesIn = 0;
    for (const k of inputs.keys()) this.#store.pin(k);
    try {
      await this.#execute(t, inputs, bytesIn);
    } finally {
      for (const k of inputs.keys()) this.#store.unpin(k);
    }
    this.#collect(t.frames);
  }

  /**
   * A task's run message frames, and the private copies of inputs it was given, become garbage when it
   * ends. V8 collects array buffers lazily, so a worker that went through a lot of them collects now,
   * keeping its memory near the store's limit (local workers run with --expose-gc). Inputs a task only
   * reads in place are no garbage: counting them would stop the worker for a full collection every few
   * tasks over large blocks.
   */
  #collect(frames: readonly Uint8Array[]): void {
    for (const f of frames) this.#garbage += f.byteLength;
    if (this.#garbage < Math.min(this.#memoryLimit / 4, 256 << 20)) return;
    this.#garbage = 0;
    (globalThis as { gc?: () => void }).gc?.();
  }

  async #execute(t: QueuedTask, inputs: Map<string, Encoded>, bytesIn: number): Promise<void> {
    const { msg } = t;
    const start = performance.timeOrigin + performance.now();
    try {
      if (lookupTask(msg.name) === undefined && msg.module !== undefined) await this.#importModule(this.#submittedModule(msg.name, msg.module));
      const def = lookupTask(msg.name);
      if (def === undefined) {
        const why = this.#importErrors.length > 0 ? ` (${this.#importErrors.join('; ')})` : '';
        // A task of plain defineTask carries no module URL: only init({ taskModules }) brings its module.
        const hint = msg.module === undefined ? ': define it with taskModule(import.meta.url), or list its module in init({ taskModules })' : '';
        throw new ClusterError(`unknown task ${msg.name}: the worker did not import the module that defines it${hint}${why}`);
      }
      // The run message's own frames and moved inputs belong to this task alone; stored inputs are copied
      // so that a task cannot change what other tasks read, unless the task declared it only reads them.
      const handedOver = new Set<string>();
      const args = decode({ header: msg.args, frames: t.frames }, {
        resolve: (k) => {
          const e = inputs.get(k);
          if (e === undefined) throw new ClusterError(`input ${k} was not sent with task ${msg.key}`, { key: k });
          // A moved input used twice in the arguments is handed over once and copied after that.
          const own = def.readOnly || (t.moved.has(k) && !handedOver.has(k));
          handedOver.add(k);
          if (!own) this.#garbage += encodedBytes(e);
          return decode(e, { copy: !own });
        },
      });
      if (!Array.isArray(args)) throw new ClusterError(`task ${msg.key}: arguments are not an array`);
      const values = await runTaskFunction(def, args);
      const bytes: number[] = [];
      for (let i = 0; i < msg.outputs.length; i++) {
        const e = encode(values[i]);
        const { refs: _refs, ...plain } = e;
        bytes.push(encodedBytes(plain));
        // Stored results become garbage when they are spilled or freed.
        this.#garbage += encodedBytes(plain);
        (t.results ??= new Map()).set(msg.outputs[i] as string, plain);
        await this.#put(msg.outputs[i] as string, plain, msg.recomputeOnly);
      }
      const end = performance.timeOrigin + performance.now();
      const c = this.#store.counters;
      this.send({
        type: 'done',
        key: msg.key,
        bytes,
        fetched: this.#takeFetched(),
        bytesIn,
        start,
        end,
        mem: [this.#store.bytesInMemory, this.#store.bytesOnDisk, c.bytesSpilled, c.bytesUnspilled],
      });
    } catch (err) {
      this.send({ type: 'erred', key: msg.key, failure: failureFromError(msg.name, msg.key, this.#id, err), fetched: this.#takeFetched() });
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const t of this.#queue) t.fireCancel();
    this.#peers.close();
    this.#peerServer.close();
    this.#driver.close();
    await this.#zap?.close();
    await this.#store.close();
    this.#resolveDone();
  }
}

/**
 * Runs a worker until the driver says stop (or dies): connects to `connect`, says hello, and serves tasks.
 * Remote drivers (tcp to a non-loopback host) require `serverKey`, `secretKey` and `publicKey`.
 *
 * @throws {@link ClusterError} when remote mode lacks keys, or naming why the worker could not join: the
 *   driver refused its key, the server key is not the driver's, or nothing answered (`connectTimeoutMs`)
 * @example
 * ```ts
 * await runWorker({ connect: 'tcp://10.0.0.1:7000', serverKey, secretKey, publicKey });
 * ```
 */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const remote = !isLoopbackOrIpc(options.connect);
  const { serverKey, secretKey, publicKey } = options;
  const curve = serverKey !== undefined && secretKey !== undefined && publicKey !== undefined ? { serverKey, secretKey, publicKey } : undefined;
  if (remote && curve === undefined) {
    throw new ClusterError(`worker: ${options.connect} is not loopback/ipc: serverKey, secretKey and publicKey are required (CURVE)`);
  }
  markWorkerProcess();
  const id = options.id ?? `w-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  const peerServer = new Router({ ...SOCKET_OPTIONS });
  // With CURVE, peers must pass the ZAP allowlist the driver sends in `welcome` (refused until then).
  if (curve !== undefined) useCurveServer(peerServer, curve.secretKey);
  const networked = remote || options.networked === true;
  let address: string;
  if (options.connect.startsWith('ipc://') && !networked) {
    const dir = options.socketDir ?? dirname(options.connect.slice('ipc://'.length));
    address = `ipc://${join(dir, `dislib-peer-${process.pid}.sock`)}`;
    await peerServer.bind(address);
  } else {
    await peerServer.bind(networked ? 'tcp://0.0.0.0:*' : 'tcp://127.0.0.1:*');
    const port = /:(\d+)$/.exec(peerServer.lastEndpoint ?? '')?.[1];
    address = `tcp://${networked ? (options.advertiseHost ?? advertiseHost()) : '127.0.0.1'}:${port ?? '0'}`;
  }

  const driver = new Dealer({ ...SOCKET_OPTIONS, routingId: id });
  if (curve !== undefined) {
    driver.curveServerKey = curve.serverKey;
    driver.curvePublicKey = curve.publicKey;
    driver.curveSecretKey = curve.secretKey;
  }
  // A worker that cannot join says why and exits, rather than retrying silently forever.
  let joinError: ClusterError | undefined;
  const answerWithinMs = options.connectTimeoutMs ?? (options.parentPid === undefined ? CONNECT_TIMEOUT_MS : undefined);
  const joined = watchHandshake(driver, options.connect, { curve: curve !== undefined, ...(answerWithinMs !== undefined ? { answerWithinMs } : {}) });
  driver.connect(options.connect);

  const tick = new SharedArrayBuffer(8);
  const tickView = new Float64Array(tick);
  tickView[0] = Date.now();
  const ticker = setInterval(() => (tickView[0] = Date.now()), 100);
  const hbData: HeartbeatData = {
    connect: options.connect,
    id,
    tick,
    ...(options.parentPid !== undefined ? { parentPid: options.parentPid } : {}),
    ...(curve !== undefined ? { curve } : {}),
  };
  const heartbeat = new Thread(new URL('./worker-heartbeat.js', import.meta.url), { workerData: hbData });
  heartbeat.unref();

  const node = new WorkerNode(id, driver, peerServer, new PeerClient(curve));
  node.send({
    type: 'hello',
    version: PROTOCOL_VERSION,
    id,
    pid: process.pid,
    host: hostname(),
    address,
    ...(curve !== undefined ? { publicKey: curve.publicKey } : {}),
  });
  joined.catch((err: unknown) => {
    if (!(err instanceof ClusterError)) return; // the socket closed while watching: nothing went wrong
    joinError = err;
    void node.stop();
  });
  void node.receivePeers();
  await node.receiveDriver();
  await node.stop();
  await node.done;
  clearInterval(ticker);
  // Let the heartbeat thread close its socket before the process exits (ZeroMQ aborts otherwise).
  heartbeat.ref();
  const threadDone = new Promise((r) => heartbeat.once('exit', r));
  heartbeat.postMessage('stop');
  await threadDone;
  if (address.startsWith('ipc://')) {
    await rm(address.slice('ipc://'.length), { force: true });
  }
  if (joinError !== undefined) throw joinError;
}
