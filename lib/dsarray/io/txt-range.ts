/**
 * Worker side of `loadTxtFile`: read one byte range of a delimited numeric text file, align it to whole
 * lines and parse it with the kernel parser. Bad data never throws: it comes back as a
 * {@link TxtRangeFailure} with a line number relative to the range, which the driver makes absolute.
 */
import { kernels, type CsvParseOptions } from '../../kernels/index.js';
import { PIECES_PER_RANGE, splitRows } from './assemble.js';
import { clip } from './txt-errors.js';
import { asBuffer, countLines, isBlankLine, nextLine, rangeBufferBytes, readAlignedRange, withFile, withScratch, type AlignedRange } from './ranges.js';

/** What went wrong in a range; `line` counts from 1 at the range's first line. */
export interface TxtRangeFailure {
  kind: 'ragged' | 'non-numeric' | 'empty' | 'quoted' | 'io';
  line: number;
  column: number;
  expected: string;
  found: string;
  /** A non-numeric field on a line without the delimiter: a separator that line holds instead, if any. */
  otherSeparator?: string;
  /** A non-numeric field on a line without the delimiter (the delimiter may be wrong). */
  noDelimiter?: boolean;
}

/** A line lacks a field that `usecols` names (the driver makes it a ParameterError). */
export interface TxtUsecolsFailure {
  kind: 'usecols';
  line: number;
  /** 1-based position of the entry in `usecols`. */
  column: number;
  expected: string;
  found: string;
}

/** What the driver needs to plan the assembly: sizes, line counts, or the range's first failure. */
export interface TxtRangeMeta {
  /** Lines the range covers (a skipped header and empty lines included): numbers the next range's lines. */
  lines: number;
  /** Data rows parsed: on failure, those before the failing line with `maxRows` (they may be all the load needs), else 0. */
  rows: number;
  /** Fields of the first data row, or `usecols.length` (set even on failure: a first row narrower or wider than the file's is the driver's to report). */
  cols: number;
  /** Line (from 1, within the range) of the first data row, 0 when the range has no row. */
  firstRowLine: number;
  failure?: TxtRangeFailure | TxtUsecolsFailure;
}

/** How a parse task reads its lines (plain data, the same for every range of a load). */
export interface TxtParseOptions {
  /** The field separator byte. */
  delimiter: number;
  /** Comment markers (UTF-8): a line's content ends at the first; a line starting with one is skipped. */
  comments: string[];
  /** Fields to keep, numpy's `usecols` (negative from the end of each line), or null for all. */
  usecols: number[] | null;
  /** Rows a range parses at most (the load's `maxRows`), or null for all. */
  maxRows: number | null;
}

const BOM = [0xef, 0xbb, 0xbf];
const CR = 0x0d;
const LF = 0x0a;
/** The pieces of a range that failed or holds no row. */
const NONE: Float64Array[] = splitRows(new Float64Array(0), 0, 0);

/**
 * Start of the first line after the line at `from` that the kernel must not see: an empty line or a
 * comment line (numpy skips both; the kernel parses neither). `markers` are the comment markers.
 */
function nextSkippedLine(buf: Buffer, from: number, to: number, markers: readonly Buffer[]): number {
  let at = buf.indexOf('\n\n', from);
  if (at < 0 || at >= to) at = to;
  // A pattern search costs several times a search for one byte: skip it when its first byte is absent.
  const patterns: [number, string | Buffer][] = [[CR, '\n\r\n'], ...markers.map((m): [number, Buffer] => [m[0] as number, Buffer.concat([Buffer.of(LF), m])])];
  for (const [first, pattern] of patterns) {
    const m = buf.indexOf(first, from);
    if (m < 0 || m >= at) continue;
    const i = buf.indexOf(pattern, from);
    if (i >= 0 && i < at) at = i;
  }
  return at + 1 < to ? at + 1 : to;
}

/** An empty line or a comment line (a marker first, as numpy.savetxt writes its header): numpy skips both. */
function isSkippedLine(bytes: Uint8Array, from: number, to: number, markers: readonly Buffer[]): boolean {
  return isBlankLine(bytes, from, to) || markers.some((m) => from + m.length <= to && m.every((b, i) => bytes[from + i] === b));
}

/** End of the content of the line starting at `from`: its LF (or `to`), or its first comment marker. */
function contentEnd(buf: Buffer, from: number, to: number, markers: readonly Buffer[]): number {
  let end = buf.indexOf(LF, from);
  if (end < 0 || end > to) end = to;
  for (const m of markers) {
    const i = buf.subarray(from, end).indexOf(m);
    if (i >= 0) end = from + i;
  }
  return end;
}

/** The text (trimmed) of field `column` of line `line` (both from 1) of the lines starting at `from`. */
function fieldAt(buf: Buffer, from: number, to: number, line: number, column: number, delimiter: number, markers: readonly Buffer[]): string {
  let p = from;
  for (let l = 1; l < line; l++) p = nextLine(buf, p, to);
  const end = contentEnd(buf, p, to, markers);
  let field = 1;
  let s = p;
  for (; s < end && field < column; s++) if (buf[s] === delimiter) field++;
  let e = s;
  while (e < end && buf[e] !== delimiter) e++;
  return new TextDecoder().decode(buf.subarray(s, e)).trim();
}

/** Fields of the line starting at `from` up to `end`: one more than its delimiters (as the kernel counts them). */
function countFields(bytes: Uint8Array, from: number, end: number, delimiter: number): number {
  let n = 1;
  for (let i = from; i < end; i++) if (bytes[i] === delimiter) n++;
  return n;
}

/** Separators a delimited file commonly uses, in the order they are guessed. */
const SEPARATORS = ['\t', ',', ';', '|', ' '];

/** The first common separator that a field read as the whole line holds. */
function otherSeparator(text: string): { otherSeparator?: string } {
  const sep = SEPARATORS.find((c) => text.includes(c));
  return sep === undefined ? {} : { otherSeparator: sep };
}

function failure(kind: TxtRangeFailure['kind'], line: number, column: number, expected: string, found: string): TxtRangeFailure {
  return { kind, line, column, expected, found };
}

/**
 * Parses the lines of byte range `[start, end)` of the file at `path` (`size` bytes). The range at 0
 * skips a UTF-8 BOM. Empty lines and lines starting with a comment marker are skipped (as numpy does);
 * a comment ends any other line.
 *
 * @returns the range's meta, then its rows x cols values (row-major; empty on failure unless rows
 *   before it are kept for `maxRows`) in {@link PIECES_PER_RANGE} pieces of consecutive rows
 */
export function parseTxtRange(path: string, start: number, end: number, size: number, options: TxtParseOptions): Promise<[TxtRangeMeta, ...Float64Array[]]> {
  return withScratch(rangeBufferBytes(start, end, size), async (scratch) => {
    let range;
    try {
      range = await withFile(path, (fh) => readAlignedRange(fh, start, end, size, scratch));
    } catch (err) {
      const found = err instanceof Error ? err.message : String(err);
      return [{ lines: 0, rows: 0, cols: 0, firstRowLine: 0, failure: failure('io', 0, 0, 'a readable file', found) }, ...NONE];
    }
    return parseLines(range, start === 0, options);
  });
}

/** Offset of the start of line `lines + 1` of the lines starting at `from` (`to` when there are fewer). */
function skipLines(bytes: Uint8Array, from: number, to: number, lines: number): number {
  let p = from;
  for (let l = 0; l < lines && p < to; l++) p = nextLine(bytes, p, to);
  return p;
}

/** Parses aligned lines (the file's first range when `first`); the values never alias `range.bytes`. */
function parseLines(range: AlignedRange, first: boolean, options: TxtParseOptions): [TxtRangeMeta, ...Float64Array[]] {
  const { bytes, to } = range;
  const { delimiter, usecols, maxRows } = options;
  const buf = asBuffer(bytes);
  const markers = options.comments.map((c) => Buffer.from(c, 'utf8'));
  const kernelOptions: CsvParseOptions = {
    ...(markers.length > 0 ? { comments: markers } : {}),
    ...(usecols !== null ? { usecols: Int32Array.from(usecols) } : {}),
  };
  let p = range.from;
  if (first && to >= 3 && BOM.every((b, i) => bytes[i] === b)) p = 3;
  const start = p;
  // Line number of `p`: rows count as lines (a segment has no skipped line), so no extra pass counts them.
  let line = 1;
  const parts: Float64Array[] = [];
  let [rows, cols, firstRowLine] = [0, -1, 0];
  /** The rows parsed so far as one row-major array. */
  const joined = (): Float64Array => {
    if (parts.length <= 1) return parts[0] ?? new Float64Array(0);
    const values = new Float64Array(rows * cols);
    let o = 0;
    for (const v of parts) {
      values.set(v, o);
      o += v.length;
    }
    return values;
  };
  // With maxRows, the rows before a failure may be all the load needs: they come back with it.
  const failed = (f: NonNullable<TxtRangeMeta['failure']>): [TxtRangeMeta, ...Float64Array[]] => {
    const kept = maxRows === null ? 0 : rows;
    const meta = { lines: countLines(bytes, start, to), rows: kept, cols: Math.max(cols, 0), firstRowLine, failure: f };
    return [meta, ...(kept > 0 ? splitRows(joined(), kept, cols) : NONE)];
  };
  while (p < to && (maxRows === null || rows < maxRows)) {
    while (p < to && isSkippedLine(bytes, p, to, markers)) {
      p = nextLine(bytes, p, to);
      line++;
    }
    if (p >= to) break;
    // Every segment between skipped lines must start as wide as the range's first row (the kernel would
    // otherwise judge the segment's next lines against a ragged first one); with usecols, rows may differ.
    const width = usecols !== null ? usecols.length : countFields(bytes, p, contentEnd(buf, p, to, markers), delimiter);
    if (cols < 0) [cols, firstRowLine] = [width, line];
    else if (width !== cols) return failed(failure('ragged', line, Math.min(cols, width) + 1, `${cols} fields`, `${width} fields`));
    let q = nextSkippedLine(buf, p, to, markers);
    if (maxRows !== null) q = skipLines(bytes, p, q, maxRows - rows);
    const r = kernels().parseCsv(bytes, p, q, delimiter, kernelOptions);
    if ('error' in r) {
      const at = line + r.line - 1;
      if (maxRows !== null && r.line > 1) {
        // Keep the rows before the failing line (they parse: the kernel stops at the first bad line).
        const ok = kernels().parseCsv(bytes, p, skipLines(bytes, p, q, r.line - 1), delimiter, kernelOptions);
        if (!('error' in ok) && ok.rows > 0) {
          parts.push(ok.values);
          rows += ok.rows;
        }
      }
      if (r.error === 'usecols') return failed({ kind: 'usecols', line: at, column: r.column, expected: r.expected, found: r.found });
      if (r.error === 'ragged') return failed(failure('ragged', at, r.column, r.expected, r.found));
      if (r.error === 'empty') return failed(failure('empty', at, r.column, r.expected, r.found));
      const text = fieldAt(buf, p, q, r.line, r.column, delimiter, markers);
      const kind = text.startsWith('"') || text.startsWith("'") ? 'quoted' : 'non-numeric';
      const f = failure(kind, at, r.column, 'a number', clip(JSON.stringify(text)));
      // Rows of a segment are as wide as its first: one field means this line has no delimiter at all.
      if (kind === 'non-numeric' && cols === 1 && usecols === null) Object.assign(f, { noDelimiter: true }, otherSeparator(text));
      return failed(f);
    }
    parts.push(r.values);
    rows += r.rows;
    line += r.rows;
    p = q;
  }
  return [{ lines: line - 1, rows, cols: Math.max(cols, 0), firstRowLine }, ...splitRows(joined(), rows, Math.max(cols, 0))];
}
