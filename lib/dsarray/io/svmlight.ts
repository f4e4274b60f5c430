/**
 * `loadSvmlightFile`: an svmlight / libsvm file into a sparse ds-array `x` and a dense column `y`.
 * Workers parse byte ranges aligned to lines (layer 1) and cut blocks out of them (layer 2).
 */
import { availableParallelism } from 'node:os';
import { DataFormatError, ParameterError } from '../../errors.js';
import { getAll, submit, submitMany, workers } from '../../runtime/index.js';
import { DsArray } from '../dsarray.js';
import { blockOffsets, normalizeBlockSize } from '../grid.js';
import { rowBlockSlices } from './assemble.js';
import { statDataFile } from './options.js';
import { firstLines, planByteRanges, rangePlacement } from './ranges.js';
import type { SvmlightRangeMeta } from './svmlight-range.js';
import { assembleCsrTask, assembleDenseTask, parseSvmlightRangeTask } from './tasks.js';

/** Options of {@link loadSvmlightFile}. */
export interface LoadSvmlightOptions {
  /** Feature indices start at 0 (default false: at 1, as svmlight and libsvm write them). */
  readonly zeroBased?: boolean;
  /** Bytes of file each parse task reads (advanced). Default: about four ranges per worker, 4-32 MiB each. */
  readonly rangeBytes?: number;
}

/**
 * Loads an svmlight / libsvm file (`label [qid:q] index:value ... [# comment]` per line) as a sparse
 * (CSR) ds-array `x` of `nFeatures` columns and a dense `n x 1` ds-array `y` of labels, parsed in
 * parallel by the workers. Feature indices must be increasing within a line.
 *
 * @param blockSize - `[rows, cols]` of a block of `x` (`y` has blocks of `[rows, 1]`)
 * @param nFeatures - number of columns of `x`
 * @throws {@link DataFormatError} (file, line, column = token number) on a missing or empty file, a
 *   non-numeric label or value, a bad or out-of-range index, or indices out of order
 * @example
 * ```ts
 * const [x, y] = await loadSvmlightFile('train.svm', [10000, 1000], 780);
 * ```
 */
export async function loadSvmlightFile(
  path: string,
  blockSize: readonly [number, number],
  nFeatures: number,
  options: LoadSvmlightOptions = {},
): Promise<[DsArray, DsArray]> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  if (!Number.isSafeInteger(nFeatures) || nFeatures < 1) throw new ParameterError('nFeatures', `expected a positive integer, found ${String(nFeatures)}`);
  const { rangeBytes } = options;
  if (rangeBytes !== undefined && !(Number.isSafeInteger(rangeBytes) && rangeBytes >= 1)) {
    throw new ParameterError('rangeBytes', `expected a positive integer, found ${String(rangeBytes)}`);
  }
  const size = await statDataFile(path);
  if (size === 0) throw new DataFormatError(path, 'empty file', { line: 1, expected: 'a line "label index:value ..."', found: 'no data' });
  const ids = workers().map((w) => w.id);
  const ranges = planByteRanges(size, ids.length || availableParallelism(), rangeBytes);
  const parsed = ranges.map(([s, e], i) =>
    submitMany(parseSvmlightRangeTask, [path, s, e, size, nFeatures, options.zeroBased ?? false], rangePlacement(i, ranges.length, ids)),
  );
  const release = (): void => parsed.forEach((fs) => fs.forEach((f) => f.dispose()));
  try {
    const metas: SvmlightRangeMeta[] = await getAll(parsed.map(([m]) => m));
    const first = firstLines(metas);
    metas.forEach((m, k) => {
      const f = m.failure;
      if (f !== undefined) {
        throw new DataFormatError(path, f.detail, { line: (first[k] as number) + f.line - 1, column: f.column, expected: f.expected, found: f.found });
      }
    });
    const rows = metas.reduce((s, m) => s + m.rows, 0);
    if (rows === 0) throw new DataFormatError(path, 'no data rows', { line: 1, expected: 'a line "label index:value ..."', found: 'only comments or blank lines' });
    const bs = normalizeBlockSize(blockSize, [rows, nFeatures]);
    const colEdges = blockOffsets(nFeatures, bs[1]);
    const slices = rowBlockSlices(metas.map((m) => m.rows), bs[0]);
    const xBlocks = slices.map((sl) => {
      const pieces = sl.map((s) => (parsed[s.piece] as (typeof parsed)[number])[1]);
      const [offsets, counts] = [sl.map((s) => s.offset), sl.map((s) => s.count)];
      return colEdges.slice(1).map((c1, j) => submit(assembleCsrTask, [pieces, offsets, counts, colEdges[j] as number, c1]));
    });
    const yBlocks = slices.map((sl) => {
      const pieces = sl.map((s) => (parsed[s.piece] as (typeof parsed)[number])[2]);
      return [submit(assembleDenseTask, [pieces, sl.map((s) => s.offset), sl.map((s) => s.count), 1, 0, 1, 'float64'])];
    });
    return [
      DsArray.fromBlocks(xBlocks, [rows, nFeatures], bs, { dtype: 'float64', sparse: true }),
      DsArray.fromBlocks(yBlocks, [rows, 1], [bs[0], 1], { dtype: 'float64', sparse: false }),
    ];
  } finally {
    release();
  }
}
