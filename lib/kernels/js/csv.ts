/**
 * Exact, fast parser for numeric delimited text in TypeScript (the parseCsv kernel).
 *
 * Every field gives the double that `Number.parseFloat` gives. The scanner reads the decimal mantissa w as
 * an integer and the power of ten e10 straight from the bytes; when w < 2^53 and |e10| <= 22 both are exact
 * doubles, so one multiply or divide is correctly rounded (Clinger's fast path). Any other number is handed
 * to `Number.parseFloat` on its own text, already validated by the scanner, so the result is always
 * bit-identical. Fields are split exactly at the delimiter; spaces and tabs around a field are ignored;
 * `nan`, `inf`, `infinity` are accepted in any case with an optional sign (numpy's spellings). Lines end in
 * LF or CRLF; blank lines may only close the range. Malformed input gives a failure object (ragged,
 * non-numeric or empty with a 1-based line and field number), never an exception.
 *
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { CsvParseFailure, CsvParseResult } from '../types.js';

const POW10 = new Float64Array(23).map((_, i) => 10 ** i);
const TWO53 = 2 ** 53;
/** Exponents beyond this overflow or underflow any double whatever the mantissa; capping avoids overflow. */
const EXP_CAP = 1_000_000;
const LF = 10, CR = 13, SPACE = 32, TAB = 9, PLUS = 43, MINUS = 45, DOT = 46, ZERO = 48;
const FOUND_MAX = 40;

/** The words accepted in place of a number, lower case, longest first where one is a prefix of another. */
const WORDS: ReadonlyArray<[Uint8Array, number]> = [
  [Buffer.from('infinity', 'latin1'), Infinity],
  [Buffer.from('inf', 'latin1'), Infinity],
  [Buffer.from('nan', 'latin1'), NaN],
];

/** One parse over bytes [start, end): the scanner's last value and the lazily decoded text of the range. */
class Scanner {
  /** Value of the number most recently scanned. */
  value = 0;
  private text: string | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** The latin1 text of bytes [from, to). */
  slice(from: number, to: number): string {
    this.text ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('latin1', this.start, this.end);
    return this.text.substring(from - this.start, to - this.start);
  }

  /**
   * Scan one number starting at p (blanks already skipped), not beyond e. Returns the end of the number
   * text and sets `value`, or returns -1 when no number starts here. Grammar:
   * [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits] | [+-] (inf | infinity | nan).
   */
  scan(p: number, e: number): number {
    const b = this.bytes;
    let neg = false;
    if (p < e && (b[p] === PLUS || b[p] === MINUS)) {
      neg = b[p] === MINUS;
      p++;
    }
    if (p >= e) return -1;
    const s = p;
    let d = b[p]! - ZERO;
    if ((d < 0 || d > 9) && b[p] !== DOT) return this.word(p, e, neg);
    let w = 0;
    let e10 = 0;
    let any = false;
    for (; p < e && (d = b[p]! - ZERO) >= 0 && d <= 9; p++) {
      w = w * 10 + d;
      any = true;
    }
    if (p < e && b[p] === DOT) {
      for (p++; p < e && (d = b[p]! - ZERO) >= 0 && d <= 9; p++) {
        w = w * 10 + d;
        e10--;
        any = true;
      }
    }
    if (!any) return -1;
    if (p < e && (b[p]! | 0x20) === 0x65) {
      let q = p + 1;
      let eneg = false;
      if (q < e && (b[q] === PLUS || b[q] === MINUS)) {
        eneg = b[q] === MINUS;
        q++;
      }
      if (q >= e || (d = b[q]! - ZERO) < 0 || d > 9) return -1;
      let ev = 0;
      for (; q < e && (d = b[q]! - ZERO) >= 0 && d <= 9; q++) if (ev < EXP_CAP) ev = ev * 10 + d;
      e10 += eneg ? -ev : ev;
      p = q;
    }
    // w < 2^53 means every partial w * 10 + d was below 2^53 too, hence exact.
    let v: number;
    if (w === 0) v = 0;
    else if (w < TWO53 && e10 >= -22 && e10 <= 22) v = e10 < 0 ? w / POW10[-e10]! : w * POW10[e10]!;
    else v = Number.parseFloat(this.slice(s, p));
    this.value = neg ? -v : v;
    return p;
  }

  /** Match inf / infinity / nan (any case) at p. */
  private word(p: number, e: number, neg: boolean): number {
    const b = this.bytes;
    for (const [word, v] of WORDS) {
      const len = word.length;
      if (p + len > e) continue;
      let i = 0;
      while (i < len && (b[p + i]! | 0x20) === word[i]) i++;
      if (i === len) {
        this.value = neg ? -v : v;
        return p + len;
      }
    }
    return -1;
  }
}

const isBlank = (c: number, delim: number): boolean => (c === SPACE || c === TAB) && c !== delim;

/** End of the line starting at p: the index of its LF, or e. */
function lineEnd(bytes: Uint8Array, p: number, e: number): number {
  const nl = bytes.indexOf(LF, p);
  return nl < 0 || nl >= e ? e : nl;
}

/** End of a line's content (before a CR that precedes the LF). */
const contentEnd = (bytes: Uint8Array, p: number, le: number): number => (le > p && bytes[le - 1] === CR ? le - 1 : le);

function isBlankLine(bytes: Uint8Array, p: number, ce: number, delim: number): boolean {
  while (p < ce && isBlank(bytes[p]!, delim)) p++;
  return p === ce;
}

function countFields(bytes: Uint8Array, p: number, ce: number, delim: number): number {
  let n = 1;
  for (; p < ce; p++) if (bytes[p] === delim) n++;
  return n;
}

const plural = (n: number): string => `${n} field${n === 1 ? '' : 's'}`;

function ragged(line: number, cols: number, count: number): CsvParseFailure {
  return { error: 'ragged', line, column: Math.min(count, cols) + 1, expected: plural(cols), found: plural(count) };
}

/** The failure for the field starting at q (blanks skipped) of the line ending at ce. */
function fieldFailure(sc: Scanner, bytes: Uint8Array, line: number, column: number, q: number, ce: number, delim: number): CsvParseFailure {
  let fe = q;
  while (fe < ce && bytes[fe] !== delim) fe++;
  while (fe > q && isBlank(bytes[fe - 1]!, delim)) fe--;
  if (fe === q) return { error: 'empty', line, column, expected: 'a number', found: 'an empty field' };
  const more = fe - q > FOUND_MAX;
  const text = sc.slice(q, more ? q + FOUND_MAX : fe);
  return { error: 'non-numeric', line, column, expected: 'a number', found: `'${text}${more ? '...' : ''}'` };
}

/** Parse bytes [start, end) of numeric delimited text (see Kernels.parseCsv). */
export function parseCsv(bytes: Uint8Array, start: number, end: number, delim: number): CsvParseResult | CsvParseFailure {
  // Columns come from the first non-blank line; rows are bounded by the number of lines.
  let lines = 0;
  for (let q = start; q < end; lines++) q = lineEnd(bytes, q, end) + 1;
  let first = start;
  let firstEnd = start;
  for (;;) {
    if (first >= end) return { values: new Float64Array(0), rows: 0, cols: 0 };
    const le = lineEnd(bytes, first, end);
    firstEnd = contentEnd(bytes, first, le);
    if (!isBlankLine(bytes, first, firstEnd, delim)) break;
    first = le + 1;
  }
  const cols = countFields(bytes, first, firstEnd, delim);
  const values = new Float64Array(lines * cols);
  const sc = new Scanner(bytes, start, end);
  let rows = 0;
  let line = 0;
  let blankLine = 0;
  for (let p = start; p < end; ) {
    line++;
    const le = lineEnd(bytes, p, end);
    const ce = contentEnd(bytes, p, le);
    if (isBlankLine(bytes, p, ce, delim)) {
      if (blankLine === 0) blankLine = line;
      p = le + 1;
      continue;
    }
    if (blankLine !== 0) return { error: 'empty', line: blankLine, column: 1, expected: 'a number', found: 'a blank line' };
    let o = rows * cols;
    let col = 0;
    for (let q = p; ; ) {
      while (q < ce && isBlank(bytes[q]!, delim)) q++;
      let ne = sc.scan(q, ce);
      if (ne >= 0) while (ne < ce && isBlank(bytes[ne]!, delim)) ne++;
      if (ne < 0 || (ne < ce && bytes[ne] !== delim)) return fieldFailure(sc, bytes, line, col + 1, q, ce, delim);
      if (col === cols) return ragged(line, cols, countFields(bytes, p, ce, delim));
      values[o++] = sc.value;
      col++;
      if (ne === ce) break;
      q = ne + 1;
    }
    if (col !== cols) return ragged(line, cols, col);
    rows++;
    p = le + 1;
  }
  return { values: rows * cols === values.length ? values : values.slice(0, rows * cols), rows, cols };
}
