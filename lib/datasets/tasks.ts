/**
 * Block tasks of the dataset generators. Their blocks are submitted recompute-only: the runtime may drop
 * them under memory pressure and run the task again, which gives the same bits.
 *
 * @packageDocumentation
 */
import { taskModule } from '../runtime/index.js';
import type { DType } from '../dsarray/block.js';
import {
  blobsBlock,
  classificationBlock,
  classificationLabels,
  factorBlock,
  groupLabels,
  ratingsBlock,
  regressionBlock,
  regressionTargets,
  type BlobsPlan,
  type ClassificationPlan,
  type RatingsPlan,
  type RegressionPlan,
  type RowOrder,
} from './blocks.js';

const defineTask = taskModule(import.meta.url);

const recompute = { recomputeOnly: true };

/** makeBlobs: block of x. */
export const blobsTask = defineTask(
  'datasets.blobs',
  (p: BlobsPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType) => blobsBlock(p, row0, rows, col0, cols, dtype),
  recompute,
);

/** makeBlobs: labels (center index) of a row block. */
export const groupLabelsTask = defineTask(
  'datasets.groupLabels',
  (p: RowOrder, row0: number, rows: number, dtype: DType) => groupLabels(p, row0, rows, dtype),
  recompute,
);

/** makeClassification: block of x. */
export const classificationTask = defineTask(
  'datasets.classification',
  (p: ClassificationPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType) => classificationBlock(p, row0, rows, col0, cols, dtype),
  recompute,
);

/** makeClassification: labels of a row block. */
export const classificationLabelsTask = defineTask(
  'datasets.classificationLabels',
  (p: ClassificationPlan, row0: number, rows: number, dtype: DType) => classificationLabels(p, row0, rows, dtype),
  recompute,
);

/** makeRegression: block of x. */
export const regressionTask = defineTask(
  'datasets.regression',
  (p: RegressionPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType) => regressionBlock(p, row0, rows, col0, cols, dtype),
  recompute,
);

/** makeRegression: targets of a row block. */
export const regressionTargetsTask = defineTask(
  'datasets.regressionTargets',
  (p: RegressionPlan, row0: number, rows: number, dtype: DType) => regressionTargets(p, row0, rows, dtype),
  recompute,
);

/** makeLowRankRatings: CSR block of ratings. */
export const ratingsTask = defineTask(
  'datasets.ratings',
  (p: RatingsPlan, row0: number, rows: number, col0: number, cols: number, dtype: DType) => ratingsBlock(p, row0, rows, col0, cols, dtype),
  recompute,
);

/** makeLowRankRatings: block of user or item factors. */
export const factorsTask = defineTask(
  'datasets.factors',
  (p: RatingsPlan, items: boolean, row0: number, rows: number, col0: number, cols: number, dtype: DType) => factorBlock(p, items, row0, rows, col0, cols, dtype),
  recompute,
);
