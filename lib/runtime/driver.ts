/**
 * The `cluster` executor: a ZeroMQ ROUTER that local worker processes (spawned here) and remote workers
 * (`dislib worker --connect`) join. It feeds every socket event to the sans-IO {@link Scheduler} and
 * carries out the actions it returns; it also watches worker liveness (process exit and heartbeats),
 * respawns lost local workers, serves `get` requests and writes the optional Chrome trace.
 *
 * Importing this module registers the executor with the client API.
 *
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'zeromq';
import { ClusterError } from '../errors.js';
import { registerExecutor } from './api.js';
import { encodedBytes, type Encoded } from './codec.js';
import { emptyStats, type Executor } from './executor.js';
import { toTaskFailedError } from './failure.js';
import type { TaskSpec } from './graph.js';
import { Outbox } from './outbox.js';
import {
  ACCEPTS,
  dropLogger,
  frameMessage,
  parseMessage,
  PROTOCOL_VERSION,
  SOCKET_OPTIONS,
  unbatch,
  type DriverMessage,
  type Source,
  type WorkerMessage,
} from './protocol.js';
import { createRunDir, removeRunDir, removeStaleRunDirs } from './run-dir.js';
import { Scheduler, type Action, type Transition } from './scheduler.js';
import { assertSecureConfig, generateKeyPair, isLoopbackOrIpc, publicKeyOf, startZapHandler, useCurveServer, type KeyPair, type ZapHandler } from './security.js';
import { WORKER_PROCESS } from './store.js';
import { declaredTaskModules } from './task.js';
import type { InitOptions, RuntimeStats, WorkerInfo } from './types.js';

function positiveEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** A worker that sends nothing (no heartbeat) for this long is removed (ms); `DISLIB_HEARTBEAT_TIMEOUT_MS` overrides. */
export const HEARTBEAT_TIMEOUT_MS = positiveEnv('DISLIB_HEARTBEAT_TIMEOUT_MS', 5000);
/** How long {@link ClusterExecutor.ready} waits for spawned workers to say hello (ms). */
const START_TIMEOUT_MS = 60_000;
/** How long {@link ClusterExecutor.shutdown} lets workers stop by themselves before killing them (ms). */
const STOP_GRACE_MS = 2000;
/** Signals whose default action ends the process without exit hooks: the driver cleans up first. */
const CLEANUP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Default of {@link InitOptions.workerWaitMs}. */
const WORKER_WAIT_MS = 60_000;
/**
 * A worker a peer lost its connection to is removed when no heartbeat of it follows within this long
 * (ms): two heartbeat intervals of a live worker (HEARTBEAT_MS in worker-heartbeat.ts, a thread's module).
 */
const SUSPECT_MS = 1000;
/** Interval of liveness checks (ms). */
const CHECK_MS = 500;
/** Receive poll interval, so the driver stops listening (and lets the process exit) when idle (ms). */
const POLL_MS = 200;

interface WorkerRec {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly address: string;
  readonly publicKey: string | undefined;
  /** Joined with `dislib worker` rather than spawned here (nothing replaces it when it is lost). */
  readonly remote: boolean;
  lastSeen: number;
  /** When a peer reported its connection to this worker broken, and by whom (cleared by its next heartbeat). */
  suspect: { since: number; by: string } | undefined;
  /** [bytesInMemory, bytesSpilled now, bytes spilled in total, bytes read back in total] */
  mem: number[];
}

interface Waiter<T = Encoded> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: unknown) => void;
}

interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args: Record<string, unknown>;
}

const log = (msg: string): void => {
  process.stderr.write(`[dislib driver] ${msg}\n`);
};

/** Driver of a cluster of worker processes. */
export class ClusterExecutor implements Executor {
  readonly kind = 'cluster' as const;
  readonly #options: InitOptions;
  readonly #scheduler = new Scheduler();
  readonly #router = new Router({ ...SOCKET_OPTIONS, receiveTimeout: POLL_MS });
  readonly #out = new Outbox(this.#router, (err) => log(`send failed: ${String(err)}`), { routed: true });
  readonly #workers = new Map<string, WorkerRec>();
  readonly #children = new Map<string, ChildProcess>();
  /** Spawned workers that have not said hello yet. */
  readonly #expected = new Set<string>();
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #requests = new Map<number, { key: string; worker: string; waiter: Waiter }>();
  readonly #specs = new Map<string, TaskSpec>();
  readonly #trace: TraceEvent[] | undefined;
  readonly #bytes = { bytesMoved: 0, bytesToDriver: 0, spilledByGone: 0, unspilledByGone: 0 };
  readonly #started: Promise<void>;
  #stopping: Promise<void> | undefined;
  /** Worker processes and the run directory must not outlive this process, however it ends. */
  readonly #exitHook = (): void => this.#killAll();
  /**
   * A SIGINT, SIGTERM or SIGHUP the program does not handle itself ends the process without exit hooks:
   * clean up as at exit, then let the signal end the process as it would have.
   */
  readonly #signalHook = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    this.#unhook();
    this.#killAll();
    process.kill(process.pid, signal);
  };
  #endpoint = '';
  #ipcPath: string | undefined;
  /** Private directory of this run's ipc endpoints (see run-dir.ts); none when the driver binds tcp. */
  #runDir: string | undefined;
  #nextWorker = 0;
  #respawns: number;
  #req = 0;
  #closed = false;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #readyWaiters: Waiter<void>[] = [];
  #zap: ZapHandler | undefined;
  #curve: { serverKey: string; local: KeyPair; peerKeys: string[] } | undefined;
  /** Bound to a non-loopback address: local workers must be reachable from remote ones. */
  #networked = false;
  #advertiseHost: string | undefined;
  #lastCheck = Date.now();
  #startError: unknown;
  /** The task each worker runs and when this driver first saw it running (for time limits). */
  readonly #running = new Map<string, { key: string; since: number }>();
  /** Runs while results are awaited and no worker is connected nor starting (see {@link InitOptions.workerWaitMs}). */
  #workerWait: NodeJS.Timeout | undefined;
  /** Whether #start has spawned the local workers (before that, no worker is expected yet, and none is missed). */
  #launched = false;
  #announced = false;
  readonly #dropped = dropLogger(log);

  constructor(options: InitOptions) {
    this.#options = options;
    this.#trace = options.trace !== undefined ? [] : undefined;
    this.#respawns = Math.max(8, 4 * (options.workers ?? availableParallelism()));
    process.on('exit', this.#exitHook);
    for (const signal of CLEANUP_SIGNALS) process.on(signal, this.#signalHook);
    this.#started = this.#start();
    this.#started.catch((err: unknown) => {
      // Reads waiting on a cluster that never started fail with the reason (init() reports it too).
      this.#startError = err;
      for (const ws of this.#waiters.values()) for (const w of ws) w.reject(err);
      this.#waiters.clear();
    });
  }

  async #start(): Promise<void> {
    removeStaleRunDirs();
    const given = this.#options.address;
    // Local workers of an ipc driver serve their peers over ipc too, in this run's directory.
    if (given === undefined || given.startsWith('ipc://')) this.#runDir = createRunDir();
    const address = given ?? `ipc://${join(this.#runDir as string, 'driver.sock')}`;
    const { secretKey, allowedWorkerKeys } = this.#options;
    if (assertSecureConfig({ address, secretKey, allowedWorkerKeys }) === 'curve' && secretKey !== undefined) {
      // Local workers get a key pair of their own, allowlisted like the remote ones.
      const local = generateKeyPair();
      const peerKeys = [...(allowedWorkerKeys ?? []), local.publicKey];
      this.#zap = await startZapHandler(peerKeys);
      useCurveServer(this.#router, secretKey);
      this.#curve = { serverKey: publicKeyOf(secretKey), local, peerKeys };
    }
    if (address.startsWith('ipc://')) this.#ipcPath = address.slice('ipc://'.length);
    await this.#router.bind(address);
    this.#endpoint = (this.#router.lastEndpoint ?? address).replace('//0.0.0.0:', '//127.0.0.1:');
    if (!isLoopbackOrIpc(address)) {
      const host = /^tcp:\/\/([^:]+):/.exec(address)?.[1];
      this.#advertiseHost = host !== undefined && host !== '0.0.0.0' && host !== '*' ? host : undefined;
      this.#networked = true;
    }
    if (this.#closed) return; // shut down while binding: start no workers
    this.#timer = setInterval(() => this.#guard('heartbeat check', () => this.#checkHeartbeats()), CHECK_MS);
    this.#timer.unref();
    void this.#receiveLoop();
    const n = this.#options.workers ?? availableParallelism();
    for (let i = 0; i < n; i++) this.#spawn();
    this.#launched = true;
    this.#awaitWorkers();
  }

  /** Resolves once the socket is bound and every spawned worker has joined. */
  async ready(): Promise<void> {
    await this.#started;
    if (this.#closed) throw new ClusterError('the runtime was shut down');
    if (this.#expected.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve, reject) => this.#readyWaiters.push({ resolve, reject })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ClusterError(`workers ${[...this.#expected].join(', ')} did not join within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---------------------------------------------------------------- processes

  #spawn(): void {
    const id = `w${++this.#nextWorker}`;
    const main = fileURLToPath(new URL('./worker-main.js', import.meta.url));
    const args = [...WORKER_PROCESS.execArgv, main, '--connect', this.#endpoint, '--id', id, '--parent', String(process.pid)];
    if (this.#networked) args.push('--networked', ...(this.#advertiseHost !== undefined ? ['--advertise-host', this.#advertiseHost] : []));
    if (this.#runDir !== undefined) args.push('--socket-dir', this.#runDir);
    const env: NodeJS.ProcessEnv = { ...WORKER_PROCESS.env, ...process.env };
    if (this.#curve !== undefined) {
      // Keys travel in the environment (readable only by this user), never on the command line.
      env.DISLIB_SERVER_KEY = this.#curve.serverKey;
      env.DISLIB_PUBLIC_KEY = this.#curve.local.publicKey;
      env.DISLIB_SECRET_KEY = this.#curve.local.secretKey;
    }
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.unref();
    this.#children.set(id, child);
    this.#expected.add(id);
    child.on('error', (err) => log(`worker ${id} failed to start: ${err.message}`));
    child.on('exit', (code, signal) => {
      this.#children.delete(id);
      if (this.#closed) return;
      this.#expected.delete(id);
      this.#guard('worker exit', () => this.#lost(id, signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`));
      if (this.#respawns > 0) {
        this.#respawns--;
        this.#spawn();
      } else if (this.#workers.size === 0 && this.#expected.size === 0) {
        log('no workers left and the respawn budget is spent');
        this.#awaitWorkers();
      }
    });
    this.#poke();
  }

  /** Runs an event handler; a bug in one must not take the driver down, so it is logged. */
  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log(`error in ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  #killAll(): void {
    for (const child of this.#children.values()) child.kill('SIGKILL');
    if (this.#ipcPath !== undefined) rmSync(this.#ipcPath, { force: true });
    if (this.#runDir !== undefined) removeRunDir(this.#runDir);
  }

  #unhook(): void {
    process.off('exit', this.#exitHook);
    for (const signal of CLEANUP_SIGNALS) process.off(signal, this.#signalHook);
  }

  /**
   * Removes a worker (dead, silent, or running a task past its time limit: `timedOut`); its process, if it
   * is ours, is killed and replaced on exit.
   */
  #lost(id: string, reason: string, timedOut = false): void {
    this.#children.get(id)?.kill('SIGKILL');
    this.#running.delete(id);
    const w = this.#workers.get(id);
    if (w === undefined) return;
    log(`worker ${id} (pid ${w.pid}) lost: ${reason}`);
    this.#workers.delete(id);
    this.#bytes.spilledByGone += w.mem[2] ?? 0;
    this.#bytes.unspilledByGone += w.mem[3] ?? 0;
    // Reads in flight from the dead worker go back to waiting for the object.
    const retry = new Set<string>();
    for (const [req, r] of this.#requests) {
      if (r.worker !== id) continue;
      this.#requests.delete(req);
      this.#addWaiter(r.key, r.waiter);
      retry.add(r.key);
    }
    this.#apply(this.#scheduler.removeWorker(id, reason, timedOut));
    for (const key of retry) this.#serve(key);
    // A local worker is replaced when its process exits; a remote one may leave none behind.
    if (w.remote) this.#awaitWorkers();
  }

  /**
   * A peer reported its connection to `holder` broken: unless a heartbeat from it arrives within
   * {@link SUSPECT_MS}, the holder is taken for dead well before its heartbeat timeout.
   */
  #suspect(holder: string, by: string): void {
    const w = this.#workers.get(holder);
    if (w !== undefined && w.suspect === undefined) w.suspect = { since: Date.now(), by };
  }

  /** How a worker joins this driver, as a command line. */
  #joinCommand(): string {
    // A wildcard bind is reached through one of this host's names.
    const at = (this.#router.lastEndpoint ?? this.#endpoint).replace(/\/\/(0\.0\.0\.0|\*):/, `//${hostname()}:`);
    const keys = this.#curve !== undefined ? ` --key WORKER_KEY_FILE --server-key ${this.#curve.serverKey}` : '';
    return `dislib worker --connect ${at}${keys}`;
  }

  /**
   * When results are awaited while no worker is connected nor starting, says once where workers should
   * connect, and fails those reads with a ClusterError unless a worker joins within `workerWaitMs`.
   */
  #awaitWorkers(): void {
    if (this.#closed || !this.#launched || this.#workers.size > 0 || this.#expected.size > 0 || this.#workerWait !== undefined || this.#waiters.size === 0) return;
    const wait = this.#options.workerWaitMs ?? WORKER_WAIT_MS;
    if (!this.#announced) {
      this.#announced = true;
      log(`no worker is connected: waiting up to ${wait} ms for one; start workers with \`${this.#joinCommand()}\``);
    }
    this.#workerWait = setTimeout(() => {
      this.#workerWait = undefined;
      if (this.#workers.size > 0 || this.#expected.size > 0) return;
      const err = new ClusterError(`no worker joined within ${wait} ms (init({ workerWaitMs })): start workers with \`${this.#joinCommand()}\`, or init({ workers: N }) for local ones`, {
        endpoint: this.#endpoint,
      });
      for (const ws of this.#waiters.values()) for (const w of ws) w.reject(err);
      this.#waiters.clear();
    }, wait);
  }

  #checkHeartbeats(): void {
    const now = Date.now();
    const stalled = now - this.#lastCheck > 2 * CHECK_MS;
    this.#lastCheck = now;
    if (!this.#active()) return;
    // When this process itself stalled (a long computation on the driver), silence is its own fault.
    if (stalled) {
      for (const w of this.#workers.values()) {
        w.lastSeen = now;
        if (w.suspect !== undefined) w.suspect.since = now;
      }
    }
    for (const w of this.#workers.values()) {
      if (now - w.lastSeen > HEARTBEAT_TIMEOUT_MS) this.#lost(w.id, `no heartbeat for ${now - w.lastSeen} ms`);
      else if (w.suspect !== undefined && now - w.suspect.since > SUSPECT_MS) {
        this.#lost(w.id, `worker ${w.suspect.by} lost its connection to it, and no heartbeat came since`);
      }
    }
    this.#checkTimeouts(now);
  }

  /**
   * Replaces workers whose running task overran its time limit (`timeoutMs`, or `init({ taskTimeoutMs })`):
   * heartbeats say the process lives, not that the task will ever end. Timed from the first check that
   * saw the task at the head of the worker's queue, so a limit is enforced within one check interval.
   */
  #checkTimeouts(now: number): void {
    for (const w of [...this.#workers.values()]) {
      const spec = this.#scheduler.runningOn(w.id);
      const seen = this.#running.get(w.id);
      if (spec === undefined) {
        this.#running.delete(w.id);
        continue;
      }
      if (seen?.key !== spec.key) {
        this.#running.set(w.id, { key: spec.key, since: now });
        continue;
      }
      const limit = spec.timeoutMs ?? this.#options.taskTimeoutMs;
      if (limit !== undefined && now - seen.since > limit) {
        const option = spec.timeoutMs !== undefined ? 'timeoutMs' : 'taskTimeoutMs';
        this.#lost(w.id, `task ${spec.name} ran longer than its time limit of ${limit} ms (${option})`, true);
      }
    }
  }

  // ---------------------------------------------------------------- messages

  /** Whether the driver must listen: remote workers may exist, work or reads are pending, or workers are joining. */
  #active(): boolean {
    // Remote workers (CURVE mode) need heartbeat acks all the time, so such a driver always listens.
    return !this.#closed && (this.#curve !== undefined || this.#expected.size > 0 || this.#waiters.size > 0 || this.#requests.size > 0 || this.#scheduler.busy());
  }

  #poke(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #receiveLoop(): Promise<void> {
    while (!this.#closed) {
      if (!this.#active()) {
        await new Promise<void>((r) => (this.#wake = r));
        // Heartbeats were not read while idle: do not count that time against workers.
        const now = Date.now();
        for (const w of this.#workers.values()) w.lastSeen = now;
        continue;
      }
      let parts: Uint8Array[];
      try {
        parts = await this.#router.receive();
      } catch {
        if (this.#router.closed) return;
        continue;
      }
      this.#onMessage(parts);
    }
  }

  #send(worker: string, msg: DriverMessage, frames: readonly Uint8Array[] = []): void {
    this.#out.send([Buffer.from(worker), ...frameMessage(msg, frames)]);
  }

  #onMessage(parts: Uint8Array[]): void {
    const [routing, ...rest] = parts;
    if (routing === undefined) return;
    const from = Buffer.from(routing.buffer, routing.byteOffset, routing.byteLength).toString('utf8');
    let messages: Uint8Array[][];
    try {
      messages = unbatch(rest);
    } catch (err) {
      this.#dropped(`from ${JSON.stringify(from.slice(0, 64))}: ${String(err)}`);
      return;
    }
    for (const m of messages) this.#guard(`a message from ${from.slice(0, 64)}`, () => this.#onOne(from, m));
  }

  #onOne(from: string, parts: Uint8Array[]): void {
    let parsed;
    try {
      parsed = parseMessage<WorkerMessage>(parts, ACCEPTS.driver);
    } catch (err) {
      this.#dropped(`from ${JSON.stringify(from.slice(0, 64))}: ${String(err)}`);
      return;
    }
    const { msg, frames } = parsed;
    if (msg.type === 'hb') {
      if (from !== `${msg.id}:hb`) return;
      const w = this.#workers.get(msg.id);
      if (w !== undefined) {
        w.lastSeen = Date.now();
        w.suspect = undefined;
      }
      this.#send(from, { type: 'hbAck' });
      return;
    }
    if (msg.type === 'hello') {
      this.#hello(from, msg);
      return;
    }
    const w = this.#workers.get(from);
    if (w === undefined) return; // a removed worker's late message
    w.lastSeen = Date.now();
    try {
      switch (msg.type) {
        case 'done':
          w.mem = msg.mem;
          this.#bytes.bytesMoved += msg.bytesIn;
          this.#traceTask(w, msg);
          this.#apply(this.#scheduler.taskDone(from, msg.key, msg.bytes, msg.fetched));
          return;
        case 'erred':
          this.#apply(this.#scheduler.taskErred(from, msg.key, msg.failure, msg.fetched));
          return;
        case 'missing':
          if (msg.gone === true) this.#suspect(msg.holder, from);
          this.#apply(this.#scheduler.inputMissing(from, msg.key, msg.dep, msg.holder, msg.fetched));
          return;
        case 'value':
        case 'nodata':
        case 'later':
          this.#onValue(from, msg, frames);
          return;
      }
    } catch (err) {
      log(`error handling ${msg.type} from ${from}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }

  #hello(from: string, msg: Extract<WorkerMessage, { type: 'hello' }>): void {
    if (msg.version !== PROTOCOL_VERSION || msg.id !== from || this.#workers.has(from)) {
      this.#dropped(`hello refused from ${JSON.stringify(from.slice(0, 64))} (version ${msg.version}, id ${msg.id.slice(0, 64)})`);
      return;
    }
    // Without CURVE only the processes spawned here may join; with it, ZAP already checked the key.
    if (!this.#children.has(from) && this.#curve === undefined) {
      this.#dropped(`hello refused from unknown worker ${JSON.stringify(from.slice(0, 64))}`);
      return;
    }
    this.#expected.delete(from);
    clearTimeout(this.#workerWait);
    this.#workerWait = undefined;
    const remote = !this.#children.has(from);
    this.#workers.set(from, { id: from, pid: msg.pid, host: msg.host, address: msg.address, publicKey: msg.publicKey, remote, lastSeen: Date.now(), suspect: undefined, mem: [0, 0, 0, 0] });
    const n = this.#options.workers ?? availableParallelism();
    this.#send(from, {
      type: 'welcome',
      taskModules: [...new Set([...(this.#options.taskModules ?? []), ...declaredTaskModules()])],
      memoryLimit: this.#options.memoryLimit ?? Math.floor(totalmem() / 2 / Math.max(1, n)),
      spillDir: this.#options.spillDir ?? tmpdir(),
      peerKeys: this.#curve?.peerKeys ?? [],
    });
    this.#trace?.push({ name: 'process_name', ph: 'M', pid: msg.pid, tid: 0, args: { name: `worker ${from}` } });
    this.#apply(this.#scheduler.addWorker(from));
    if (this.#expected.size === 0) {
      for (const r of this.#readyWaiters) r.resolve();
      this.#readyWaiters = [];
    }
  }

  #traceTask(w: WorkerRec, msg: Extract<WorkerMessage, { type: 'done' }>): void {
    if (this.#trace === undefined) return;
    const out = msg.bytes.reduce((s, b) => s + b, 0);
    this.#trace.push({
      name: this.#specs.get(msg.key)?.name ?? msg.key,
      ph: 'X',
      pid: w.pid,
      tid: 0,
      ts: Math.round(msg.start * 1000),
      dur: Math.max(1, Math.round((msg.end - msg.start) * 1000)),
      args: { key: msg.key, worker: w.id, bytesIn: msg.bytesIn, bytesOut: out },
    });
  }

  /** Carries out scheduler actions. */
  #apply(actions: readonly Action[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'run':
          this.#sendRun(a.worker, a.spec, a.sources);
          for (const key of a.spec.outputs) if (this.#waiters.has(key)) this.#serve(key);
          break;
        case 'cancel':
          this.#send(a.worker, { type: 'cancel', keys: [...a.keys] });
          break;
        case 'free':
          if (a.keys.length > 0) this.#send(a.worker, { type: 'free', keys: [...a.keys] });
          break;
        case 'available':
          this.#serve(a.key);
          break;
        case 'failed': {
          const ws = this.#waiters.get(a.key);
          this.#waiters.delete(a.key);
          for (const w of ws ?? []) w.reject(toTaskFailedError(a.failure));
          break;
        }
      }
    }
  }

  #sendRun(worker: string, spec: TaskSpec, sourceIds: readonly string[]): void {
    const sources: Source[] = spec.deps.map((key, i) => {
      const holder = this.#workers.get(sourceIds[i] as string) as WorkerRec;
      return {
        key,
        worker: holder.id,
        address: holder.address,
        ...(holder.publicKey !== undefined ? { publicKey: holder.publicKey } : {}),
        ...(this.#scheduler.isRecomputeOnly(key) ? { recomputeOnly: true } : {}),
      };
    });
    this.#send(
      worker,
      {
        type: 'run',
        key: spec.key,
        name: spec.name,
        outputs: [...spec.outputs],
        args: spec.args.header,
        sources,
        recomputeOnly: spec.recomputeOnly,
        ...(spec.module !== undefined ? { module: spec.module } : {}),
      },
      spec.args.frames,
    );
  }

  // ---------------------------------------------------------------- client reads

  #addWaiter(key: string, w: Waiter): void {
    const list = this.#waiters.get(key);
    if (list === undefined) this.#waiters.set(key, [w]);
    else list.push(w);
  }

  /**
   * Sends a read request for every waiter of `key` to a worker holding it, or (unless `early` is false) to
   * the worker whose queue holds the task computing it, which answers as soon as the task ends.
   */
  #serve(key: string, early = true): void {
    const ws = this.#waiters.get(key);
    if (ws === undefined) return;
    const loc = this.#scheduler.locate(key);
    const producer = loc === 'pending' && early ? this.#scheduler.queuedOn(key) : undefined;
    if (typeof loc === 'string' && producer === undefined) return;
    this.#waiters.delete(key);
    for (const waiter of ws) {
      if (typeof loc !== 'string' && 'failure' in loc) {
        waiter.reject(toTaskFailedError(loc.failure));
        continue;
      }
      const worker = producer ?? (loc as { worker: string }).worker;
      const req = ++this.#req;
      this.#requests.set(req, { key, worker, waiter });
      this.#send(worker, producer !== undefined ? { type: 'fetch', req, key, wait: true } : { type: 'fetch', req, key });
    }
  }

  #onValue(from: string, msg: Extract<WorkerMessage, { type: 'value' | 'nodata' | 'later' }>, frames: Uint8Array[]): void {
    const r = this.#requests.get(msg.req);
    if (r === undefined || r.worker !== from) return;
    this.#requests.delete(msg.req);
    if (msg.type === 'value') {
      const e: Encoded = { header: msg.value, frames };
      this.#bytes.bytesToDriver += encodedBytes(e);
      r.waiter.resolve(e);
      return;
    }
    if (msg.type === 'later') {
      // The task ran elsewhere, failed or was cancelled: read from the holder once there is one.
      this.#addWaiter(r.key, r.waiter);
      this.#serve(r.key, false);
      return;
    }
    this.#addWaiter(r.key, r.waiter);
    this.#apply(this.#scheduler.objectMissing(r.key, from));
    this.#serve(r.key);
  }

  // ---------------------------------------------------------------- Executor

  submit(specs: readonly TaskSpec[]): void {
    if (this.#closed) throw new ClusterError('the runtime was shut down');
    if (this.#trace !== undefined) for (const s of specs) this.#specs.set(s.key, s);
    this.#apply(this.#scheduler.submit(specs));
    this.#poke();
  }

  fetch(key: string): Promise<Encoded> {
    if (this.#closed) return Promise.reject(new ClusterError('the runtime was shut down', { key }));
    if (this.#startError !== undefined) return Promise.reject(this.#startError);
    const loc = this.#scheduler.locate(key);
    if (loc === 'unknown') return Promise.reject(new ClusterError(`unknown or released result ${key}`, { key }));
    const p = new Promise<Encoded>((resolve, reject) => this.#addWaiter(key, { resolve, reject }));
    this.#serve(key);
    this.#poke();
    this.#awaitWorkers();
    return p;
  }

  release(keys: readonly string[]): void {
    if (this.#closed) return;
    this.#apply(this.#scheduler.release(keys));
  }

  workers(): WorkerInfo[] {
    return [...this.#workers.values()].map((w) => ({
      id: w.id,
      pid: w.pid,
      host: w.host,
      tasksRun: this.#scheduler.tasksRunOn(w.id),
      bytesHeld: (w.mem[0] ?? 0) + (w.mem[1] ?? 0),
    }));
  }

  stats(): RuntimeStats {
    let spilled = this.#bytes.spilledByGone;
    let unspilled = this.#bytes.unspilledByGone;
    for (const w of this.#workers.values()) {
      spilled += w.mem[2] ?? 0;
      unspilled += w.mem[3] ?? 0;
    }
    return {
      ...emptyStats('cluster'),
      ...this.#scheduler.counters,
      bytesMoved: this.#bytes.bytesMoved,
      bytesToDriver: this.#bytes.bytesToDriver,
      bytesSpilled: spilled,
      bytesUnspilled: unspilled,
    };
  }

  /** The scheduler's transition log for a task or object key (see {@link Scheduler.story}). */
  story(key: string): Transition[] {
    return this.#scheduler.story(key);
  }

  /** Stops workers and frees sockets and files; concurrent and later calls share the first call's promise. */
  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#closed = true;
    await this.#started.catch(() => undefined);
    this.#poke();
    clearInterval(this.#timer);
    clearTimeout(this.#workerWait);
    const err = new ClusterError('the runtime was shut down');
    for (const ws of this.#waiters.values()) for (const w of ws) w.reject(err);
    for (const r of this.#requests.values()) r.waiter.reject(err);
    for (const r of this.#readyWaiters) r.reject(err);
    this.#waiters.clear();
    this.#requests.clear();
    this.#readyWaiters = [];
    const exits = [...this.#children].map(([id, c]) => {
      // Child handles are unref'd so that an idle embedded runtime lets the program end; waiting for an
      // exit on an unref'd handle lets the event loop run dry first (Node then exits with code 13).
      c.ref();
      const exited = new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
      // A worker that has not joined holds nothing and cannot hear `stop`: end it at once.
      if (!this.#workers.has(id)) c.kill('SIGKILL');
      return exited;
    });
    for (const id of this.#workers.keys()) this.#send(id, { type: 'stop' });
    const timer = setTimeout(() => this.#killAll(), STOP_GRACE_MS);
    await Promise.all(exits);
    clearTimeout(timer);
    this.#router.close();
    await this.#zap?.close();
    this.#killAll();
    this.#unhook();
    if (this.#trace !== undefined && this.#options.trace !== undefined) {
      await writeFile(this.#options.trace, JSON.stringify({ traceEvents: this.#trace, displayTimeUnit: 'ms' }));
    }
  }
}

registerExecutor('cluster', (options) => new ClusterExecutor(options));
