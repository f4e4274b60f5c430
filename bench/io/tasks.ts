/**
 * Tasks of the I/O bench; workers import this module through `init({ taskModules })`.
 *
 * @packageDocumentation
 */
import type { Block } from '../../lib/dsarray/block.js';
import { defineTask } from '../../lib/runtime/index.js';

/** URL of this module, for `init({ taskModules: [ioBenchTaskModule] })`. */
export const ioBenchTaskModule = import.meta.url;

/** Sum of a dense block's values: makes every block exist and gives a checksum to compare with numpy. */
export const blockSum = defineTask('bench.io.blockSum', (block: Block) => {
  let s = 0;
  const d = block.data;
  for (let i = 0; i < d.length; i++) s += d[i] as number;
  return s;
}, { readOnly: true });
