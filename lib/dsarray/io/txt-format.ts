/**
 * Worker side of `saveTxt`: format one row block as delimited text that `numpy.loadtxt` reads back to
 * the same values.
 */
import type { Block } from '../block.js';
import { toDense } from '../blockops.js';

/** Shortest text that parses back to `v` (numpy's spellings for NaN and infinities). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return Object.is(v, -0) ? '-0.0' : String(v);
}

/** The rows of one row block (its blocks left to right) as UTF-8 text, one line per row. */
export function formatTxtRows(blocks: readonly Block[], delimiter: string): Uint8Array {
  const dense = blocks.map(toDense);
  const rows = dense[0]?.rows ?? 0;
  const lines: string[] = new Array<string>(rows);
  const fields: string[] = [];
  for (let r = 0; r < rows; r++) {
    fields.length = 0;
    for (const b of dense) {
      for (let c = 0; c < b.cols; c++) fields.push(formatNumber(b.data[r * b.cols + c] as number));
    }
    lines[r] = fields.join(delimiter);
  }
  return new TextEncoder().encode(rows === 0 ? '' : `${lines.join('\n')}\n`);
}
