/**
 * Public types of the runtime: task options, init options, worker and stats records.
 *
 * @packageDocumentation
 */

/** Per-task options, given to {@link defineTask} and optionally overridden per submit. */
export interface TaskOptions {
  /**
   * The task's results are cheap to regenerate: under memory pressure a worker drops them instead of
   * spilling them to disk, and they are recomputed from lineage when needed again. Default false.
   */
  readonly recomputeOnly?: boolean;
  /**
   * Id of the worker (see `workers()`) that should run the task, overriding locality; any worker is used
   * when it is not alive. A placement hint for tests and pinning, like Dask's `workers=`.
   */
  readonly worker?: string;
  /**
   * Time limit of one execution (ms), for a task that may never end (a cluster-executor safeguard; the
   * `local` executor ignores it), counted from when the task reaches the head of its worker's queue
   * (receiving its inputs included). A task still running after this long, even on a worker that answers
   * heartbeats, has its worker replaced and is retried like a task that killed its worker; after 3
   * such timeouts it fails with a TaskFailedError naming the limit. Default: `init({ taskTimeoutMs })`.
   */
  readonly timeoutMs?: number;
}

/** Options of {@link defineTask}. */
export interface DefineTaskOptions extends TaskOptions {
  /** Number of results: when > 1 the function returns an array of that length (use `submitMany`). Default 1. */
  readonly nReturns?: number;
  /**
   * The function never writes into the typed arrays of its arguments, so workers hand it their stored
   * inputs themselves instead of private copies (a copy of a large block costs more than many kernels
   * that read it). A task that does write into an input while declared read-only corrupts that input
   * for every later reader. Default false.
   */
  readonly readOnly?: boolean;
}

/** Which executor runs tasks. */
export type ExecutorKind = 'local' | 'cluster';

/** Options of {@link init}. Every field is optional. */
export interface InitOptions {
  /** `'cluster'` (default): worker processes over ZeroMQ. `'local'`: in-process, sequential, deterministic. */
  readonly executor?: ExecutorKind;
  /** Number of local worker processes to start. Default `os.availableParallelism()`; 0 waits for remote workers. */
  readonly workers?: number;
  /**
   * Endpoint the driver binds, e.g. `tcp://127.0.0.1:*` or `ipc:///tmp/x.sock`. Default: an ipc endpoint in
   * the run's own directory in `os.tmpdir()` (mode 0700, removed when the run ends). Addresses other than
   * loopback/ipc require `secretKey` (remote mode).
   */
  readonly address?: string;
  /** Driver's CURVE secret key (Z85, 40 chars): turns on remote mode with CURVE + ZAP authentication. */
  readonly secretKey?: string;
  /** Public keys (Z85) of remote workers allowed to connect in remote mode. */
  readonly allowedWorkerKeys?: readonly string[];
  /** Bytes of task results each worker keeps in memory before spilling LRU ones to disk. Default 1/2 of RAM / workers. */
  readonly memoryLimit?: number;
  /**
   * Existing writable directory for spill files (a per-worker subdirectory is created in it and removed at
   * shutdown; the directory itself is never created). Default `os.tmpdir()`.
   */
  readonly spillDir?: string;
  /** URLs of modules that define tasks (`import.meta.url`), imported by every worker in addition to built-ins. */
  readonly taskModules?: readonly string[];
  /** Path of a Chrome trace JSON file (open it in Perfetto) written at shutdown. */
  readonly trace?: string;
  /**
   * How long results may be awaited while no worker is connected (e.g. `workers: 0` before any remote
   * worker joined) before they fail with a ClusterError (ms). The address workers should connect to is
   * printed once when the wait begins. Default 60,000.
   */
  readonly workerWaitMs?: number;
  /**
   * Default time limit of one task execution (ms), for tasks without their own `timeoutMs`: a task still
   * running after it has its worker replaced, and is retried like a task that killed its worker.
   * Default: no limit.
   */
  readonly taskTimeoutMs?: number;
}

/** One worker as reported by {@link workers}. */
export interface WorkerInfo {
  /** Worker id, unique within a runtime. */
  readonly id: string;
  /** OS process id on its host. */
  readonly pid: number;
  /** Host name of the worker. */
  readonly host: string;
  /** Tasks completed on this worker. */
  readonly tasksRun: number;
  /** Bytes of task results this worker holds (memory and spilled). */
  readonly bytesHeld: number;
}

/** Counters reported by {@link stats}. */
export interface RuntimeStats {
  /** Which executor produced these numbers. */
  readonly executor: ExecutorKind;
  /** Tasks submitted. */
  readonly tasksSubmitted: number;
  /** Task executions completed successfully (re-runs count again). */
  readonly tasksRun: number;
  /** Tasks that failed (their own error or too many killed workers), not counting dependents. */
  readonly tasksFailed: number;
  /** Task executions started again because a worker died or a result was lost. */
  readonly retries: number;
  /** Tasks re-run to regenerate results lost or dropped after they were computed (lineage). */
  readonly recomputed: number;
  /** Bytes moved between workers. */
  readonly bytesMoved: number;
  /** Bytes written to spill files. */
  readonly bytesSpilled: number;
  /** Bytes read back from spill files. */
  readonly bytesUnspilled: number;
  /** Bytes sent to the driver by `get`. */
  readonly bytesToDriver: number;
  /** Workers that died or were lost. */
  readonly workersLost: number;
}
