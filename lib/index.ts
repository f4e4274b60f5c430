/**
 * dislib-ts: distributed machine learning on blocked distributed arrays.
 *
 * @packageDocumentation
 */
export * from './errors.js';

// --- kernels (lib/kernels) ---
export * from './kernels/index.js';

// --- runtime (lib/runtime) ---
export * from './runtime/index.js';
export { generateKeyPair, publicKeyOf, readKeyFile, readPublicKey, writeKeyFile, type KeyPair } from './runtime/security.js';

// --- ds-array (lib/dsarray) ---
export * from './dsarray/index.js';
export * from './dsarray/io/index.js';

// --- datasets (lib/datasets) ---
export * from './datasets/index.js';

// --- estimators (lib/base, lib/cluster, ...) ---
export * from './base/index.js';
export * from './cluster/kmeans/index.js';
export * from './model_selection/index.js';
export * from './preprocessing/index.js';
