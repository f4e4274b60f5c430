/**
 * Worker side of `loadSvmlightFile`: parse the lines of one byte range of an svmlight / libsvm file
 * (`label [qid:q] index:value ... [# comment]`) into CSR rows and labels. Bad data never throws: it
 * comes back as a failure with a line number relative to the range.
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

/** Sizes and line count of a parsed range, or its first failure. */
export interface SvmlightRangeMeta {
  /** Lines the range covers (comments and blank lines included): numbers the next range's lines. */
  lines: number;
  /** Data lines parsed (0 on failure). */
  rows: number;
  failure?: SvmlightFailure;
}

/** The rows of a range: CSR with `nFeatures` columns. */
export type SvmlightRows = CsrBlock;

const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const INDEX = /^\d+$/;

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

/**
 * Parses the lines of byte range `[start, end)` of the svmlight file at `path` (`size` bytes).
 *
 * @param nFeatures - number of columns; an index at or past it is a failure
 * @param zeroBased - indices start at 0 (otherwise at 1, as svmlight writes them)
 * @returns `[meta, rows, labels]` (rows and labels empty on failure)
 */
export async function parseSvmlightRange(
  path: string,
  start: number,
  end: number,
  size: number,
  nFeatures: number,
  zeroBased: boolean,
): Promise<[SvmlightRangeMeta, SvmlightRows, Float64Array]> {
  const empty: SvmlightRows = { kind: 'csr', rows: 0, cols: nFeatures, indptr: new Int32Array(1), indices: new Int32Array(0), data: new Float64Array(0) };
  let range;
  try {
    range = await withFile(path, (fh) => readAlignedRange(fh, start, end, size));
  } catch (err) {
    const found = err instanceof Error ? err.message : String(err);
    return [{ lines: 0, rows: 0, failure: { detail: 'cannot read the file', line: 0, column: 0, expected: 'a readable file', found } }, empty, new Float64Array(0)];
  }
  const { bytes, from, to } = range;
  const buf = asBuffer(bytes);
  const lines = countLines(bytes, from, to);
  const decoder = new TextDecoder('latin1');
  const labels: number[] = [];
  const indptr: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
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
      labels.push(parseNumber(tokens[0] as string, 1, 'label'));
      let prev = -1;
      tokens.forEach((token, t) => {
        if (t === 0 || token.startsWith('qid:')) return;
        const colon = token.indexOf(':');
        const idxText = colon < 0 ? token : token.slice(0, colon);
        if (colon < 0 || !INDEX.test(idxText)) {
          throw new Failure({ detail: 'bad feature', column: t + 1, expected: 'index:value', found: token });
        }
        const idx = Number(idxText) - (zeroBased ? 0 : 1);
        if (idx < 0 || idx >= nFeatures) {
          const range0 = zeroBased ? `0..${nFeatures - 1}` : `1..${nFeatures}`;
          throw new Failure({ detail: 'feature index out of range (pass a larger nFeatures?)', column: t + 1, expected: `an index in ${range0}`, found: idxText });
        }
        if (idx <= prev) {
          throw new Failure({ detail: 'feature indices must be increasing', column: t + 1, expected: `an index after ${prev + (zeroBased ? 0 : 1)}`, found: idxText });
        }
        prev = idx;
        indices.push(idx);
        values.push(parseNumber(token.slice(colon + 1), t + 1, 'feature value'));
      });
      indptr.push(indices.length);
    }
  } catch (err) {
    if (!(err instanceof Failure)) throw err;
    return [{ lines, rows: 0, failure: { ...err.info, found: clip(err.info.found), line } }, empty, new Float64Array(0)];
  }
  const rows: SvmlightRows = {
    kind: 'csr',
    rows: labels.length,
    cols: nFeatures,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float64Array.from(values),
  };
  return [{ lines, rows: labels.length }, rows, Float64Array.from(labels)];
}

/**
 * Builds the CSR block of columns `[c0, c1)` from row slices of parsed ranges: `counts[k]` rows of
 * `pieces[k]` from its row `offsets[k]`, in order.
 */
export function assembleCsr(pieces: readonly CsrBlock[], offsets: readonly number[], counts: readonly number[], c0: number, c1: number): CsrBlock {
  const rows = counts.reduce((s, c) => s + c, 0);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const data: number[] = [];
  let r = 0;
  pieces.forEach((piece, k) => {
    const first = offsets[k] as number;
    for (let i = first; i < first + (counts[k] as number); i++) {
      for (let p = piece.indptr[i] as number; p < (piece.indptr[i + 1] as number); p++) {
        const c = piece.indices[p] as number;
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
