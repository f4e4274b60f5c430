/**
 * Worker side of `loadTxtFile`: read one byte range of a delimited numeric text file, align it to whole
 * lines and parse it with the kernel parser. Bad data never throws: it comes back as a
 * {@link TxtRangeFailure} with a line number relative to the range, which the driver makes absolute.
 */
import { kernels } from '../../kernels/index.js';
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

/** What the driver needs to plan the assembly: sizes, line counts, or the range's first failure. */
export interface TxtRangeMeta {
  /** Lines the range covers (a skipped header and empty lines included): numbers the next range's lines. */
  lines: number;
  /** Data rows parsed (0 on failure). */
  rows: number;
  /** Fields of the first data row (set even on failure: a first row narrower or wider than the file's is the driver's to report). */
  cols: number;
  /** Line (from 1, within the range) of the first data row, 0 when the range has no row. */
  firstRowLine: number;
  failure?: TxtRangeFailure;
}

const BOM = [0xef, 0xbb, 0xbf];
const HASH = 0x23;
const CR = 0x0d;
/** The pieces of a range that failed or holds no row. */
const NONE: Float64Array[] = splitRows(new Float64Array(0), 0, 0);

/**
 * Start of the first line after the line at `from` that the kernel must not see: an empty line or a
 * comment line (numpy skips both; the kernel parses neither).
 */
function nextSkippedLine(buf: Buffer, from: number, to: number): number {
  let at = buf.indexOf('\n\n', from);
  if (at < 0 || at >= to) at = to;
  // A pattern search costs several times a search for one byte: skip it when its marker byte is absent.
  for (const [marker, pattern] of [[CR, '\n\r\n'], [HASH, '\n#']] as const) {
    const m = buf.indexOf(marker, from);
    if (m < 0 || m >= at) continue;
    const i = buf.indexOf(pattern, from);
    if (i >= 0 && i < at) at = i;
  }
  return at + 1 < to ? at + 1 : to;
}

/** An empty line or a comment line (`#` first, as numpy.savetxt writes its header): numpy skips both. */
function isSkippedLine(bytes: Uint8Array, from: number, to: number): boolean {
  return isBlankLine(bytes, from, to) || bytes[from] === HASH;
}

/** The text (trimmed) of field `column` of line `line` (both from 1) of the lines starting at `from`. */
function fieldAt(bytes: Uint8Array, from: number, to: number, line: number, column: number, delimiter: number): string {
  let p = from;
  for (let l = 1; l < line; l++) p = nextLine(bytes, p, to);
  const end = nextLine(bytes, p, to);
  let field = 1;
  let s = p;
  for (; s < end && field < column; s++) if (bytes[s] === delimiter) field++;
  let e = s;
  while (e < end && bytes[e] !== delimiter && bytes[e] !== 0x0a) e++;
  return new TextDecoder().decode(bytes.subarray(s, e)).trim();
}

/** Fields of the line starting at `from`: one more than its delimiters (as the kernel counts them). */
function countFields(bytes: Uint8Array, from: number, to: number, delimiter: number): number {
  let n = 1;
  for (let i = from; i < to && bytes[i] !== 0x0a; i++) if (bytes[i] === delimiter) n++;
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
 * skips a UTF-8 BOM and, with `skipHeader`, the first line. Empty lines and lines starting with `#`
 * are skipped (as numpy does).
 *
 * @returns the range's meta, then its rows x cols values (row-major; empty on failure) in
 *   {@link PIECES_PER_RANGE} pieces of consecutive rows
 */
export function parseTxtRange(
  path: string,
  start: number,
  end: number,
  size: number,
  delimiter: number,
  skipHeader: boolean,
): Promise<[TxtRangeMeta, ...Float64Array[]]> {
  return withScratch(rangeBufferBytes(start, end, size), async (scratch) => {
    let range;
    try {
      range = await withFile(path, (fh) => readAlignedRange(fh, start, end, size, scratch));
    } catch (err) {
      const found = err instanceof Error ? err.message : String(err);
      return [{ lines: 0, rows: 0, cols: 0, firstRowLine: 0, failure: failure('io', 0, 0, 'a readable file', found) }, ...NONE];
    }
    return parseLines(range, start === 0, delimiter, skipHeader);
  });
}

/** Parses aligned lines (the file's first range when `first`); the values never alias `range.bytes`. */
function parseLines(range: AlignedRange, first: boolean, delimiter: number, skipHeader: boolean): [TxtRangeMeta, ...Float64Array[]] {
  const { bytes, to } = range;
  const buf = asBuffer(bytes);
  let p = range.from;
  if (first && to >= 3 && BOM.every((b, i) => bytes[i] === b)) p = 3;
  const start = p;
  // Line number of `p`: rows count as lines (a segment has no skipped line), so no extra pass counts them.
  let line = 1;
  if (first && skipHeader && p < to) {
    p = nextLine(bytes, p, to);
    line++;
  }
  const parts: Float64Array[] = [];
  let [rows, cols, firstRowLine] = [0, -1, 0];
  const meta = (f?: TxtRangeMeta['failure']): TxtRangeMeta =>
    f === undefined
      ? { lines: line - 1, rows, cols: Math.max(cols, 0), firstRowLine }
      : { lines: countLines(bytes, start, to), rows: 0, cols: Math.max(cols, 0), firstRowLine, failure: f };
  while (p < to) {
    while (p < to && isSkippedLine(bytes, p, to)) {
      p = nextLine(bytes, p, to);
      line++;
    }
    if (p >= to) break;
    // Every segment between skipped lines must start as wide as the range's first row (the kernel would
    // otherwise judge the segment's next lines against a ragged first one).
    const width = countFields(bytes, p, to, delimiter);
    if (cols < 0) [cols, firstRowLine] = [width, line];
    else if (width !== cols) return [meta(failure('ragged', line, Math.min(cols, width) + 1, `${cols} fields`, `${width} fields`)), ...NONE];
    const q = nextSkippedLine(buf, p, to);
    const r = kernels().parseCsv(bytes, p, q, delimiter);
    if ('error' in r) {
      const at = line + r.line - 1;
      if (r.error === 'ragged') return [meta(failure('ragged', at, r.column, r.expected, r.found)), ...NONE];
      if (r.error === 'empty') return [meta(failure('empty', at, r.column, r.expected, r.found)), ...NONE];
      const text = fieldAt(bytes, p, q, r.line, r.column, delimiter);
      const kind = text.startsWith('"') || text.startsWith("'") ? 'quoted' : 'non-numeric';
      const f = failure(kind, at, r.column, 'a number', clip(JSON.stringify(text)));
      // Rows of a segment are as wide as its first: one field means this line has no delimiter at all.
      if (kind === 'non-numeric' && cols === 1) Object.assign(f, { noDelimiter: true }, otherSeparator(text));
      return [meta(f), ...NONE];
    }
    parts.push(r.values);
    rows += r.rows;
    line += r.rows;
    p = q;
  }
  let values = parts[0] ?? new Float64Array(0);
  if (parts.length > 1) {
    values = new Float64Array(rows * cols);
    let o = 0;
    for (const v of parts) {
      values.set(v, o);
      o += v.length;
    }
  }
  return [meta(), ...splitRows(values, rows, Math.max(cols, 0))];
}
