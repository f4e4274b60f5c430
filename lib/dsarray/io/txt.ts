/**
 * `loadTxtFile`: a delimited numeric text file into a dense ds-array. The driver only stats the file
 * and plans; workers read and parse byte ranges (layer 1) and cut blocks out of the pieces of the
 * parsed ranges they overlap (layer 2).
 */
import { availableParallelism } from 'node:os';
import { DataFormatError, ParameterError } from '../../errors.js';
import { get, submit, submitMany, workers, type Future } from '../../runtime/index.js';
import type { Block, DType } from '../block.js';
import { DsArray } from '../dsarray.js';
import { blockOffsets, normalizeBlockSize } from '../grid.js';
import { pieceRows, RowBlockCutter, type PieceSlice } from './assemble.js';
import { checkDType, statDataFile } from './options.js';
import { lineStart, planByteRanges, rangePlacement } from './ranges.js';
import { assembleDenseTask, parseTxtRangeTask } from './tasks.js';
import { txtFailureError } from './txt-errors.js';
import type { TxtParseOptions, TxtRangeMeta } from './txt-range.js';

/** Options of {@link loadTxtFile}. */
export interface LoadTxtOptions {
  /** Field separator: one ASCII character that cannot occur in a number (not a digit, sign, `.`, `e`, quote or newline). Default `','`. */
  readonly delimiter?: string;
  /** The first line is a header: skip it (one line more than `skipRows`). Default false. */
  readonly skipHeader?: boolean;
  /** Element type of the blocks. Default `'float64'`. */
  readonly dtype?: DType;
  /**
   * Comment markers, as numpy.loadtxt's `comments`: a string or a list of strings (non-empty, without CR
   * or LF, not starting with the delimiter), or `null` for none. A line's content ends at the first
   * marker in it (`1,2 # note` reads as `1,2`); a line starting with one is skipped. Default `'#'`.
   */
  readonly comments?: string | readonly string[] | null;
  /**
   * The columns to read, in this order, as numpy.loadtxt's `usecols`: one index or a non-empty list
   * (repeats allowed; a negative index counts from the end of each line). Rows may then have different
   * numbers of fields, and the fields not named are not parsed. Default: every column.
   */
  readonly usecols?: number | readonly number[];
  /**
   * Lines skipped at the start of the file, as numpy.loadtxt's `skiprows`: counted before anything
   * else, comment and blank lines included (`skipHeader` skips one more). Default 0.
   */
  readonly skipRows?: number;
  /**
   * Reads at most this many rows after the skipped lines, as numpy.loadtxt's `max_rows` (comment and
   * blank lines do not count; lines after the last row read are not checked). Default: all.
   */
  readonly maxRows?: number;
  /**
   * Bytes of file each parse task reads (advanced). Default: about four ranges per worker, 4-32 MiB each.
   */
  readonly rangeBytes?: number;
}

/** Bytes that cannot separate fields: they occur in numbers, end lines or quote fields. */
const RESERVED = new Set([...'\r\n0123456789+-.eE"\''].map((c) => c.charCodeAt(0)));

function delimiterByte(delimiter: string): number {
  const code = typeof delimiter === 'string' && delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  if (code < 1 || code > 0x7f || RESERVED.has(code)) {
    throw new ParameterError('delimiter', `expected one ASCII character that cannot occur in a number, found ${JSON.stringify(delimiter)}`);
  }
  return code;
}

/** The comment markers of a `comments` option value (see {@link LoadTxtOptions.comments}). */
function commentMarkers(comments: string | readonly string[] | null, delimiter: string): string[] {
  if (comments === null) return [];
  const list: unknown = typeof comments === 'string' ? [comments] : comments;
  if (!Array.isArray(list)) throw new ParameterError('comments', `expected a string, an array of strings or null, found ${JSON.stringify(comments)}`);
  return list.map((m: unknown) => {
    if (typeof m !== 'string' || m.length === 0 || /[\r\n]/.test(m)) {
      throw new ParameterError('comments', `expected non-empty markers without CR or LF (null for no comments), found ${JSON.stringify(m)}`);
    }
    if (m.startsWith(delimiter)) throw new ParameterError('comments', `a marker cannot start with the delimiter, found ${JSON.stringify(m)}`);
    return m;
  });
}

/** The field indices of a `usecols` option value (see {@link LoadTxtOptions.usecols}), or null for all. */
function fieldIndices(usecols: number | readonly number[] | undefined): number[] | null {
  if (usecols === undefined) return null;
  const list: unknown = typeof usecols === 'number' ? [usecols] : usecols;
  const isIndex = (u: unknown): boolean => Number.isSafeInteger(u) && Math.abs(u as number) < 2 ** 31;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isIndex)) {
    throw new ParameterError('usecols', `expected a field index or a non-empty array of them (integers, negative from the end of a line), found ${JSON.stringify(usecols)}`);
  }
  return list as number[];
}

/** A count option: an integer from `min` on, or undefined when not given. */
function countOption(name: string, v: number | undefined, min: number): number | undefined {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= min)) {
    throw new ParameterError(name, `expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, found ${String(v)}`);
  }
  return v;
}

/**
 * Checks parsed ranges in file order as they arrive, throwing the user's error for the first bad line
 * among the rows the load takes: a range whose first row is not as wide as the file's first row, or a
 * range's own failure.
 */
class RangeChecker {
  /** Fields of the file's first row (-1 until a range with a row was seen). */
  cols = -1;
  #colsLine = 0;
  /** Lines before the next range. */
  #line0: number;

  constructor(
    readonly path: string,
    readonly skipHeader: boolean,
    readonly usecols: readonly number[] | null,
    readonly delimiter: string,
    skippedLines: number,
  ) {
    this.#line0 = skippedLines;
  }

  /** Checks the next range, of which the load takes at most `rowsLeft` rows; returns the rows it takes. */
  add(meta: TxtRangeMeta, rowsLeft: number): number {
    const line0 = this.#line0;
    this.#line0 += meta.lines;
    if (meta.firstRowLine > 0) {
      if (this.cols < 0) {
        [this.cols, this.#colsLine] = [meta.cols, line0 + meta.firstRowLine];
      } else if (meta.cols !== this.cols) {
        throw new DataFormatError(this.path, `ragged row: every row must have as many fields as the first (line ${this.#colsLine})`, {
          line: line0 + meta.firstRowLine,
          column: Math.min(this.cols, meta.cols) + 1,
          expected: `${this.cols} fields`,
          found: `${meta.cols} fields`,
        });
      }
    }
    const f = meta.failure;
    // With maxRows, the rows before a failure may be all the load takes: the failure is then past them.
    if (f !== undefined && meta.rows < rowsLeft) {
      const line = line0 + f.line;
      if (f.kind !== 'usecols') throw txtFailureError(this.path, f, line, this.skipHeader, this.delimiter);
      const index = (this.usecols as readonly number[])[f.column - 1] as number;
      throw new ParameterError('usecols', `index ${index} names no field of line ${line} of ${this.path} (${f.found})`, { file: this.path, line, index });
    }
    return Math.min(meta.rows, rowsLeft);
  }
}

/** The first `take` rows of pieces of `counts` rows: the counts cut down, in order. */
function firstRows(counts: readonly number[], take: number): number[] {
  let left = take;
  return counts.map((c) => {
    const n = Math.min(c, left);
    left -= n;
    return n;
  });
}

/**
 * Loads a delimited text file of numbers (CSV by default) as a dense ds-array, parsing byte ranges of
 * the file in parallel on the workers. Values are exactly those of `numpy.loadtxt(path, delimiter=...)`
 * with the same `comments`, `usecols`, `skiprows` and `max_rows`: `nan`, `inf`, `-inf` as numpy writes
 * them, CRLF line ends, a UTF-8 BOM, blank lines, comment lines (starting with `#`, as numpy.savetxt
 * writes a header) and comments after the data of a line are accepted.
 * Workers read the file by its path (a shared file system in a multi-host cluster); with `skipRows` or
 * `skipHeader` the driver reads the lines it skips.
 *
 * @param path - the file
 * @param blockSize - `[rows, cols]` of a block (clipped to the array)
 * @throws {@link DataFormatError} (with file, line, column, expected and found) on a missing or empty
 *   file, ragged rows, non-numeric, empty or quoted fields, or a header without `skipHeader`
 * @throws {@link ParameterError} on a bad block size or option, or a `usecols` index that names no
 *   field of a line (with its file and line)
 * @example
 * ```ts
 * const x = await loadTxtFile('data.csv', [10000, 50]);
 * const h = await loadTxtFile('scores.tsv', [1000, 8], { delimiter: '\t', skipHeader: true });
 * const y = await loadTxtFile('log.csv', [1000, 2], { usecols: [0, -1], comments: ['#', '//'], maxRows: 5000 });
 * ```
 */
export async function loadTxtFile(path: string, blockSize: readonly [number, number], options: LoadTxtOptions = {}): Promise<DsArray> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  const delimiter = delimiterByte(options.delimiter ?? ',');
  const skipHeader = options.skipHeader ?? false;
  const dtype = checkDType(options.dtype);
  const comments = commentMarkers(options.comments === undefined ? '#' : options.comments, String.fromCharCode(delimiter));
  const usecols = fieldIndices(options.usecols);
  const skipRows = countOption('skipRows', options.skipRows, 0) ?? 0;
  const maxRows = countOption('maxRows', options.maxRows, 1);
  const rangeBytes = countOption('rangeBytes', options.rangeBytes, 1);
  const size = await statDataFile(path);
  if (size === 0) throw new DataFormatError(path, 'empty file', { line: 1, expected: 'a row of numbers', found: 'no data' });
  const skipped = skipRows + (skipHeader ? 1 : 0);
  const origin = await lineStart(path, size, skipped);
  if (origin >= size) throw new DataFormatError(path, 'no data rows', { line: 1, expected: 'a row of numbers', found: skipped === 1 ? 'only the skipped line' : `only the ${skipped} skipped lines` });

  // Ranges other than the first start after the first newline at or after their start: with lines
  // skipped, the first starts at the newline that ends them.
  const base = origin > 0 ? origin - 1 : 0;
  const ids = workers().map((w) => w.id);
  const ranges = planByteRanges(size - base, ids.length || availableParallelism(), rangeBytes);
  const parseOptions: TxtParseOptions = { delimiter, comments, usecols, maxRows: maxRows ?? null };
  const parsed = ranges.map(([s, e], i) => submitMany(parseTxtRangeTask, [path, base + s, base + e, size, parseOptions], rangePlacement(i, ranges.length, ids)));
  const pieces = parsed.flatMap((fs) => fs.slice(1) as Future<Float64Array>[]);
  const blocks: Future<Block>[][] = [];
  try {
    const checker = new RangeChecker(path, skipHeader, usecols, String.fromCharCode(delimiter), skipped);
    const cutter = new RowBlockCutter(blockSize[0]);
    let rows = 0;
    let colEdges: number[] = [];
    const assemble = (slices: readonly PieceSlice[]): Future<Block>[] => {
      const inputs = slices.map((s) => pieces[s.piece] as Future<Float64Array>);
      const offsets = slices.map((s) => s.offset);
      const counts = slices.map((s) => s.count);
      return colEdges.slice(1).map((c1, j) => submit(assembleDenseTask, [inputs, offsets, counts, checker.cols, colEdges[j] as number, c1, dtype]));
    };
    // Ranges are checked in file order as they are parsed, and each row block is assembled as soon as the
    // ranges it comes from are known, so that assembling overlaps parsing.
    for (const fs of parsed) {
      if (maxRows !== undefined && rows >= maxRows) break;
      const meta = await get(fs[0] as Future<TxtRangeMeta>);
      const take = checker.add(meta, maxRows === undefined ? Infinity : maxRows - rows);
      rows += take;
      if (colEdges.length === 0 && checker.cols > 0) colEdges = blockOffsets(checker.cols, Math.min(blockSize[1], checker.cols));
      for (const slices of cutter.push(firstRows(pieceRows(meta.rows), take))) blocks.push(assemble(slices));
    }
    if (rows === 0) {
      const found = skipped > 0 ? 'only skipped, blank or comment lines' : 'only blank or comment lines';
      throw new DataFormatError(path, 'no data rows', { line: 1, expected: 'a row of numbers', found });
    }
    for (const slices of cutter.finish()) blocks.push(assemble(slices));
    const shape: [number, number] = [rows, checker.cols];
    return DsArray.fromBlocks(blocks, shape, normalizeBlockSize(blockSize, shape), { dtype, sparse: false });
  } catch (err) {
    for (const f of blocks.flat()) f.dispose();
    throw err;
  } finally {
    // The assemble tasks hold what they need; the driver's handles on the parsed ranges can go.
    for (const f of parsed.flat()) f.dispose();
  }
}

/** Alias of {@link loadTxtFile} with dislib's name. */
export const load_txt_file = loadTxtFile;
