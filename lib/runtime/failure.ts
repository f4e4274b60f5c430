/**
 * Task failure records: how an error in task code (or a worker killed by a task) is described on the
 * wire and turned back into a {@link TaskFailedError} for the caller and every dependent.
 *
 * @packageDocumentation
 */
import { TaskFailedError } from '../errors.js';

/** Why a task failed. */
export type FailureReason = 'error' | 'killed-worker' | 'timeout' | 'lost-dependency';

/** Plain, JSON-able description of a task failure. */
export interface FailureInfo {
  /** Name of the task that failed (the root cause, also for dependents). */
  readonly task: string;
  /** Key of the task that failed. */
  readonly key: string;
  /** What went wrong. */
  readonly message: string;
  /** Kind of failure. */
  readonly reason: FailureReason;
  /** Worker the task failed on, when known. */
  readonly workerId?: string;
  /** Stack trace from the worker, when the task threw. */
  readonly stack?: string;
}

/** Describes an exception thrown by task code. */
export function failureFromError(task: string, key: string, workerId: string, err: unknown): FailureInfo {
  const e = err instanceof Error ? err : undefined;
  const message = e !== undefined ? `${e.name}: ${e.message}` : `non-Error value thrown: ${String(err)}`;
  return { task, key, message, reason: 'error', workerId, ...(e?.stack !== undefined ? { stack: e.stack } : {}) };
}

/** Builds the error thrown to the caller of `get` for a failed task or any of its dependents. */
export function toTaskFailedError(info: FailureInfo): TaskFailedError {
  return new TaskFailedError(info.task, info.message, {
    key: info.key,
    reason: info.reason,
    ...(info.workerId !== undefined ? { workerId: info.workerId } : {}),
    ...(info.stack !== undefined ? { remoteStack: info.stack } : {}),
  });
}
