/**
 * The task runtime: define tasks, submit them lazily, get results. Runs in-process (`local`) or on
 * worker processes over ZeroMQ (`cluster`, the default).
 *
 * @packageDocumentation
 */
// Registers the `cluster` executor (the default) with the client API.
import './driver.js';

export { defineTask, taskModule, type ModuleDefineTask, type TaskDef } from './task.js';
export { Future } from './future.js';
export {
  init,
  submit,
  submitMany,
  get,
  getAll,
  shutdown,
  workers,
  stats,
  story,
  type Arg,
  type SubmitArgs,
  type FuturesOf,
} from './api.js';
export type { Transition, TaskState } from './scheduler.js';
export { encode, decode, CodecError, type Encoded, type EncodeHooks, type EncodeResult, type DecodeHooks, type TypedArray, type TypedArrayName } from './codec.js';
export type {
  TaskOptions,
  DefineTaskOptions,
  InitOptions,
  ExecutorKind,
  WorkerInfo,
  RuntimeStats,
} from './types.js';
