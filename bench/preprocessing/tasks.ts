/**
 * Tasks of the preprocessing bench; workers import this module through `init({ taskModules })`.
 *
 * @packageDocumentation
 */
import type { Block } from '../../lib/dsarray/block.js';
import { taskModule } from '../../lib/runtime/index.js';

const defineTask = taskModule(import.meta.url);

/** URL of this module, for `init({ taskModules: [scalerBenchTaskModule] })`. */
export const scalerBenchTaskModule = import.meta.url;

/** Rows of a block: makes the worker holding it compute the block, and returns almost nothing. */
export const rowsOf = defineTask('benchPreprocessing.rowsOf', (b: Block) => b.rows, { readOnly: true });
