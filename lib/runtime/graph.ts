/**
 * Task specs: what the driver records for each submitted task (its lineage) and sends to workers.
 *
 * @packageDocumentation
 */
import type { Encoded } from './codec.js';

/** One submitted task: name, encoded arguments (futures as references) and output object keys. */
export interface TaskSpec {
  /** Unique key of the task. */
  readonly key: string;
  /** Registered task name. */
  readonly name: string;
  /** Keys of the objects this task produces (one per return value). */
  readonly outputs: readonly string[];
  /** The argument array, encoded; futures appear as references to object keys. */
  readonly args: Encoded;
  /** Object keys the arguments reference, in first-seen order (the task's inputs). */
  readonly deps: readonly string[];
  /** Drop results under memory pressure instead of spilling; regenerate from lineage. */
  readonly recomputeOnly: boolean;
  /** URL of the module defining the task, imported by a worker that does not know the task yet. */
  readonly module?: string;
  /** Preferred worker id (a placement hint). */
  readonly worker?: string;
  /** Time limit of one execution (ms), when the task or its submit set one. */
  readonly timeoutMs?: number;
}

/** Key of output `index` of task `taskKey` (the task key itself when the task has one output). */
export function outputKey(taskKey: string, index: number, nReturns: number): string {
  return nReturns === 1 ? taskKey : `${taskKey}.${index}`;
}
