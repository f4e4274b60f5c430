/**
 * The cluster scheduler as a sans-IO state machine: it owns the task graph, the object table (which
 * worker holds which result) and the worker table, and answers every event (submit, task done, worker
 * lost, ...) with a list of {@link Action}s for the driver to carry out. It never touches a socket or a
 * timer, so tests drive it directly and `story(key)` explains what happened to any task.
 *
 * Task states: `waiting` (an input is not in memory yet) → `ready` (inputs in memory, no worker slot) →
 * `queued` (sent to a worker) → `running` (head of that worker's FIFO queue) → `memory` (results held)
 * or `erred`; `released` keeps the spec of a task whose results were freed, so lineage can rerun it.
 *
 * @packageDocumentation
 */
import type { FailureInfo } from './failure.js';
import type { TaskSpec } from './graph.js';

/** Lifecycle state of a task. */
export type TaskState = 'waiting' | 'ready' | 'queued' | 'running' | 'memory' | 'erred' | 'released';

/** What the driver must do after an event. */
export type Action =
  /** Send task `spec` to `worker`; `sources[i]` is a worker holding `spec.deps[i]`. */
  | { readonly kind: 'run'; readonly worker: string; readonly spec: TaskSpec; readonly sources: readonly string[] }
  /** Tell `worker` to drop these queued tasks (it ignores ones already started). */
  | { readonly kind: 'cancel'; readonly worker: string; readonly keys: readonly string[] }
  /** Tell `worker` to delete these objects. */
  | { readonly kind: 'free'; readonly worker: string; readonly keys: readonly string[] }
  /** Object `key` is in memory on some worker (see {@link Scheduler.locate}). */
  | { readonly kind: 'available'; readonly key: string }
  /** Object `key` will never be computed. */
  | { readonly kind: 'failed'; readonly key: string; readonly failure: FailureInfo };

/** One entry of the transition log. */
export interface Transition {
  /** Task key. */
  readonly key: string;
  /** State before. */
  readonly from: TaskState | 'new';
  /** State after. */
  readonly to: TaskState | 'forgotten';
  /** Why (event and worker). */
  readonly why: string;
  /** Clock value when it happened. */
  readonly time: number;
}

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  /** Tasks a worker may hold (running + queued) so it never idles between tasks. Default 3. */
  readonly queueLimit?: number;
  /** A task that was running on this many workers when they died fails with reason `killed-worker`. Default 3. */
  readonly maxKills?: number;
  /** Entries kept in the transition log. Default 100,000. */
  readonly logLimit?: number;
  /** Clock for the log. Default `Date.now`. */
  readonly now?: () => number;
}

/** Scheduler counters (the driver adds byte counters). */
export interface SchedulerCounters {
  /** Tasks submitted. */
  tasksSubmitted: number;
  /** Task executions that completed (re-runs count again). */
  tasksRun: number;
  /** Tasks that threw or killed too many workers (dependents not counted). */
  tasksFailed: number;
  /** Executions started again: the running task of a dead worker, and lineage recomputations. */
  retries: number;
  /** Tasks rerun to regenerate results that were lost or dropped. */
  recomputed: number;
  /** Workers removed (dead or silent). */
  workersLost: number;
}

interface TaskRec {
  readonly spec: TaskSpec;
  readonly deps: ObjRec[];
  readonly outputs: ObjRec[];
  state: TaskState;
  worker: string | undefined;
  kills: number;
  failure: FailureInfo | undefined;
}

interface ObjRec {
  readonly key: string;
  readonly task: TaskRec;
  readonly locations: Set<string>;
  readonly dependents: Set<TaskRec>;
  bytes: number;
  wanted: boolean;
}

interface WorkerRec {
  readonly id: string;
  /** Tasks sent and not finished, in the order sent (the worker runs them FIFO). */
  readonly queue: TaskRec[];
  readonly holds: Set<ObjRec>;
  tasksRun: number;
  /** Tasks without inputs placed here: those go round-robin, so the blocks they make end up balanced. */
  rootsPlaced: number;
}

/** Input bytes a task may fetch to run on a worker other than the busy holder of its inputs. */
const MOVE_FREELY = 1 << 20;

const PENDING: ReadonlySet<TaskState> = new Set(['waiting', 'ready', 'queued', 'running']);

/** Sans-IO cluster scheduler. */
export class Scheduler {
  readonly #tasks = new Map<string, TaskRec>();
  readonly #objects = new Map<string, ObjRec>();
  readonly #workers = new Map<string, WorkerRec>();
  /** Ready tasks that read inputs, in submission order (Set keeps insertion order). */
  readonly #ready = new Set<TaskRec>();
  /** Ready tasks without inputs pinned to a worker (such as the ranges of a file a loader parses). */
  readonly #readyPinned = new Set<TaskRec>();
  /** Ready tasks without inputs nor pin (they create data: blocks), in submission order. */
  readonly #readyRoots = new Set<TaskRec>();
  readonly #queueLimit: number;
  readonly #maxKills: number;
  readonly #logLimit: number;
  readonly #now: () => number;
  readonly #log: Transition[] = [];
  #logStart = 0;
  /** Tasks in a pending state (waiting, ready, queued, running). */
  #pending = 0;
  #actions: Action[] = [];
  /** Counters since creation. */
  readonly counters: SchedulerCounters = { tasksSubmitted: 0, tasksRun: 0, tasksFailed: 0, retries: 0, recomputed: 0, workersLost: 0 };

  constructor(options: SchedulerOptions = {}) {
    this.#queueLimit = options.queueLimit ?? 3;
    this.#maxKills = options.maxKills ?? 3;
    this.#logLimit = options.logLimit ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  // ---------------------------------------------------------------- events

  /** Adds tasks; every dependency was submitted before (and not forgotten). */
  submit(specs: readonly TaskSpec[]): Action[] {
    for (const spec of specs) {
      if (this.#tasks.has(spec.key)) throw new Error(`scheduler: duplicate task ${spec.key}`);
      const deps = spec.deps.map((k) => {
        const o = this.#objects.get(k);
        if (o === undefined) throw new Error(`scheduler: task ${spec.key} reads unknown object ${k}`);
        return o;
      });
      const t: TaskRec = { spec, deps, outputs: [], state: 'waiting', worker: undefined, kills: 0, failure: undefined };
      for (const k of spec.outputs) {
        const o: ObjRec = { key: k, task: t, locations: new Set(), dependents: new Set(), bytes: 0, wanted: true };
        t.outputs.push(o);
        this.#objects.set(k, o);
      }
      this.#tasks.set(spec.key, t);
      this.#pending++;
      this.counters.tasksSubmitted++;
      this.#record(t, 'new', 'waiting', 'submit');
      for (const o of deps) o.dependents.add(t);
      const failed = deps.find((o) => o.task.state === 'erred');
      if (failed !== undefined) {
        this.#fail(t, failed.task.failure as FailureInfo, 'input erred');
        continue;
      }
      for (const o of deps) this.#ensure(o);
      this.#maybeReady(t, 'inputs in memory');
    }
    this.#assign();
    return this.#flush();
  }

  /** A worker joined. */
  addWorker(id: string): Action[] {
    if (!this.#workers.has(id)) {
      // A newcomer starts level with the others, or it would take every root task until it caught up.
      const others = [...this.#workers.values()].map((w) => w.rootsPlaced);
      this.#workers.set(id, { id, queue: [], holds: new Set(), tasksRun: 0, rootsPlaced: others.length > 0 ? Math.min(...others) : 0 });
    }
    this.#assign();
    return this.#flush();
  }

  /**
   * A worker died or was removed: its queued tasks go elsewhere, the task it was running is charged a
   * kill (and fails after `maxKills`), and results only it held are recomputed from lineage when needed.
   *
   * @param timedOut - the worker was removed because its running task overran its time limit: that task
   *   fails with reason `timeout` after `maxKills` such removals
   */
  removeWorker(id: string, reason: string, timedOut = false): Action[] {
    const w = this.#workers.get(id);
    if (w === undefined) return this.#flush();
    this.#workers.delete(id);
    this.counters.workersLost++;
    const why = `worker ${id} lost (${reason})`;
    w.queue.forEach((t, i) => {
      t.worker = undefined;
      if (i === 0) {
        t.kills++;
        if (t.kills >= this.#maxKills) {
          const failure: FailureInfo = {
            task: t.spec.name,
            key: t.spec.key,
            message: timedOut ? `timed out ${t.kills} times (last on ${id}: ${reason})` : `killed ${t.kills} workers (last: ${id}, ${reason})`,
            reason: timedOut ? 'timeout' : 'killed-worker',
            workerId: id,
          };
          this.counters.tasksFailed++;
          this.#fail(t, failure, why);
          return;
        }
        this.counters.retries++;
      }
      this.#setState(t, 'waiting', why);
    });
    const lost: ObjRec[] = [];
    for (const o of w.holds) {
      o.locations.delete(id);
      if (o.locations.size === 0) lost.push(o);
    }
    for (const o of lost) this.#unavailable(o, why);
    for (const t of w.queue) if (t.state === 'waiting') this.#requeue(t);
    for (const o of lost) if (this.#needed(o)) this.#ensure(o);
    for (const o of lost) for (const d of o.dependents) if (d.state === 'waiting') this.#requeue(d);
    this.#assign();
    return this.#flush();
  }

  /** No worker holds `o` any more: tasks about to read it go back to waiting (and are cancelled where queued). */
  #unavailable(o: ObjRec, why: string): void {
    for (const d of o.dependents) {
      if (d.state === 'ready') this.#setState(d, 'waiting', `input ${o.key} lost: ${why}`);
      if ((d.state === 'queued' || d.state === 'running') && d.worker !== undefined) {
        this.#unqueue(d);
        this.#actions.push({ kind: 'cancel', worker: d.worker, keys: [d.spec.key] });
        d.worker = undefined;
        this.#setState(d, 'waiting', `input ${o.key} lost: ${why}`);
      }
    }
    const t = o.task;
    if (t.state === 'memory' && t.outputs.every((x) => x.locations.size === 0)) this.#setState(t, 'released', why);
  }

  /** `worker` finished task `key`: `bytes[i]` is the size of output i; `fetched` are inputs it now also holds. */
  taskDone(worker: string, key: string, bytes: readonly number[], fetched: readonly string[]): Action[] {
    const w = this.#workers.get(worker);
    if (w === undefined) return this.#flush();
    this.#addReplicas(w, fetched);
    const t = this.#tasks.get(key);
    if (t === undefined || t.state === 'erred' || (t.state === 'memory' && !t.outputs.some((o) => o.locations.size === 0))) {
      // Stale (cancelled, forgotten, or computed twice after a loss): keep at most what is still useful.
      this.#dropFromQueue(w, t);
      if (t !== undefined && t.state === 'memory') this.#storeOutputs(w, t, bytes);
      else this.#actions.push({ kind: 'free', worker, keys: t?.spec.outputs ?? [] });
      this.#assign();
      return this.#flush();
    }
    this.#dropFromQueue(w, t);
    if (t.worker !== undefined && t.worker !== worker) {
      this.#unqueue(t);
      this.#actions.push({ kind: 'cancel', worker: t.worker, keys: [key] });
    }
    this.#readySet(t).delete(t);
    t.worker = undefined;
    w.tasksRun++;
    this.counters.tasksRun++;
    this.#setState(t, 'memory', `done on ${worker}`);
    this.#storeOutputs(w, t, bytes);
    for (const o of t.outputs) {
      for (const d of o.dependents) if (d.state === 'waiting') this.#maybeReady(d, `input ${o.key} in memory`);
    }
    for (const o of t.deps) this.#maybeFree(o);
    for (const o of t.outputs) this.#maybeFree(o);
    this.#assign();
    return this.#flush();
  }

  /** Task `key` threw on `worker`: it fails (no retry) and so does every dependent. */
  taskErred(worker: string, key: string, failure: FailureInfo, fetched: readonly string[]): Action[] {
    const w = this.#workers.get(worker);
    if (w === undefined) return this.#flush();
    this.#addReplicas(w, fetched);
    const t = this.#tasks.get(key);
    this.#dropFromQueue(w, t);
    if (t !== undefined && PENDING.has(t.state)) {
      if (t.worker !== undefined && t.worker !== worker) {
        this.#unqueue(t);
        this.#actions.push({ kind: 'cancel', worker: t.worker, keys: [key] });
      }
      this.counters.tasksFailed++;
      this.#fail(t, failure, `threw on ${worker}`);
    }
    this.#assign();
    return this.#flush();
  }

  /**
   * `worker` could not get input `dep` of task `key` from `holder` (it does not have it any more): the
   * location is forgotten, the input is recomputed if no copy is left, and the task is queued again.
   */
  inputMissing(worker: string, key: string, dep: string, holder: string, fetched: readonly string[]): Action[] {
    const w = this.#workers.get(worker);
    if (w === undefined) return this.#flush();
    this.#addReplicas(w, fetched);
    this.#dropLocation(dep, holder);
    const t = this.#tasks.get(key);
    this.#dropFromQueue(w, t);
    if (t !== undefined && (t.state === 'queued' || t.state === 'running') && t.worker === worker) {
      t.worker = undefined;
      this.#setState(t, 'waiting', `input ${dep} missing on ${holder}`);
      this.#requeue(t);
    }
    this.#assign();
    return this.#flush();
  }

  /** The driver asked `holder` for object `key` and it did not have it. */
  objectMissing(key: string, holder: string): Action[] {
    this.#dropLocation(key, holder);
    this.#assign();
    return this.#flush();
  }

  /** The client dropped its futures for these objects. */
  release(keys: readonly string[]): Action[] {
    for (const k of keys) {
      const o = this.#objects.get(k);
      if (o === undefined || !o.wanted) continue;
      o.wanted = false;
      this.#maybeFree(o);
    }
    return this.#flush();
  }

  // ---------------------------------------------------------------- queries

  /**
   * Where the client can read object `key`: `{ worker }` when in memory, `{ failure }` when it failed,
   * `'pending'` while it is being computed, `'unknown'` when it does not exist.
   */
  locate(key: string): { worker: string } | { failure: FailureInfo } | 'pending' | 'unknown' {
    const o = this.#objects.get(key);
    if (o === undefined) return 'unknown';
    if (o.task.state === 'erred') return { failure: o.task.failure as FailureInfo };
    let best: WorkerRec | undefined;
    for (const id of o.locations) {
      const w = this.#workers.get(id);
      if (w !== undefined && (best === undefined || w.queue.length < best.queue.length)) best = w;
    }
    return best !== undefined ? { worker: best.id } : 'pending';
  }

  /** Worker whose queue holds the task computing object `key` (undefined unless queued or running). */
  queuedOn(key: string): string | undefined {
    const t = this.#objects.get(key)?.task;
    return t !== undefined && (t.state === 'queued' || t.state === 'running') ? t.worker : undefined;
  }

  /** State of task `key` (undefined when unknown or forgotten). */
  state(key: string): TaskState | undefined {
    return this.#tasks.get(key)?.state;
  }

  /** Whether object `key` comes from a recompute-only task (copies of it may be dropped, never spilled). */
  isRecomputeOnly(key: string): boolean {
    return this.#objects.get(key)?.task.spec.recomputeOnly ?? false;
  }

  /** Workers holding object `key`. */
  whoHas(key: string): string[] {
    return [...(this.#objects.get(key)?.locations ?? [])];
  }

  /** Task keys queued on `worker`, oldest (running) first. */
  queueOf(worker: string): string[] {
    return this.#workers.get(worker)?.queue.map((t) => t.spec.key) ?? [];
  }

  /** The task `worker` runs now (the head of its queue; it may still be receiving its inputs). */
  runningOn(worker: string): TaskSpec | undefined {
    return this.#workers.get(worker)?.queue[0]?.spec;
  }

  /** Tasks completed on `worker`. */
  tasksRunOn(worker: string): number {
    return this.#workers.get(worker)?.tasksRun ?? 0;
  }

  /** True when some task is not finished (in memory, erred or released). */
  busy(): boolean {
    return this.#pending > 0;
  }

  /** Number of tasks the scheduler still remembers (pending, in memory, erred, or kept for lineage). */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * The logged transitions of the task that made `key` (a task key or an object key), oldest first.
   *
   * @example
   * ```ts
   * s.story('rt.add#3').map((t) => t.to); // ['waiting', 'ready', 'queued', 'running', 'memory']
   * ```
   */
  story(key: string): Transition[] {
    const taskKey = this.#objects.get(key)?.task.spec.key ?? key;
    const out: Transition[] = [];
    for (let i = 0; i < this.#log.length; i++) {
      const e = this.#log[(this.#logStart + i) % this.#log.length] as Transition;
      if (e.key === taskKey) out.push(e);
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  #flush(): Action[] {
    const a = this.#actions;
    this.#actions = [];
    return a;
  }

  #record(t: TaskRec, from: TaskState | 'new', to: TaskState | 'forgotten', why: string): void {
    const e: Transition = { key: t.spec.key, from, to, why, time: this.#now() };
    if (this.#log.length < this.#logLimit) this.#log.push(e);
    else {
      this.#log[this.#logStart] = e;
      this.#logStart = (this.#logStart + 1) % this.#logLimit;
    }
  }

  #setState(t: TaskRec, to: TaskState, why: string): void {
    if (t.state === to) return;
    this.#record(t, t.state, to, why);
    this.#pending += Number(PENDING.has(to)) - Number(PENDING.has(t.state));
    if (t.state === 'ready') this.#readySet(t).delete(t);
    t.state = to;
    if (to === 'ready') this.#readySet(t).add(t);
  }

  #available(o: ObjRec): boolean {
    return o.locations.size > 0;
  }

  #maybeReady(t: TaskRec, why: string): void {
    if (t.state === 'waiting' && t.deps.every((o) => this.#available(o))) this.#setState(t, 'ready', why);
  }

  /** Puts a waiting task back on track: recompute missing inputs, or make it ready. */
  #requeue(t: TaskRec): void {
    for (const o of t.deps) this.#ensure(o);
    this.#maybeReady(t, 'inputs in memory');
  }

  /** Something needs object `o`: if no worker holds it and its task is not pending, rerun that task (and, recursively, its lost inputs). */
  #ensure(root: ObjRec): void {
    const stack = [root];
    for (let o = stack.pop(); o !== undefined; o = stack.pop()) {
      const t = o.task;
      if (this.#available(o) || PENDING.has(t.state) || t.state === 'erred') continue;
      this.counters.recomputed++;
      this.counters.retries++;
      this.#setState(t, 'waiting', `recompute ${o.key} (lineage)`);
      for (const d of t.deps) if (!this.#available(d)) stack.push(d);
      this.#maybeReady(t, 'inputs in memory');
    }
    // Tasks whose inputs were already in memory became ready above; those that waited on a rerun become
    // ready when it finishes.
  }

  #needed(o: ObjRec): boolean {
    if (o.wanted) return true;
    for (const d of o.dependents) if (PENDING.has(d.state)) return true;
    return false;
  }

  #storeOutputs(w: WorkerRec, t: TaskRec, bytes: readonly number[]): void {
    t.outputs.forEach((o, i) => {
      o.bytes = bytes[i] ?? 0;
      o.locations.add(w.id);
      w.holds.add(o);
      if (o.wanted) this.#actions.push({ kind: 'available', key: o.key });
    });
  }

  #addReplicas(w: WorkerRec, keys: readonly string[]): void {
    const orphans: string[] = [];
    for (const k of keys) {
      const o = this.#objects.get(k);
      if (o === undefined || !this.#needed(o)) orphans.push(k);
      else {
        o.locations.add(w.id);
        w.holds.add(o);
      }
    }
    if (orphans.length > 0) this.#actions.push({ kind: 'free', worker: w.id, keys: orphans });
  }

  #dropLocation(key: string, holder: string): void {
    const o = this.#objects.get(key);
    if (o === undefined) return;
    o.locations.delete(holder);
    this.#workers.get(holder)?.holds.delete(o);
    if (o.locations.size > 0) return;
    this.#unavailable(o, `missing on ${holder}`);
    if (this.#needed(o)) this.#ensure(o);
    for (const d of o.dependents) if (d.state === 'waiting') this.#requeue(d);
  }

  #dropFromQueue(w: WorkerRec, t: TaskRec | undefined): void {
    if (t === undefined) return;
    const i = w.queue.indexOf(t);
    if (i < 0) return;
    w.queue.splice(i, 1);
    this.#markHead(w);
  }

  #unqueue(t: TaskRec): void {
    const w = t.worker === undefined ? undefined : this.#workers.get(t.worker);
    if (w !== undefined) this.#dropFromQueue(w, t);
  }

  #markHead(w: WorkerRec): void {
    const head = w.queue[0];
    if (head !== undefined && head.state === 'queued') this.#setState(head, 'running', `head of ${w.id}`);
  }

  /** Marks `t` and every pending or released dependent erred with `failure`. */
  #fail(root: TaskRec, failure: FailureInfo, why: string): void {
    const stack = [root];
    const erred: TaskRec[] = [];
    for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
      if (t.state === 'erred' || (t !== root && t.state === 'memory')) continue;
      erred.push(t);
      this.#unqueue(t);
      if (t.worker !== undefined && t !== root) this.#actions.push({ kind: 'cancel', worker: t.worker, keys: [t.spec.key] });
      t.worker = undefined;
      t.failure = failure;
      this.#setState(t, 'erred', t === root ? why : `input from ${failure.key} failed`);
      for (const o of t.outputs) {
        this.#actions.push({ kind: 'failed', key: o.key, failure });
        for (const d of o.dependents) stack.push(d);
      }
    }
    for (const t of erred) for (const o of t.deps) this.#maybeFree(o);
  }

  /** Frees an object's copies once the client dropped it and no pending task reads it; forgets dead lineage. */
  #maybeFree(o: ObjRec): void {
    if (this.#needed(o)) return;
    this.#freeCopies(o);
    const t = o.task;
    if (t.state === 'memory' && t.outputs.every((x) => x.locations.size === 0)) this.#setState(t, 'released', 'not needed');
    this.#maybeForget(t);
  }

  #freeCopies(o: ObjRec): void {
    for (const id of o.locations) {
      this.#actions.push({ kind: 'free', worker: id, keys: [o.key] });
      this.#workers.get(id)?.holds.delete(o);
    }
    o.locations.clear();
  }

  /** Drops tasks that nothing can need any more (no wanted output, no remembered dependent). */
  #maybeForget(root: TaskRec): void {
    const stack = [root];
    for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
      if (PENDING.has(t.state) || !this.#tasks.has(t.spec.key)) continue;
      if (t.outputs.some((o) => o.wanted || o.dependents.size > 0)) continue;
      for (const o of t.outputs) {
        this.#freeCopies(o);
        this.#objects.delete(o.key);
      }
      this.#tasks.delete(t.spec.key);
      this.#record(t, t.state, 'forgotten', 'no longer referenced');
      for (const d of t.deps) {
        d.dependents.delete(t);
        if (!this.#needed(d)) this.#freeCopies(d);
        const dt = d.task;
        if (dt.state === 'memory' && dt.outputs.every((x) => x.locations.size === 0)) this.#setState(dt, 'released', 'not needed');
        stack.push(dt);
      }
    }
  }

  #readySet(t: TaskRec): Set<TaskRec> {
    if (t.deps.length > 0) return this.#ready;
    return t.spec.worker === undefined ? this.#readyRoots : this.#readyPinned;
  }

  /**
   * Places ready tasks, oldest first, while some worker has a free queue slot: first those that read
   * inputs (finishing work in progress frees memory, and a loader's blocks are assembled while it still
   * parses), then pinned tasks without inputs, then the other tasks without inputs.
   */
  #assign(): void {
    for (const ready of [this.#ready, this.#readyPinned]) {
      for (const t of ready) {
        if (!t.deps.every((o) => this.#available(o))) {
          // An input was lost after the task became ready: wait for its recomputation.
          this.#setState(t, 'waiting', 'input lost before placement');
          this.#requeue(t);
          continue;
        }
        const w = this.#place(t);
        if (w === undefined) {
          // The task waits for its pinned worker or the holder of its inputs; others may still be placed.
          if (this.#anyFreeSlot()) continue;
          return;
        }
        this.#queueOn(t, w);
      }
    }
    for (const t of this.#readyRoots) {
      const w = this.#placeRoot();
      if (w === undefined) return;
      w.rootsPlaced++;
      this.#queueOn(t, w);
    }
  }

  #queueOn(t: TaskRec, w: WorkerRec): void {
    this.#readySet(t).delete(t);
    t.worker = w.id;
    w.queue.push(t);
    this.#setState(t, 'queued', `to ${w.id}`);
    this.#markHead(w);
    const sources = t.deps.map((o) => (o.locations.has(w.id) ? w.id : this.#pickSource(o)));
    this.#actions.push({ kind: 'run', worker: w.id, spec: t.spec, sources });
  }

  /**
   * Worker for the next task without inputs: round-robin (the fewest such tasks so far, then the
   * shortest queue, then the oldest worker), waiting for that worker's free slot rather than giving the
   * task to another one, so that the blocks of a new array spread evenly whatever the timing.
   */
  #placeRoot(): WorkerRec | undefined {
    let best: WorkerRec | undefined;
    for (const w of this.#workers.values()) {
      if (best === undefined || w.rootsPlaced < best.rootsPlaced || (w.rootsPlaced === best.rootsPlaced && w.queue.length < best.queue.length)) best = w;
    }
    return best !== undefined && best.queue.length < this.#queueLimit ? best : undefined;
  }

  /**
   * The task's pinned worker if alive; else the worker holding most of `t`'s input bytes (ties: shortest
   * queue, then oldest worker). When that worker's queue is full the task goes to the best worker with a
   * free slot only if that one is idle or would fetch at most {@link MOVE_FREELY} bytes; otherwise it
   * waits for the holder (undefined): moving a large block costs more than waiting behind a few tasks.
   */
  #place(t: TaskRec): WorkerRec | undefined {
    const pinned = t.spec.worker === undefined ? undefined : this.#workers.get(t.spec.worker);
    if (pinned !== undefined) return pinned.queue.length < this.#queueLimit ? pinned : undefined;
    let total = 0;
    for (const o of t.deps) total += o.bytes;
    let holder: WorkerRec | undefined;
    let holderBytes = -1;
    let free: WorkerRec | undefined;
    let freeBytes = -1;
    const better = (bytes: number, w: WorkerRec, best: WorkerRec | undefined, bestBytes: number): boolean =>
      bytes > bestBytes || (bytes === bestBytes && best !== undefined && w.queue.length < best.queue.length);
    for (const w of this.#workers.values()) {
      let bytes = 0;
      for (const o of t.deps) if (o.locations.has(w.id)) bytes += o.bytes;
      if (better(bytes, w, holder, holderBytes)) [holder, holderBytes] = [w, bytes];
      if (w.queue.length < this.#queueLimit && better(bytes, w, free, freeBytes)) [free, freeBytes] = [w, bytes];
    }
    if (free === undefined) return undefined;
    if (freeBytes >= holderBytes || free.queue.length === 0 || total - freeBytes <= MOVE_FREELY) return free;
    return undefined;
  }

  /** True when some worker can take another task. */
  #anyFreeSlot(): boolean {
    for (const w of this.#workers.values()) if (w.queue.length < this.#queueLimit) return true;
    return false;
  }

  #pickSource(o: ObjRec): string {
    let best: WorkerRec | undefined;
    for (const id of o.locations) {
      const w = this.#workers.get(id);
      if (w !== undefined && (best === undefined || w.queue.length < best.queue.length)) best = w;
    }
    if (best === undefined) throw new Error(`scheduler: no holder of ${o.key}`);
    return best.id;
  }
}
