/**
 * Worker side of `loadSvmlightFile`: parse the lines of one byte range of an svmlight / libsvm file
 * (`label [qid:q] index:value ... [# comment]`) into CSR rows of raw indices, labels and query ids.
 * Whether indices start at 0 or 1 is decided by the driver over the whole file, so a range only reports
 * where the indices that could be wrong are (a 0, one too large for either base). Bad data never throws:
 * it comes back as a failure with a line number relative to the range.
 */
import type { CsrBlock } from '../block.js';
import { asBuffer, countLines, readAlignedRange, withFile } from './ranges.js';
import { clip } from './txt-errors.js';

/** A parse failure; `line` counts from 1 at the range's first line, `column` counts tokens from 1. */
export interface SvmlightFailure {
  detail: string;
  line: number;
  column: number;
  expected: string;
  found: string;
}

/** Where an index was found: line (from 1 in the range), token (from 1) and its raw value. */
export interface SvmlightIndexAt {
  line: number;
  column: number;
  index: number;
}

/** Sizes and line count of a parsed range, or its first failure. */
export interface SvmlightRangeMeta {
  /** Lines the range covers (comments and blank lines included): numbers the next range's lines. */
  lines: number;
  /** Data lines parsed (0 on failure). */
  rows: number;
  /** Feature entries parsed (those before the failure, on failure). */
  nnz: number;
  /** The first index 0 (wrong in a one-based file). */
  zero?: SvmlightIndexAt;
  /** The first index `>= nFeatures + base` for base 0 and 1: out of range in a file of that base. */
  over: [SvmlightIndexAt | null, SvmlightIndexAt | null];
  failure?: SvmlightFailure;
}

/** The rows of a range: CSR of raw indices (as written in the file), `cols` one past the largest. */
export type SvmlightRows = CsrBlock;

const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const INDEX = /^\d+$/;
const QID = /^[+-]?\d+$/;
/** Largest raw index: indices are stored as int32. */
const MAX_INDEX = 2 ** 31 - 2;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;
}

class Failure extends Error {
  constructor(readonly info: Omit<SvmlightFailure, 'line'>) {
    super(info.detail);
  }
}

function parseNumber(token: string, column: number, what: string): number {
  if (!NUMBER.test(token)) throw new Failure({ detail: `non-numeric ${what}`, column, expected: 'a number', found: token });
  const lower = token.toLowerCase();
  if (lower.endsWith('nan')) return Number.NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number.parseFloat(token);
}

function parseLabel(token: string): number {
  // scikit-learn's dump_svmlight_file(multilabel=True) writes "1,3" (or nothing) where the label goes.
  if (token.includes(',') || token.includes(':')) {
    throw new Failure({
      detail: 'multilabel line: one label per line is supported, not scikit-learn\'s multilabel format',
      column: 1,
      expected: 'one number as the label',
      found: token,
    });
  }
  return parseNumber(token, 1, 'label');
}

function parseQid(token: string, column: number): number {
  const text = token.slice(4);
  const q = Number(text);
  if (!QID.test(text) || !Number.isSafeInteger(q)) throw new Failure({ detail: 'bad qid', column, expected: 'qid:<integer>', found: token });
  return q;
}

/**
 * Parses the lines of byte range `[start, end)` of the svmlight file at `path` (`size` bytes).
 *
 * @param nFeatures - columns of the array: indices from `nFeatures + base` on are reported in `over`
 * @param queryId - every line must carry a qid (returned in `qids`); otherwise qids are skipped
 * @returns `[meta, rows, labels, qids]` (all empty on failure; `qids` empty without `queryId`)
 */
export async function parseSvmlightRange(
  path: string,
  start: number,
  end: number,
  size: number,
  nFeatures: number,
  queryId: boolean,
): Promise<[SvmlightRangeMeta, SvmlightRows, Float64Array, Float64Array]> {
  const empty: SvmlightRows = { kind: 'csr', rows: 0, cols: 0, indptr: new Int32Array(1), indices: new Int32Array(0), data: new Float64Array(0) };
  const none = new Float64Array(0);
  let range;
  try {
    range = await withFile(path, (fh) => readAlignedRange(fh, start, end, size));
  } catch (err) {
    const found = err instanceof Error ? err.message : String(err);
    const failure = { detail: 'cannot read the file', line: 0, column: 0, expected: 'a readable file', found };
    return [{ lines: 0, rows: 0, nnz: 0, over: [null, null], failure }, empty, none, none];
  }
  const { bytes, from, to } = range;
  const buf = asBuffer(bytes);
  const lines = countLines(bytes, from, to);
  const decoder = new TextDecoder('latin1');
  const labels: number[] = [];
  const qids: number[] = [];
  const indptr: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const meta: SvmlightRangeMeta = { lines, rows: 0, nnz: 0, over: [null, null] };
  let maxIndex = -1;
  let line = 0;
  try {
    for (let p = from; p < to; ) {
      line++;
      let q = buf.indexOf(0x0a, p);
      if (q < 0 || q > to) q = to;
      let stop = p;
      while (stop < q && bytes[stop] !== 0x23) stop++;
      const tokens: string[] = [];
      for (let i = p; i < stop; ) {
        while (i < stop && isSpace(bytes[i] as number)) i++;
        const t0 = i;
        while (i < stop && !isSpace(bytes[i] as number)) i++;
        if (i > t0) tokens.push(decoder.decode(bytes.subarray(t0, i)));
      }
      p = q + 1;
      if (tokens.length === 0) continue;
      const label = parseLabel(tokens[0] as string);
      // As scikit-learn: a qid may only come first after the label.
      const hasQid = tokens.length > 1 && (tokens[1] as string).startsWith('qid:');
      if (hasQid) {
        const qid = parseQid(tokens[1] as string, 2);
        if (queryId) qids.push(qid);
      } else if (queryId) {
        throw new Failure({ detail: 'missing qid (queryId: true needs one on every line)', column: 2, expected: 'qid:<integer>', found: tokens[1] ?? 'end of line' });
      }
      let prev = -1;
      for (let t = hasQid ? 2 : 1; t < tokens.length; t++) {
        const token = tokens[t] as string;
        const colon = token.indexOf(':');
        const idxText = colon < 0 ? token : token.slice(0, colon);
        if (colon < 0 || !INDEX.test(idxText)) {
          throw new Failure({ detail: 'bad feature', column: t + 1, expected: 'index:value', found: token });
        }
        const idx = Number(idxText);
        if (idx > MAX_INDEX) {
          throw new Failure({ detail: 'feature index out of range', column: t + 1, expected: `an index up to ${MAX_INDEX}`, found: idxText });
        }
        if (idx <= prev) {
          throw new Failure({ detail: 'feature indices must be increasing', column: t + 1, expected: `an index after ${prev}`, found: idxText });
        }
        const at = { line, column: t + 1, index: idx };
        if (idx === 0) meta.zero ??= at;
        for (const base of [0, 1] as const) if (idx >= nFeatures + base) meta.over[base] ??= at;
        prev = idx;
        indices.push(idx);
        values.push(parseNumber(token.slice(colon + 1), t + 1, 'feature value'));
      }
      if (prev > maxIndex) maxIndex = prev;
      labels.push(label);
      indptr.push(indices.length);
    }
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    const failure = { ...err.info, found: clip(err.info.found), line };
    return [{ ...meta, rows: 0, nnz: indices.length, failure }, empty, none, none];
  }
  const rows: SvmlightRows = {
    kind: 'csr',
    rows: labels.length,
    cols: maxIndex + 1,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float64Array.from(values),
  };
  return [{ ...meta, rows: labels.length, nnz: indices.length }, rows, Float64Array.from(labels), Float64Array.from(qids)];
}

/**
 * Builds the CSR block of columns `[c0, c1)` from row slices of parsed ranges: `counts[k]` rows of
 * `pieces[k]` from its row `offsets[k]`, in order. Raw indices minus `base` are the columns.
 */
export function assembleCsr(pieces: readonly CsrBlock[], offsets: readonly number[], counts: readonly number[], c0: number, c1: number, base: number): CsrBlock {
  const rows = counts.reduce((s, c) => s + c, 0);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  let r = 0;
  pieces.forEach((piece, k) => {
    const first = offsets[k] as number;
    for (let i = first; i < first + (counts[k] as number); i++) {
      for (let p = piece.indptr[i] as number; p < (piece.indptr[i + 1] as number); p++) {
        const c = (piece.indices[p] as number) - base;
        if (c >= c0 && c < c1) {
          indices.push(c - c0);
          data.push(piece.data[p] as number);
        }
      }
      indptr[++r] = indices.length;
    }
  });
  return { kind: 'csr', rows, cols: c1 - c0, indptr, indices: Int32Array.from(indices), data: Float64Array.from(data) };
}
