/**
 * The executor contract: what the client-side API (`submit`, `get`, ...) needs from a way of running
 * tasks. Implemented by the in-process {@link LocalExecutor} and the ZeroMQ cluster driver.
 *
 * @packageDocumentation
 */
import type { Encoded } from './codec.js';
import type { TaskSpec } from './graph.js';
import type { Transition } from './scheduler.js';
import type { ExecutorKind, RuntimeStats, WorkerInfo } from './types.js';

/** Runs task graphs and hands back encoded results. */
export interface Executor {
  /** Which executor this is. */
  readonly kind: ExecutorKind;
  /** Adds tasks (in submission order; every dependency was submitted before its dependents). */
  submit(specs: readonly TaskSpec[]): void;
  /**
   * Resolves with the encoded value of object `key` once computed; the frames belong to the caller.
   * Rejects with a TaskFailedError when the task or one of its inputs failed.
   */
  fetch(key: string): Promise<Encoded>;
  /** The client no longer holds these object keys: free them once no pending task needs them. */
  release(keys: readonly string[]): void;
  /** Live workers. */
  workers(): WorkerInfo[];
  /** Counters since start. */
  stats(): RuntimeStats;
  /** Stops everything and frees every resource (processes, sockets, files). Idempotent. */
  shutdown(): Promise<void>;
  /** The scheduler's logged state transitions of the task behind `key` (executors without a log omit it). */
  story?(key: string): readonly Transition[];
}

/** Zeroed counters for an executor of `kind`. */
export function emptyStats(kind: ExecutorKind): { -readonly [K in keyof RuntimeStats]: RuntimeStats[K] } {
  return {
    executor: kind,
    tasksSubmitted: 0,
    tasksRun: 0,
    tasksFailed: 0,
    retries: 0,
    recomputed: 0,
    bytesMoved: 0,
    bytesSpilled: 0,
    bytesUnspilled: 0,
    bytesToDriver: 0,
    workersLost: 0,
  };
}
