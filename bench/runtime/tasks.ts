/**
 * Tasks of the runtime bench; workers import this module through `init({ taskModules })`.
 *
 * @packageDocumentation
 */
import { defineTask } from '../../lib/runtime/index.js';

/** URL of this module, for `init({ taskModules: [benchTaskModule] })`. */
export const benchTaskModule = import.meta.url;

/** An empty task: measures the runtime's per-task overhead. */
export const empty = defineTask('bench.empty', (i: number) => i);

/** A block of `n` float64 (filled so the pages are really allocated). */
export const makeBlock = defineTask('bench.makeBlock', (n: number) => new Float64Array(n).fill(1.5));

/** Byte length of a block: a task that needs the block's bytes where it runs, and little else. */
export const nbytes = defineTask('bench.nbytes', (a: Float64Array) => a.byteLength);
