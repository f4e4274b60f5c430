/**
 * Dataset generators: seeded, recompute-only ds-arrays whose values do not depend on the blocking or
 * the number of workers, so tests and benches can use sets larger than memory without files.
 *
 * @packageDocumentation
 */
export type { GeneratorOptions } from './grid.js';
export { makeBlobs, type MakeBlobsOptions, type Blobs } from './blobs.js';
export { makeClassification, type MakeClassificationOptions, type Classification } from './classification.js';
export { makeRegression, type MakeRegressionOptions, type Regression } from './regression.js';
export { makeLowRankRatings, type MakeLowRankRatingsOptions, type LowRankRatings } from './ratings.js';
