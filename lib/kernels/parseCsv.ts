/** The `parseCsv` kernel. @packageDocumentation */
import { csvArgs } from './check.js';
import { defineKernel } from './define.js';
import { parseCsv as js } from './js/csv.js';
import type { CsvParseFailure, CsvParseOptions, CsvParseResult } from './types.js';

/**
 * Parse bytes [start, end) of a numeric delimited text. Every field gives exactly the double that
 * `Number.parseFloat` gives for it; `nan`, `NaN`, `inf`, `-inf`, `Infinity` as numpy writes them.
 * Handles CRLF and blank last lines (blank lines, or lines blank up to a comment, may only close the
 * range). Returns a failure (never throws, never NaN-fills) on ragged rows, non-numeric or empty
 * fields, or a line without a field that `usecols` names.
 */
export type ParseCsv = (bytes: Uint8Array, start: number, end: number, delimiter: number, options?: CsvParseOptions) => CsvParseResult | CsvParseFailure;

/** The addon's entry: `comments` are the markers joined by LF (no marker holds one). */
type NativeParseCsv = (
  bytes: Uint8Array, start: number, end: number, delimiter: number, comments: Uint8Array | undefined, usecols: Int32Array | undefined,
) => CsvParseResult | CsvParseFailure;

const LF = new Uint8Array([10]);

export const parseCsv = defineKernel<ParseCsv, NativeParseCsv>({
  name: 'parseCsv',
  check(bytes, start, end, delimiter, options) {
    csvArgs(bytes, start, end, delimiter, options);
  },
  js,
  native: (entry) => (bytes, start, end, delimiter, options = {}) => {
    const comments = options.comments?.length ? Buffer.concat(options.comments.flatMap((m, i) => (i === 0 ? [m] : [LF, m]))) : undefined;
    return entry(bytes, start, end, delimiter, comments, options.usecols);
  },
});
