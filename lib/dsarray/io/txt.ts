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
import { planByteRanges, rangePlacement } from './ranges.js';
import { assembleDenseTask, parseTxtRangeTask } from './tasks.js';
import { txtFailureError } from './txt-errors.js';
import type { TxtRangeMeta } from './txt-range.js';

/** Options of {@link loadTxtFile}. */
export interface LoadTxtOptions {
  /** Field separator: one ASCII character that cannot occur in a number (not a digit, sign, `.`, `e`, quote or newline). Default `','`. */
  readonly delimiter?: string;
  /** The first line is a header: skip it. Default false. */
  readonly skipHeader?: boolean;
  /** Element type of the blocks. Default `'float64'`. */
  readonly dtype?: DType;
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

/**
 * Checks parsed ranges in file order as they arrive, throwing the user's error for the first bad line:
 * a range whose first row is not as wide as the file's first row, or a range's own failure.
 */
class RangeChecker {
  /** Fields of the file's first row (-1 until a range with a row was seen). */
  cols = -1;
  #colsLine = 0;
  /** Lines before the next range. */
  #line0 = 0;

  constructor(
    readonly path: string,
    readonly skipHeader: boolean,
    readonly delimiter: string,
  ) {}

  add(meta: TxtRangeMeta): void {
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
    if (meta.failure !== undefined) throw txtFailureError(this.path, meta.failure, line0 + meta.failure.line, this.skipHeader, this.delimiter);
  }
}

/**
 * Loads a delimited text file of numbers (CSV by default) as a dense ds-array, parsing byte ranges of
 * the file in parallel on the workers. Values are exactly those of `numpy.loadtxt(path, delimiter=...)`:
 * `nan`, `inf`, `-inf` as numpy writes them, CRLF line ends, a UTF-8 BOM, blank lines and comment lines
 * (starting with `#`, as numpy.savetxt writes a header) are accepted.
 * Workers read the file by its path (a shared file system in a multi-host cluster).
 *
 * @param path - the file
 * @param blockSize - `[rows, cols]` of a block (clipped to the array)
 * @throws {@link DataFormatError} (with file, line, column, expected and found) on a missing or empty
 *   file, ragged rows, non-numeric, empty or quoted fields, or a header without `skipHeader`
 * @throws {@link ParameterError} on a bad block size or option
 * @example
 * ```ts
 * const x = await loadTxtFile('data.csv', [10000, 50]);
 * const h = await loadTxtFile('scores.tsv', [1000, 8], { delimiter: '\t', skipHeader: true });
 * ```
 */
export async function loadTxtFile(path: string, blockSize: readonly [number, number], options: LoadTxtOptions = {}): Promise<DsArray> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  const delimiter = delimiterByte(options.delimiter ?? ',');
  const skipHeader = options.skipHeader ?? false;
  const dtype = checkDType(options.dtype);
  const rangeBytes = options.rangeBytes;
  if (rangeBytes !== undefined && !(Number.isSafeInteger(rangeBytes) && rangeBytes >= 1)) {
    throw new ParameterError('rangeBytes', `expected a positive integer, found ${String(rangeBytes)}`);
  }
  const size = await statDataFile(path);
  if (size === 0) throw new DataFormatError(path, 'empty file', { line: 1, expected: 'a row of numbers', found: 'no data' });

  const ids = workers().map((w) => w.id);
  const ranges = planByteRanges(size, ids.length || availableParallelism(), rangeBytes);
  const parsed = ranges.map(([s, e], i) =>
    submitMany(parseTxtRangeTask, [path, s, e, size, delimiter, skipHeader], rangePlacement(i, ranges.length, ids)),
  );
  const pieces = parsed.flatMap((fs) => fs.slice(1) as Future<Float64Array>[]);
  const blocks: Future<Block>[][] = [];
  try {
    const checker = new RangeChecker(path, skipHeader, String.fromCharCode(delimiter));
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
      const meta = await get(fs[0] as Future<TxtRangeMeta>);
      checker.add(meta);
      rows += meta.rows;
      if (colEdges.length === 0 && checker.cols > 0) colEdges = blockOffsets(checker.cols, Math.min(blockSize[1], checker.cols));
      for (const slices of cutter.push(pieceRows(meta.rows))) blocks.push(assemble(slices));
    }
    if (rows === 0) {
      throw new DataFormatError(path, 'no data rows', { line: 1, expected: 'a row of numbers', found: skipHeader ? 'only a header' : 'only blank lines' });
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
