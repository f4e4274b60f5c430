/**
 * The `local` executor: runs tasks in this process, one at a time, in submission order. Every value is
 * passed through the codec (and copied) between tasks, so semantics match the cluster executor: a task
 * never sees another task's memory, and results are bit-identical run to run.
 *
 * @packageDocumentation
 */
import { hostname } from 'node:os';
import { ClusterError } from '../errors.js';
import { decode, encode, encodedBytes, type Encoded } from './codec.js';
import { emptyStats, type Executor } from './executor.js';
import { failureFromError, toTaskFailedError, type FailureInfo } from './failure.js';
import type { TaskSpec } from './graph.js';
import { lookupTask, runTaskFunction } from './task.js';
import type { RuntimeStats, WorkerInfo } from './types.js';

interface LocalObject {
  value?: Encoded;
  failure?: FailureInfo;
  /** The client still holds a future for it. */
  wanted: boolean;
  /** Queued tasks that read it. */
  waiters: number;
  readers: { resolve: (e: Encoded) => void; reject: (err: unknown) => void }[];
}

const WORKER_ID = 'local';

function copyEncoded(e: Encoded): Encoded {
  return { header: e.header, frames: e.frames.map((f) => f.slice()) };
}

/** In-process, sequential executor. */
export class LocalExecutor implements Executor {
  readonly kind = 'local' as const;
  readonly #objects = new Map<string, LocalObject>();
  readonly #queue: TaskSpec[] = [];
  readonly #stats = emptyStats('local');
  #pumping = false;
  #closed = false;

  submit(specs: readonly TaskSpec[]): void {
    if (this.#closed) throw new ClusterError('the local executor was shut down');
    for (const spec of specs) {
      for (const dep of spec.deps) {
        const o = this.#objects.get(dep);
        if (o === undefined) throw new ClusterError(`task ${spec.name}: input ${dep} was released`, { key: dep });
        o.waiters++;
      }
      for (const out of spec.outputs) this.#objects.set(out, { wanted: true, waiters: 0, readers: [] });
      this.#queue.push(spec);
      this.#stats.tasksSubmitted++;
    }
    if (!this.#pumping) {
      this.#pumping = true;
      queueMicrotask(() => void this.#pump());
    }
  }

  async #pump(): Promise<void> {
    try {
      for (let spec = this.#queue.shift(); spec !== undefined; spec = this.#queue.shift()) {
        await this.#run(spec);
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #run(spec: TaskSpec): Promise<void> {
    let results: Encoded[] | undefined;
    let failure: FailureInfo | undefined;
    for (const dep of spec.deps) failure ??= this.#objects.get(dep)?.failure;
    if (failure === undefined) {
      const def = lookupTask(spec.name);
      try {
        if (def === undefined) throw new ClusterError(`unknown task ${spec.name}: import the module that defines it`);
        const args = decode(spec.args, { copy: true, resolve: (k) => this.#read(k, !def.readOnly) }) as unknown[];
        const values = await runTaskFunction(def, args);
        results = values.map((v) => encode(v));
        this.#stats.tasksRun++;
      } catch (err) {
        failure = failureFromError(spec.name, spec.key, WORKER_ID, err);
        this.#stats.tasksFailed++;
      }
    }
    for (const dep of spec.deps) {
      const o = this.#objects.get(dep);
      if (o !== undefined) {
        o.waiters--;
        this.#maybeFree(dep, o);
      }
    }
    spec.outputs.forEach((key, i) => {
      const o = this.#objects.get(key);
      if (o === undefined) return;
      const value = results?.[i];
      if (value !== undefined) o.value = value;
      else if (failure !== undefined) o.failure = failure;
      for (const r of o.readers) {
        if (o.value !== undefined) r.resolve(copyEncoded(o.value));
        else r.reject(toTaskFailedError(o.failure as FailureInfo));
      }
      o.readers = [];
      this.#maybeFree(key, o);
    });
  }

  /** An input of a task: a private copy, or the stored value itself for a read-only task. */
  #read(key: string, copy: boolean): unknown {
    const value = this.#objects.get(key)?.value;
    if (value === undefined) throw new ClusterError(`input ${key} is not available`, { key });
    return decode(value, { copy });
  }

  #maybeFree(key: string, o: LocalObject): void {
    if (!o.wanted && o.waiters === 0 && o.readers.length === 0) this.#objects.delete(key);
  }

  fetch(key: string): Promise<Encoded> {
    const o = this.#objects.get(key);
    if (o === undefined) return Promise.reject(new ClusterError(`unknown or released result ${key}`, { key }));
    if (o.value !== undefined) {
      this.#stats.bytesToDriver += encodedBytes(o.value);
      return Promise.resolve(copyEncoded(o.value));
    }
    if (o.failure !== undefined) return Promise.reject(toTaskFailedError(o.failure));
    return new Promise((resolve, reject) => o.readers.push({ resolve, reject }));
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const o = this.#objects.get(key);
      if (o === undefined) continue;
      o.wanted = false;
      this.#maybeFree(key, o);
    }
  }

  workers(): WorkerInfo[] {
    let bytesHeld = 0;
    for (const o of this.#objects.values()) if (o.value !== undefined) bytesHeld += encodedBytes(o.value);
    return [{ id: WORKER_ID, pid: process.pid, host: hostname(), tasksRun: this.#stats.tasksRun, bytesHeld }];
  }

  stats(): RuntimeStats {
    return { ...this.#stats };
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    for (const [key, o] of this.#objects) {
      for (const r of o.readers) r.reject(new ClusterError(`runtime shut down before ${key} was computed`, { key }));
    }
    this.#objects.clear();
  }
}
