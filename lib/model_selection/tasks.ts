/**
 * Block tasks of the scorers: per row block, the sums a metric needs, merged in a fixed-order tree.
 *
 * @packageDocumentation
 */
import type { Block } from '../dsarray/block.js';
import { toDense } from '../dsarray/blockops.js';
import { defineTask } from '../runtime/index.js';

/**
 * Per target column, 7 numbers: rows, mean of y, sum of squared deviations of y from that mean, sum of
 * squared errors, sum of absolute errors, exact matches, largest absolute error.
 */
export const STATS = 7;

/** Error statistics of a block of true values against a block of predictions (same shape). */
export const errorStatsTask = defineTask(
  'model_selection.errorStats',
  (truth: Block, predicted: Block): Float64Array => {
    const t = toDense(truth);
    const p = toDense(predicted);
    const out = new Float64Array(STATS * t.cols);
    for (let c = 0; c < t.cols; c++) {
      let mean = 0;
      for (let r = 0; r < t.rows; r++) mean += t.data[r * t.cols + c] as number;
      mean /= Math.max(1, t.rows);
      let m2 = 0, sse = 0, sae = 0, hits = 0, worst = 0;
      for (let r = 0; r < t.rows; r++) {
        const y = t.data[r * t.cols + c] as number;
        const e = y - (p.data[r * t.cols + c] as number);
        m2 += (y - mean) ** 2;
        sse += e * e;
        sae += Math.abs(e);
        if (e === 0) hits++;
        worst = Math.max(worst, Math.abs(e));
      }
      out.set([t.rows, mean, m2, sse, sae, hits, worst], STATS * c);
    }
    return out;
  },
  { readOnly: true },
);

/** Merges error statistics in order (Chan et al.'s pairwise update for the mean and the squared deviations). */
export function mergeErrorStats(parts: readonly Float64Array[]): Float64Array {
  const out = Float64Array.from(parts[0] as Float64Array);
  for (const part of parts.slice(1)) {
    for (let o = 0; o < out.length; o += STATS) {
      const [na, ma, nb, mb] = [out[o] as number, out[o + 1] as number, part[o] as number, part[o + 1] as number];
      const n = na + nb;
      const delta = mb - ma;
      out[o] = n;
      out[o + 1] = n === 0 ? 0 : ma + (delta * nb) / n;
      out[o + 2] = (out[o + 2] as number) + (part[o + 2] as number) + (n === 0 ? 0 : (delta * delta * na * nb) / n);
      for (let k = 3; k < 6; k++) out[o + k] = (out[o + k] as number) + (part[o + k] as number);
      out[o + 6] = Math.max(out[o + 6] as number, part[o + 6] as number);
    }
  }
  return out;
}

/** Merge task of the error statistics' reduction tree. */
export const mergeErrorStatsTask = defineTask('model_selection.mergeErrorStats', (parts: Float64Array[]) => mergeErrorStats(parts), { readOnly: true });
