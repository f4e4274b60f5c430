/**
 * Task definitions and the per-process registry that maps task names to functions. Workers only ever
 * run functions registered here, looked up by name.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import type { DefineTaskOptions, TaskOptions } from './types.js';

/** A registered task: its name, function and options. Create with {@link defineTask}. */
export interface TaskDef<A extends unknown[] = unknown[], R = unknown> {
  /** Unique task name; the driver sends it and the worker looks the function up by it. */
  readonly name: string;
  /** Number of results (the function returns an array of this length when > 1). */
  readonly nReturns: number;
  /** Default options of every submit of this task. */
  readonly options: Readonly<TaskOptions>;
  /** The function never writes into its arguments' typed arrays (see {@link DefineTaskOptions.readOnly}). */
  readonly readOnly: boolean;
  /** The function. */
  readonly fn: (...args: A) => R | Promise<R>;
  /**
   * `file:` URL of the module defining the task, when defined through {@link taskModule}: a submit
   * carries it, and a worker imports it on first use (if the module is part of dislib-ts or listed in
   * `init({ taskModules })`). Undefined for {@link defineTask}: workers must import the module at start.
   */
  readonly module: string | undefined;
}

/**
 * Checks a task's `timeoutMs` option.
 *
 * @throws {@link ParameterError} unless undefined or a positive finite number
 */
export function checkTimeout(timeoutMs: unknown, task: string): void {
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ParameterError('timeoutMs', `task ${task}: expected a positive number of ms, found ${String(timeoutMs)}`);
  }
}

const registry = new Map<string, TaskDef<never[], unknown>>();
/** The lib folder of this package: its task modules need no declaration (workers import them on demand). */
const PACKAGE_LIB = new URL('../', import.meta.url).href;
/** Task modules outside the package declared through taskModule() in this process. */
const declared = new Set<string>();

/**
 * Task modules outside dislib-ts declared through {@link taskModule} in this process so far: the driver
 * lists them to the workers it welcomes, with those of `init({ taskModules })`.
 */
export function declaredTaskModules(): string[] {
  return [...declared];
}
const NAME = /^[A-Za-z_][\w.:/-]{0,199}$/;

/**
 * Registers a task. Call at the top level of a module listed in `init({ taskModules })` (workers import
 * those at start), so that the same name resolves to the same function everywhere. Modules of dislib-ts
 * itself define their tasks through {@link taskModule} instead, and are imported on first use.
 *
 * @param name - unique name, e.g. `'dsarray.add'` (letters, digits, `_ . : / -`; at most 200 chars)
 * @param fn - receives the resolved argument values; returns a value, or an array of `nReturns` values
 * @param options - `nReturns` (default 1), `readOnly` (default false) and default {@link TaskOptions}
 *   (such as `timeoutMs`)
 * @throws {@link ParameterError} on a bad name, a name registered with another function, or bad `nReturns`, `readOnly` or `timeoutMs`
 * @example
 * ```ts
 * export const add = defineTask('demo.add', (a: number, b: number) => a + b);
 * const f = submit(add, [1, 2]);
 * await get(f); // 3
 * ```
 */
export function defineTask<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R | Promise<R>,
  options: DefineTaskOptions = {},
): TaskDef<A, Awaited<R>> {
  return register(name, fn, options, undefined);
}

/** {@link defineTask} bound to the module that calls it. */
export type ModuleDefineTask = <A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R | Promise<R>,
  options?: DefineTaskOptions,
) => TaskDef<A, Awaited<R>>;

/**
 * The `defineTask` of one task module: tasks it defines carry the module's URL, so a worker that meets
 * one of them for the first time imports the module by that URL (no central list of modules; no code
 * crosses the wire). Workers import only URLs inside dislib-ts, listed in `init({ taskModules })`, or
 * declared through `taskModule()` in the driver before the worker joined (so a module imported by the
 * program, as usual, works with the embedded default runtime too).
 *
 * @param moduleUrl - the defining module's `import.meta.url` (a `file:` URL)
 * @throws {@link ParameterError} when `moduleUrl` is not a `file:` URL
 * @example
 * ```ts
 * const defineTask = taskModule(import.meta.url);
 * export const scaleTask = defineTask('preprocessing.scale', (b: Block, s: Float64Array) => ...);
 * ```
 */
export function taskModule(moduleUrl: string): ModuleDefineTask {
  let url: URL | undefined;
  try {
    url = new URL(moduleUrl);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'file:') throw new ParameterError('moduleUrl', `expected the file: URL of the task module (import.meta.url), found ${JSON.stringify(moduleUrl)}`);
  const href = url.href;
  if (!href.startsWith(PACKAGE_LIB)) declared.add(href);
  return (name, fn, options = {}) => register(name, fn, options, href);
}

function register<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R | Promise<R>,
  options: DefineTaskOptions,
  module: string | undefined,
): TaskDef<A, Awaited<R>> {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ParameterError('name', `invalid task name ${JSON.stringify(name)} (letters, digits, _ . : / -)`);
  }
  if (typeof fn !== 'function') throw new ParameterError('fn', `task ${name}: expected a function, found ${typeof fn}`);
  const nReturns = options.nReturns ?? 1;
  if (!Number.isInteger(nReturns) || nReturns < 1 || nReturns > 1024) {
    throw new ParameterError('nReturns', `task ${name}: expected an integer in [1, 1024], found ${String(nReturns)}`);
  }
  checkTimeout(options.timeoutMs, name);
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean') {
    throw new ParameterError('readOnly', `task ${name}: expected a boolean, found ${typeof options.readOnly}`);
  }
  const existing = registry.get(name);
  if (existing !== undefined) {
    if (existing.fn === (fn as unknown)) return existing as unknown as TaskDef<A, Awaited<R>>;
    throw new ParameterError('name', `task ${name} is already defined by another function`);
  }
  const def: TaskDef<A, Awaited<R>> = Object.freeze({
    name,
    nReturns,
    options: Object.freeze({ recomputeOnly: options.recomputeOnly ?? false, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) }),
    readOnly: options.readOnly ?? false,
    fn: fn as (...args: A) => Awaited<R> | Promise<Awaited<R>>,
    module,
  });
  registry.set(name, def as unknown as TaskDef<never[], unknown>);
  return def;
}

/** Looks a task up by name in this process's registry (undefined when its module was not imported). */
export function lookupTask(name: string): TaskDef<unknown[], unknown> | undefined {
  return registry.get(name) as TaskDef<unknown[], unknown> | undefined;
}

/**
 * Runs a task function on resolved arguments and checks the result count: returns one value per output.
 *
 * @throws the task's own error unchanged, or a ParameterError when a multi-return task returned a wrong shape
 */
export async function runTaskFunction(def: TaskDef<unknown[], unknown>, args: unknown[]): Promise<unknown[]> {
  const result = await def.fn(...args);
  if (def.nReturns === 1) return [result];
  if (!Array.isArray(result) || result.length !== def.nReturns) {
    const found = Array.isArray(result) ? `an array of ${result.length}` : typeof result;
    throw new ParameterError('nReturns', `task ${def.name} must return an array of ${def.nReturns} values, returned ${found}`);
  }
  return result;
}
