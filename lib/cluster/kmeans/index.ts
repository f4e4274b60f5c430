/**
 * K-means clustering on ds-arrays.
 *
 * @packageDocumentation
 */
export { KMeans, type KMeansOptions, type KMeansParams, type KMeansState } from './kmeans.js';
export type { KMeansInit } from './init.js';
