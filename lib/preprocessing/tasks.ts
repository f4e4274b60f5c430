/**
 * Block tasks of the scalers: per-block column statistics (with the position in the whole array of the
 * first non-finite value) and the per-column affine map every scaler transform and inverse is.
 *
 * @packageDocumentation
 */
import type { Block } from '../dsarray/block.js';
import { firstNonFinite, type NonFinite } from '../base/finite.js';
import { columnMoments, columnRange, type ColumnRange, type Moments } from '../dsarray/moments.js';
import { ParameterError } from '../errors.js';
import { taskModule } from '../runtime/index.js';

const defineTask = taskModule(import.meta.url);

/** A block's column statistic with its first non-finite value (null when it has none). */
export interface Checked<T> {
  stats: T;
  nonFinite: NonFinite | null;
}

/** Column moments of block (i, j) whose first element is at (row0, col0), and its first non-finite value. */
export const momentsTask = defineTask('preprocessing.moments', (block: Block, row0: number, col0: number): Checked<Moments> => {
  const m = columnMoments(block);
  // A NaN or infinity anywhere in a column makes its mean non-finite: the block is searched only then.
  return { stats: m, nonFinite: m.mean.every(Number.isFinite) ? null : firstNonFinite(block, row0, col0) };
}, { readOnly: true });

/** Column minima and maxima of block (i, j) at (row0, col0), and its first non-finite value. */
export const rangeTask = defineTask('preprocessing.range', (block: Block, row0: number, col0: number): Checked<ColumnRange> => {
  // Comparisons skip NaN, so the range cannot reveal one: the block is searched as it is read.
  return { stats: columnRange(block), nonFinite: firstNonFinite(block, row0, col0) };
}, { readOnly: true });

/**
 * `((x - sub) / div) * mul + add` column by column (each a per-column array of the block's columns, or
 * null to skip that step; dense blocks multiply by `mul / div`, which may differ from scikit-learn's
 * division in the last bit); the result keeps the block's dtype and kind. On a CSR block only `div`
 * and `mul` may be given (zeros stay zeros).
 */
export const affineTask = defineTask(
  'preprocessing.affine',
  (block: Block, sub: Float64Array | null, div: Float64Array | null, mul: Float64Array | null, add: Float64Array | null): Block => {
    const d = block.cols;
    const ctor = block.data instanceof Float32Array ? Float32Array : Float64Array;
    const out = new ctor(block.data.length);
    const x = block.data;
    if (block.kind === 'csr') {
      if (sub !== null || add !== null) throw new ParameterError('x', 'cannot shift a CSR block (its zeros would change)');
      for (let p = 0; p < x.length; p++) {
        const f = block.indices[p] as number;
        let v = x[p] as number;
        if (div !== null) v /= div[f] as number;
        if (mul !== null) v *= mul[f] as number;
        out[p] = v;
      }
      return { kind: 'csr', rows: block.rows, cols: d, indptr: block.indptr, indices: block.indices, data: out };
    }
    // (x - sub) * (mul / div) + add: one division per column, not per element.
    const s = sub ?? new Float64Array(d);
    const a = Float64Array.from({ length: d }, (_, f) => (mul?.[f] ?? 1) / (div?.[f] ?? 1));
    const c = add ?? new Float64Array(d);
    // Four rows per column visit: the column's coefficients are loaded once for four values.
    const n = block.rows;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const p = i * d;
      for (let f = 0; f < d; f++) {
        const [sf, af, cf] = [s[f] as number, a[f] as number, c[f] as number];
        out[p + f] = ((x[p + f] as number) - sf) * af + cf;
        out[p + d + f] = ((x[p + d + f] as number) - sf) * af + cf;
        out[p + 2 * d + f] = ((x[p + 2 * d + f] as number) - sf) * af + cf;
        out[p + 3 * d + f] = ((x[p + 3 * d + f] as number) - sf) * af + cf;
      }
    }
    for (let p = i * d; p < n * d; p++) out[p] = ((x[p] as number) - (s[p % d] as number)) * (a[p % d] as number) + (c[p % d] as number);
    return { kind: 'dense', rows: block.rows, cols: d, data: out };
  },
  { readOnly: true },
);
