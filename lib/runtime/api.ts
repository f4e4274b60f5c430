/**
 * The client-side API: one runtime per process (created by {@link init}, or implicitly by the first
 * submit/get), futures, submit/get and lifecycle.
 *
 * @packageDocumentation
 */
import { ClusterError, ParameterError } from '../errors.js';
import { decode, encode } from './codec.js';
import { emptyStats, type Executor } from './executor.js';
import { Future, type FutureOwner } from './future.js';
import { outputKey, type TaskSpec } from './graph.js';
import { LocalExecutor } from './local.js';
import { checkTimeout, lookupTask, type TaskDef } from './task.js';
import type { ExecutorKind, InitOptions, RuntimeStats, TaskOptions, WorkerInfo } from './types.js';
import { checkSpillDir, validateInitOptions } from './options.js';
import type { Transition } from './scheduler.js';

/** An argument of a submit: a value, a future of it, or (for arrays) an array mixing both. */
export type Arg<T> = T | Future<T> | (T extends readonly (infer E)[] ? readonly Arg<E>[] : never);

/** The argument list of a submit of a task taking `A`. */
export type SubmitArgs<A extends unknown[]> = { [K in keyof A]: Arg<A[K]> };

/** The futures returned by {@link submitMany} for a task returning the tuple `R`. */
export type FuturesOf<R> = R extends readonly unknown[]
  ? number extends R['length']
    ? Future<R[number]>[]
    : { -readonly [K in keyof R]: Future<R[K]> }
  : never;

/** Creates the executor for options; the cluster driver registers itself here (it imports this module). */
export type ExecutorFactory = (options: InitOptions) => Executor;
const factories = new Map<ExecutorKind, ExecutorFactory>([['local', () => new LocalExecutor()]]);

/** @internal lets the cluster driver plug in without this module importing ZeroMQ code. */
export function registerExecutor(kind: ExecutorKind, factory: ExecutorFactory): void {
  factories.set(kind, factory);
}

class Session implements FutureOwner {
  readonly executor: Executor;
  readonly embedded: boolean;
  #seq = 0;
  #specs: TaskSpec[] = [];
  #releases: string[] = [];
  #flushQueued = false;
  closed = false;

  constructor(executor: Executor, embedded: boolean) {
    this.executor = executor;
    this.embedded = embedded;
  }

  nextKey(name: string): string {
    return `${name}#${++this.#seq}`;
  }

  add(spec: TaskSpec): void {
    this.#specs.push(spec);
    this.#schedule();
  }

  release(key: string): void {
    if (this.closed) return;
    this.#releases.push(key);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Hands buffered submits, then releases, to the executor (in that order: a batch is one graph update). */
  flush(): void {
    this.#flushQueued = false;
    if (this.closed) return;
    if (this.#specs.length > 0) {
      const specs = this.#specs;
      this.#specs = [];
      this.executor.submit(specs);
    }
    if (this.#releases.length > 0) {
      const keys = this.#releases;
      this.#releases = [];
      this.executor.release(keys);
    }
  }
}

let current: Session | undefined;
let lastStats: RuntimeStats | undefined;
let starting: Promise<void> | undefined;
/** The shutdown in progress: a concurrent call waits for it too. */
let stopping: Promise<void> | undefined;

function defaultExecutor(): ExecutorKind {
  const env = process.env.DISLIB_EXECUTOR;
  if (env === 'local' || env === 'cluster') return env;
  return factories.has('cluster') ? 'cluster' : 'local';
}

function createSession(options: InitOptions, embedded: boolean): Session {
  const kind = options.executor ?? defaultExecutor();
  const factory = factories.get(kind);
  if (factory === undefined) throw new ParameterError('executor', `unknown executor ${JSON.stringify(kind)} (expected 'local' or 'cluster')`);
  return new Session(factory(options), embedded);
}

let inWorker = false;

/** @internal called by worker processes: task code there must not start runtimes of its own. */
export function markWorkerProcess(): void {
  inWorker = true;
}

function session(): Session {
  if (inWorker) throw new ClusterError('submit/get cannot be called inside a worker process (from task code or a task module)');
  if (current === undefined) {
    const s = createSession({}, true);
    current = s;
    // The embedded runtime stops by itself when the program has nothing else to do.
    process.once('beforeExit', () => {
      if (current === s) void shutdown();
    });
  }
  return current;
}

/**
 * Starts the runtime. Optional: the first `submit`/`get` without `init` starts the default runtime
 * (`DISLIB_EXECUTOR=local|cluster` picks its executor; a cluster of `os.availableParallelism()` workers
 * otherwise).
 *
 * @throws {@link ClusterError} when a runtime is already running (call {@link shutdown} first) or cannot start
 * @throws {@link ParameterError} on a bad option, or a `spillDir` that is not an existing writable directory
 * @example
 * ```ts
 * await init({ workers: 4, taskModules: [import.meta.url] });
 * ```
 */
export async function init(options: InitOptions = {}): Promise<void> {
  if (inWorker) throw new ClusterError('init cannot be called inside a worker process (from task code or a task module)');
  validateInitOptions(options);
  if (options.spillDir !== undefined) await checkSpillDir(options.spillDir);
  if (current !== undefined) throw new ClusterError('the runtime is already running: call shutdown() before init()');
  const s = createSession(options, false);
  current = s;
  const ready = (s.executor as Executor & { ready?: () => Promise<void> }).ready;
  if (ready !== undefined) {
    starting = ready.call(s.executor);
    try {
      await starting;
    } catch (err) {
      if (current === s) current = undefined;
      await s.executor.shutdown();
      throw err;
    } finally {
      starting = undefined;
    }
  }
}

function refOf(s: Session): (v: object) => string | undefined {
  return (v) => {
    if (!(v instanceof Future)) return undefined;
    if (v.owner !== s) throw new ParameterError('args', `${v.toString()} belongs to a runtime that was shut down`);
    if (v.disposed) throw new ParameterError('args', `${v.toString()} was disposed`);
    return v.key;
  };
}

function makeSpec(s: Session, task: TaskDef<never[], unknown>, args: readonly unknown[], options: TaskOptions): TaskSpec {
  if (lookupTask(task.name) !== (task as unknown)) {
    throw new ParameterError('task', `expected a task created by defineTask(), found ${typeof task}`);
  }
  if (!Array.isArray(args)) throw new ParameterError('args', `task ${task.name}: expected an array of arguments`);
  checkTimeout(options.timeoutMs, task.name);
  const timeoutMs = options.timeoutMs ?? task.options.timeoutMs;
  const key = s.nextKey(task.name);
  const encoded = encode(args, { refOf: refOf(s) });
  const outputs = Array.from({ length: task.nReturns }, (_, i) => outputKey(key, i, task.nReturns));
  return {
    key,
    name: task.name,
    outputs,
    args: { header: encoded.header, frames: encoded.frames },
    deps: encoded.refs,
    recomputeOnly: options.recomputeOnly ?? task.options.recomputeOnly ?? false,
    ...(options.worker !== undefined ? { worker: options.worker } : {}),
    ...(task.module !== undefined ? { module: task.module } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/**
 * Submits one run of a single-result task. Lazy: returns a future at once; the task runs when its
 * inputs are ready. Typed arrays in `args` are sent as they are: do not mutate them afterwards.
 *
 * @param task - created by {@link defineTask} (with `nReturns` 1)
 * @param args - argument values or futures (also inside arrays and plain objects)
 * @param options - per-submit overrides of the task's {@link TaskOptions}
 * @example
 * ```ts
 * const f = submit(add, [1, 2]);
 * const g = submit(add, [f, f]);
 * await get(g); // 6
 * ```
 */
export function submit<A extends unknown[], R>(task: TaskDef<A, R>, args: SubmitArgs<A>, options: TaskOptions = {}): Future<R> {
  if (task.nReturns !== 1) throw new ParameterError('task', `task ${task.name} returns ${task.nReturns} values: use submitMany()`);
  const s = session();
  const spec = makeSpec(s, task as unknown as TaskDef<never[], unknown>, args as readonly unknown[], options);
  s.add(spec);
  return new Future<R>(s, spec.outputs[0] as string, task.name);
}

/**
 * Submits one run of a multi-result task (`nReturns` > 1): returns one future per result.
 *
 * @example
 * ```ts
 * const split = defineTask('demo.split', (x: number) => [x, -x] as [number, number], { nReturns: 2 });
 * const [pos, neg] = submitMany(split, [3]);
 * ```
 */
export function submitMany<A extends unknown[], R extends readonly unknown[]>(
  task: TaskDef<A, R>,
  args: SubmitArgs<A>,
  options: TaskOptions = {},
): FuturesOf<R> {
  const s = session();
  const spec = makeSpec(s, task as unknown as TaskDef<never[], unknown>, args as readonly unknown[], options);
  s.add(spec);
  return spec.outputs.map((k) => new Future(s, k, task.name)) as FuturesOf<R>;
}

function ownSession(f: Future, parameter: string): Session {
  if (!(f instanceof Future)) throw new ParameterError(parameter, `expected a Future, found ${typeof f}`);
  if (current === undefined || f.owner !== current) {
    throw new ClusterError(`${f.toString()} belongs to a runtime that was shut down`, { key: f.key });
  }
  if (f.disposed) throw new ParameterError(parameter, `${f.toString()} was disposed`);
  return current;
}

/**
 * Waits for a future's task and returns its value (a fresh copy the caller owns).
 *
 * @throws {@link TaskFailedError} when the task or one of its inputs failed
 */
export async function get<R>(future: Future<R>): Promise<R> {
  const s = ownSession(future, 'future');
  if (starting !== undefined) await starting;
  s.flush();
  const e = await s.executor.fetch(future.key);
  return decode(e) as R;
}

/** Waits for several futures; resolves with their values in order, or rejects with the first failure. */
export async function getAll<R>(futures: readonly Future<R>[]): Promise<R[]> {
  if (!Array.isArray(futures)) throw new ParameterError('futures', 'expected an array of futures');
  return Promise.all(futures.map((f: Future<R>) => get<R>(f)));
}

/**
 * Stops the runtime: workers exit, results and spill files are freed. Futures of it become unusable and
 * reads still waiting reject with a {@link ClusterError}. Safe in any state (starting, busy, already
 * stopped); a call during another one resolves when that one ends.
 */
export async function shutdown(): Promise<void> {
  const s = current;
  if (s === undefined) return stopping;
  current = undefined;
  s.closed = true;
  const done = s.executor.shutdown().then(() => {
    lastStats = s.executor.stats();
  });
  stopping = done;
  try {
    await done;
  } finally {
    if (stopping === done) stopping = undefined;
  }
}

/**
 * What happened to a result: the logged state transitions (waiting, ready, queued, running, memory,
 * erred, released, forgotten), with the reason and worker of each, of the task that makes it. Empty for
 * the `local` executor or once the bounded log dropped them.
 *
 * @example
 * ```ts
 * for (const t of story(f)) console.log(t.time, t.from, '->', t.to, t.why);
 * ```
 */
export function story(future: Future | string): readonly Transition[] {
  const key = future instanceof Future ? future.key : future;
  return current?.executor.story?.(key) ?? [];
}

/** Live workers of the running runtime (empty when none is running). */
export function workers(): WorkerInfo[] {
  return current?.executor.workers() ?? [];
}

/** Counters of the running runtime, or the final counters of the last one shut down (zeros before any). */
export function stats(): RuntimeStats {
  return current?.executor.stats() ?? lastStats ?? emptyStats(defaultExecutor());
}
