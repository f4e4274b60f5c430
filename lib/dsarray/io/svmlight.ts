/**
 * `loadSvmlightFile`: an svmlight / libsvm file into a sparse ds-array `x` and a dense column `y` (and
 * the query ids on request). Workers parse byte ranges aligned to lines (layer 1) and cut blocks out of
 * them (layer 2); whether indices start at 0 or 1 is decided between the two, over the whole file.
 */
import { availableParallelism } from 'node:os';
import { DataFormatError, ParameterError } from '../../errors.js';
import { getAll, submit, submitMany, workers, type Future } from '../../runtime/index.js';
import type { CsrBlock } from '../block.js';
import { DsArray } from '../dsarray.js';
import { blockOffsets, normalizeBlockSize } from '../grid.js';
import { rowBlockSlices, type PieceSlice } from './assemble.js';
import { statDataFile } from './options.js';
import { firstLines, planByteRanges, rangePlacement } from './ranges.js';
import type { SvmlightRangeMeta } from './svmlight-range.js';
import { assembleCsrTask, assembleDenseTask, parseSvmlightRangeTask } from './tasks.js';

/** Options of {@link loadSvmlightFile}. */
export interface LoadSvmlightOptions {
  /**
   * Whether feature indices start at 0 (`true`) or at 1 (`false`, as svmlight and libsvm write them).
   * Default `'auto'`, as scikit-learn's `load_svmlight_file`: zero-based when any index of the file is 0
   * (or the file has no feature at all), decided over the whole file. scikit-learn's
   * `dump_svmlight_file` writes zero-based files by default.
   */
  readonly zeroBased?: boolean | 'auto';
  /**
   * Also return the query ids (`qid:q` after the label, required on every line) as a third, dense
   * `n x 1` ds-array, as scikit-learn's `query_id=True`. Without it, qids are accepted and skipped.
   */
  readonly queryId?: boolean;
  /** Bytes of file each parse task reads (advanced). Default: about four ranges per worker, 4-32 MiB each. */
  readonly rangeBytes?: number;
}

/**
 * Loads an svmlight / libsvm file (`label [qid:q] index:value ... [# comment]` per line) as a sparse
 * (CSR) ds-array `x` of `nFeatures` columns and a dense `n x 1` ds-array `y` of labels, parsed in
 * parallel by the workers. Feature indices must be increasing within a line. Reads what scikit-learn's
 * `dump_svmlight_file` writes, zero- or one-based (see {@link LoadSvmlightOptions.zeroBased}), with its
 * comment header and query ids; multilabel files are rejected.
 *
 * @param blockSize - `[rows, cols]` of a block of `x` (`y` has blocks of `[rows, 1]`)
 * @param nFeatures - number of columns of `x`
 * @returns `[x, y]`, or `[x, y, qid]` with `queryId: true`
 * @throws {@link DataFormatError} (file, line, column = token number) on a missing or empty file, a
 *   non-numeric label or value, several labels on a line (multilabel), a bad or out-of-range index
 *   (0 in a one-based file), indices out of order, or a bad or (with `queryId`) missing qid
 * @throws {@link ParameterError} on a bad block size, `nFeatures` or option
 * @example
 * ```ts
 * const [x, y] = await loadSvmlightFile('train.svm', [10000, 1000], 780);
 * const [xq, yq, qid] = await loadSvmlightFile('rank.svm', [10000, 50], 46, { queryId: true });
 * ```
 */
export async function loadSvmlightFile(
  path: string,
  blockSize: readonly [number, number],
  nFeatures: number,
  options?: LoadSvmlightOptions & { readonly queryId?: false },
): Promise<[DsArray, DsArray]>;
export async function loadSvmlightFile(
  path: string,
  blockSize: readonly [number, number],
  nFeatures: number,
  options: LoadSvmlightOptions & { readonly queryId: true },
): Promise<[DsArray, DsArray, DsArray]>;
export async function loadSvmlightFile(
  path: string,
  blockSize: readonly [number, number],
  nFeatures: number,
  options?: LoadSvmlightOptions,
): Promise<[DsArray, DsArray] | [DsArray, DsArray, DsArray]>;
export async function loadSvmlightFile(
  path: string,
  blockSize: readonly [number, number],
  nFeatures: number,
  options: LoadSvmlightOptions = {},
): Promise<[DsArray, DsArray] | [DsArray, DsArray, DsArray]> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  if (!Number.isSafeInteger(nFeatures) || nFeatures < 1) throw new ParameterError('nFeatures', `expected a positive integer, found ${String(nFeatures)}`);
  const { rangeBytes, zeroBased = 'auto', queryId = false } = options;
  if (rangeBytes !== undefined && !(Number.isSafeInteger(rangeBytes) && rangeBytes >= 1)) {
    throw new ParameterError('rangeBytes', `expected a positive integer, found ${String(rangeBytes)}`);
  }
  if (zeroBased !== true && zeroBased !== false && zeroBased !== 'auto') {
    throw new ParameterError('zeroBased', `expected true, false or 'auto', found ${JSON.stringify(zeroBased)}`);
  }
  if (typeof queryId !== 'boolean') throw new ParameterError('queryId', `expected a boolean, found ${JSON.stringify(queryId)}`);
  const size = await statDataFile(path);
  if (size === 0) throw new DataFormatError(path, 'empty file', { line: 1, expected: 'a line "label index:value ..."', found: 'no data' });
  const ids = workers().map((w) => w.id);
  const ranges = planByteRanges(size, ids.length || availableParallelism(), rangeBytes);
  const parsed = ranges.map(([s, e], i) => submitMany(parseSvmlightRangeTask, [path, s, e, size, nFeatures, queryId], rangePlacement(i, ranges.length, ids)));
  const release = (): void => parsed.forEach((fs) => fs.forEach((f) => f.dispose()));
  try {
    const metas: SvmlightRangeMeta[] = await getAll(parsed.map(([m]) => m));
    const base = indexBase(metas, zeroBased);
    checkRanges(path, metas, base, nFeatures);
    const rows = metas.reduce((s, m) => s + m.rows, 0);
    if (rows === 0) throw new DataFormatError(path, 'no data rows', { line: 1, expected: 'a line "label index:value ..."', found: 'only comments or blank lines' });
    const bs = normalizeBlockSize(blockSize, [rows, nFeatures]);
    const colEdges = blockOffsets(nFeatures, bs[1]);
    const slices = rowBlockSlices(metas.map((m) => m.rows), bs[0]);
    /** Output `k` of the parse tasks that the slices of a row block come from. */
    const outputs = <T>(sl: readonly PieceSlice[], k: number): Future<T>[] => sl.map((s) => (parsed[s.piece] as Future<unknown>[])[k] as Future<T>);
    const xBlocks = slices.map((sl) => {
      const [pieces, offsets, counts] = [outputs<CsrBlock>(sl, 1), sl.map((s) => s.offset), sl.map((s) => s.count)];
      return colEdges.slice(1).map((c1, j) => submit(assembleCsrTask, [pieces, offsets, counts, colEdges[j] as number, c1, base]));
    });
    const dense = (k: number): DsArray => {
      const blocks = slices.map((sl) => [submit(assembleDenseTask, [outputs<Float64Array>(sl, k), sl.map((s) => s.offset), sl.map((s) => s.count), 1, 0, 1, 'float64'])]);
      return DsArray.fromBlocks(blocks, [rows, 1], [bs[0], 1], { dtype: 'float64', sparse: false });
    };
    const x = DsArray.fromBlocks(xBlocks, [rows, nFeatures], bs, { dtype: 'float64', sparse: true });
    return queryId ? [x, dense(2), dense(3)] : [x, dense(2)];
  } finally {
    release();
  }
}

/** The first index of the file: 0 or 1, as scikit-learn decides it for `zeroBased: 'auto'`. */
function indexBase(metas: readonly SvmlightRangeMeta[], zeroBased: boolean | 'auto'): 0 | 1 {
  if (zeroBased !== 'auto') return zeroBased ? 0 : 1;
  const anyIndex = metas.some((m) => m.nnz > 0);
  return !anyIndex || metas.some((m) => m.zero !== undefined) ? 0 : 1;
}

/**
 * Throws the error of the first bad line of the file, in file order: a range's parse failure, an index
 * 0 in a one-based file or an index past `nFeatures`.
 */
function checkRanges(path: string, metas: readonly SvmlightRangeMeta[], base: 0 | 1, nFeatures: number): void {
  const first = firstLines(metas);
  metas.forEach((m, k) => {
    const errors: [number, () => DataFormatError][] = [];
    const at = (line: number): number => (first[k] as number) + line - 1;
    const f = m.failure;
    if (f !== undefined) {
      errors.push([f.line, () => new DataFormatError(path, f.detail, { line: at(f.line), column: f.column, expected: f.expected, found: f.found })]);
    }
    const zero = m.zero;
    if (base === 1 && zero !== undefined) {
      const detail = "feature index 0 in a one-based file: a 0 index means a zero-based file (pass zeroBased: true or 'auto')";
      errors.push([zero.line, () => new DataFormatError(path, detail, { line: at(zero.line), column: zero.column, expected: `an index in 1..${nFeatures}`, found: '0' })]);
    }
    const over = m.over[base];
    if (over !== null) {
      const detail = 'feature index out of range (pass a larger nFeatures?)';
      const expected = `an index in ${base}..${nFeatures - 1 + base}`;
      errors.push([over.line, () => new DataFormatError(path, detail, { line: at(over.line), column: over.column, expected, found: String(over.index) })]);
    }
    const firstError = errors.sort((a, b) => a[0] - b[0])[0];
    if (firstError !== undefined) throw firstError[1]();
  });
}
