/**
 * Exact, fast parser for numeric delimited text in TypeScript (the parseCsv kernel).
 *
 * Every field gives the double that `Number.parseFloat` gives. The scanner reads the decimal mantissa w as
 * an integer and the power of ten e10 straight from the bytes; when w < 2^53 and |e10| <= 22 both are exact
 * doubles, so one multiply or divide is correctly rounded (Clinger's fast path). Mantissas of 16 to 19
 * digits with |e10| <= 22 go through the exact double-double rounding of decimal.ts. Any other number, and
 * any case that rounding leaves undecided (ties), is handed to `Number.parseFloat` on its own text, already
 * validated by the scanner, so the result is always bit-identical. Fields are split exactly at the
 * delimiter; spaces and tabs around a field are ignored; `nan`, `inf`, `infinity` are accepted in any
 * case with an optional sign (numpy's spellings). Lines end in
 * LF or CRLF, or at a comment marker; blank lines may only close the range. With `usecols`, a line's
 * field starts are found first and only the fields named are scanned. Malformed input gives a failure object (ragged,
 * non-numeric or empty with a 1-based line and field number), never an exception.
 *
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { CsvParseFailure, CsvParseOptions, CsvParseResult } from '../types.js';
import { decimalToDouble } from './decimal.js';

const POW10 = new Float64Array(23).map((_, i) => 10 ** i);
const TWO53 = 2 ** 53;
/** Exponents beyond this overflow or underflow any double whatever the mantissa; capping avoids overflow. */
const EXP_CAP = 1_000_000;
const LF = 10, CR = 13, SPACE = 32, TAB = 9, PLUS = 43, MINUS = 45, DOT = 46, ZERO = 48;
const FOUND_MAX = 40;
/** Leading digits of a long mantissa that go into one exact double (10^15 < 2^53), and the most digits handled. */
const HI_DIGITS = 15;
const MAX_DIGITS = 19;

/** The words accepted in place of a number, lower case, longest first where one is a prefix of another. */
const WORDS: ReadonlyArray<[Uint8Array, number]> = [
  [Buffer.from('infinity', 'latin1'), Infinity],
  [Buffer.from('inf', 'latin1'), Infinity],
  [Buffer.from('nan', 'latin1'), NaN],
];

/** The latin1 text of bytes [from, to). */
const latin1 = (bytes: Uint8Array, from: number, to: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', from, to);

/**
 * One parse over bytes [start, end): the scanner's last value and the text of the range, decoded once
 * when the first number needs `Number.parseFloat` (substrings of it are cheap, decoding each field is not).
 */
class Scanner {
  /** Value of the number most recently scanned. */
  value = 0;
  private text: string | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** The text of bytes [from, to) within the range. */
  private slice(from: number, to: number): string {
    this.text ??= latin1(this.bytes, this.start, this.end);
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
    // Digits go into a small-integer chunk c (n digits, at most 8, so int32 arithmetic applies) that is
    // folded into the double w every 8 digits: a short dependency chain per digit.
    let w = 0;
    let c = 0;
    let n = 0;
    let e10 = 0;
    const intStart = p;
    for (; p < e && (d = b[p]! - ZERO) >= 0 && d <= 9; p++) {
      c = c * 10 + d;
      if (++n === 8) {
        w = w * 1e8 + c;
        c = n = 0;
      }
    }
    let any = p > intStart;
    if (p < e && b[p] === DOT) {
      const fracStart = ++p;
      for (; p < e && (d = b[p]! - ZERO) >= 0 && d <= 9; p++) {
        c = c * 10 + d;
        if (++n === 8) {
          w = w * 1e8 + c;
          c = n = 0;
        }
      }
      e10 = fracStart - p;
      any ||= p > fracStart;
    }
    if (!any) return -1;
    // W = head * 10^n + c: the split decimalToDouble needs when W is long, at no cost for short ones.
    const head = w;
    w = w * POW10[n]! + c;
    const mantissaEnd = p;
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
    // w < 2^53 means every partial value of w was below 2^53 too, hence exact.
    let v: number;
    if (w === 0) v = 0;
    else if (e10 < -22 || e10 > 22) v = Number.parseFloat(this.slice(s, p));
    else if (w < TWO53) v = e10 < 0 ? w / POW10[-e10]! : w * POW10[e10]!;
    else if (head < TWO53 && w < 1e19) v = decimalToDouble(head, c, POW10[n]!, e10);
    else v = this.longMantissa(s, mantissaEnd, e10);
    if (Number.isNaN(v)) v = Number.parseFloat(this.slice(s, p));
    this.value = neg ? -v : v;
    return p;
  }

  /**
   * The value of the mantissa digits in [s, end) (a '.' among them) times 10^e10 through
   * {@link decimalToDouble}, or NaN when it has more than 19 significant digits or is undecided there.
   */
  private longMantissa(s: number, end: number, e10: number): number {
    const b = this.bytes;
    // hi = first 8 digits * 10^7 + next 7, each part in int32 arithmetic.
    let h1 = 0;
    let h2 = 0;
    let lo = 0;
    let nd = 0;
    for (let p = s; p < end; p++) {
      const d = b[p]! - ZERO;
      if (d < 0 || (nd === 0 && d === 0)) continue; // the '.' and leading zeros
      if (nd < 8) h1 = h1 * 10 + d;
      else if (nd < HI_DIGITS) h2 = h2 * 10 + d;
      else lo = lo * 10 + d;
      if (++nd > MAX_DIGITS) return NaN;
    }
    return decimalToDouble(h1 * 1e7 + h2, lo, POW10[nd - HI_DIGITS]!, e10);
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

/** Whether a line ends at i: the range's end, an LF, or a CR before an LF or the range's end. */
const endsLine = (bytes: Uint8Array, i: number, e: number): boolean =>
  i === e || bytes[i] === LF || (bytes[i] === CR && (i + 1 === e || bytes[i + 1] === LF));

/** Start of the line after the one whose terminator (as accepted by endsLine) is at i. */
const nextLine = (bytes: Uint8Array, i: number, e: number): number => (i === e ? e : bytes[i] === CR ? Math.min(i + 2, e) : i + 1);

/** End of the content of the line containing i (before its LF, or CR LF). */
function contentEnd(bytes: Uint8Array, i: number, e: number): number {
  while (!endsLine(bytes, i, e)) i++;
  return i;
}

/** Skip blanks from p; the first non-blank index. */
function skipBlanks(bytes: Uint8Array, p: number, e: number, delim: number): number {
  while (p < e && isBlank(bytes[p]!, delim)) p++;
  return p;
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

/** The failure for the field starting at q (blanks skipped). */
function fieldFailure(bytes: Uint8Array, e: number, line: number, column: number, q: number, delim: number): CsvParseFailure {
  const ce = contentEnd(bytes, q, e);
  let fe = q;
  while (fe < ce && bytes[fe] !== delim) fe++;
  while (fe > q && isBlank(bytes[fe - 1]!, delim)) fe--;
  if (fe === q) return { error: 'empty', line, column, expected: 'a number', found: 'an empty field' };
  const more = fe - q > FOUND_MAX;
  const text = latin1(bytes, q, more ? q + FOUND_MAX : fe);
  return { error: 'non-numeric', line, column, expected: 'a number', found: `'${text}${more ? '...' : ''}'` };
}

/**
 * The comment markers of one parse: the first one at or after a position, each found with a
 * memchr-speed search and remembered until the parse passes it, so that text without a marker costs one
 * search per marker.
 */
class Comments {
  private readonly next: number[];

  /** `view` holds the bytes up to the range's end, so that no search looks past it. */
  constructor(
    private readonly view: Buffer,
    private readonly markers: readonly Uint8Array[],
  ) {
    this.next = markers.map(() => -1);
  }

  /** Forgets where the markers were found: the next question may be about an earlier position. */
  reset(): void {
    this.next.fill(-1);
  }

  /** Start of the line after the one {@link limit} last bounded, when a marker cut it; -1 otherwise. */
  after = -1;

  /**
   * Where the line starting at p ends for the scanner: at its first marker (then {@link after} is the
   * next line's start), or at the range's end when it has none (the line then ends at its LF).
   */
  limit(p: number): number {
    this.after = -1;
    let m = this.view.length;
    for (let k = 0; k < this.next.length; k++) {
      let n = this.next[k]!;
      if (n < p) {
        n = this.view.indexOf(this.markers[k]!, p);
        this.next[k] = n = n < 0 ? this.view.length : n;
      }
      if (n < m) m = n;
    }
    if (m === this.view.length) return m;
    const lf = this.view.indexOf(LF, p);
    if (lf >= 0 && m > lf) return this.view.length;
    this.after = lf < 0 ? this.view.length : lf + 1;
    return m;
  }
}

/** The failure for the field [q, fe) of a usecols parse (blanks before it skipped). */
function usedFieldFailure(bytes: Uint8Array, line: number, column: number, q: number, fe: number, delim: number): CsvParseFailure {
  while (fe > q && isBlank(bytes[fe - 1]!, delim)) fe--;
  if (fe === q) return { error: 'empty', line, column, expected: 'a number', found: 'an empty field' };
  const more = fe - q > FOUND_MAX;
  return { error: 'non-numeric', line, column, expected: 'a number', found: `'${latin1(bytes, q, more ? q + FOUND_MAX : fe)}${more ? '...' : ''}'` };
}

/** Parse bytes [start, end) of numeric delimited text (see Kernels.parseCsv). */
export function parseCsv(bytes: Uint8Array, start: number, end: number, delim: number, options: CsvParseOptions = {}): CsvParseResult | CsvParseFailure {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  const comments = options.comments !== undefined && options.comments.length > 0 ? new Comments(view, options.comments) : undefined;
  const usecols = options.usecols;
  // The line at hand ends for the scanner at `lim`: the range's end, or its first comment marker, and
  // then the next line starts at `after` (-1 when the line has no marker).
  let lim = end;
  let after = -1;
  // Columns come from the first non-blank line.
  let first = start;
  let firstEnd = end;
  for (;;) {
    if (first >= end) return { values: new Float64Array(0), rows: 0, cols: 0 };
    if (comments !== undefined) {
      lim = comments.limit(first);
      after = comments.after;
    }
    const q = skipBlanks(bytes, first, lim, delim);
    if (!endsLine(bytes, q, lim)) {
      firstEnd = contentEnd(bytes, q, lim);
      break;
    }
    first = after >= 0 ? after : nextLine(bytes, q, end);
  }
  comments?.reset();
  const cols = usecols !== undefined ? usecols.length : countFields(bytes, first, firstEnd, delim);
  // Capacity from the first line's length, grown by half when the guess falls short.
  let values = new Float64Array(cols * (Math.ceil((end - start) / (firstEnd - first + 1)) + 16));
  const sc = new Scanner(bytes, start, end);
  /** Field starts of the line at hand (usecols only). */
  let starts = new Int32Array(usecols !== undefined ? 64 : 0);
  let o = 0;
  let line = 0;
  let blankLine = 0;
  for (let p = start; p < end; ) {
    line++;
    if (comments !== undefined) {
      lim = comments.limit(p);
      after = comments.after;
    }
    let q = skipBlanks(bytes, p, lim, delim);
    if (endsLine(bytes, q, lim)) {
      if (blankLine === 0) blankLine = line;
      p = after >= 0 ? after : nextLine(bytes, q, end);
      continue;
    }
    if (blankLine !== 0) return { error: 'empty', line: blankLine, column: 1, expected: 'a number', found: 'a blank line' };
    if (o + cols > values.length) {
      const grown = new Float64Array(Math.max(values.length + (values.length >> 1), o + cols));
      grown.set(values);
      values = grown;
    }
    if (usecols !== undefined) {
      const ce = contentEnd(bytes, q, lim);
      let nf = 0;
      starts[nf++] = p;
      for (let i = p; i < ce; i++) {
        if (bytes[i] !== delim) continue;
        if (nf === starts.length) {
          const grown = new Int32Array(2 * nf);
          grown.set(starts);
          starts = grown;
        }
        starts[nf++] = i + 1;
      }
      for (let j = 0; j < cols; j++) {
        const u = usecols[j]!;
        const f = u < 0 ? u + nf : u;
        if (f < 0 || f >= nf) return { error: 'usecols', line, column: j + 1, expected: `a field at index ${u}`, found: plural(nf) };
        const fe = f + 1 < nf ? starts[f + 1]! - 1 : ce;
        const fq = skipBlanks(bytes, starts[f]!, fe, delim);
        let ne = sc.scan(fq, fe);
        if (ne >= 0) ne = skipBlanks(bytes, ne, fe, delim);
        if (ne !== fe) return usedFieldFailure(bytes, line, f + 1, fq, fe, delim);
        values[o++] = sc.value;
      }
      p = after >= 0 ? after : nextLine(bytes, ce, end);
      continue;
    }
    let col = 0;
    for (;;) {
      let ne = sc.scan(q, lim);
      if (ne >= 0) ne = skipBlanks(bytes, ne, lim, delim);
      const last = ne >= 0 && endsLine(bytes, ne, lim);
      if (!last && (ne < 0 || bytes[ne] !== delim)) return fieldFailure(bytes, lim, line, col + 1, q, delim);
      if (col === cols) return ragged(line, cols, countFields(bytes, p, contentEnd(bytes, p, lim), delim));
      values[o++] = sc.value;
      col++;
      if (last) {
        p = after >= 0 ? after : nextLine(bytes, ne, end);
        break;
      }
      q = skipBlanks(bytes, ne + 1, lim, delim);
    }
    if (col !== cols) return ragged(line, cols, col);
  }
  return { values: o === values.length ? values : values.slice(0, o), rows: o / cols, cols };
}
