/**
 * dislib-ts: distributed machine learning on blocked distributed arrays.
 *
 * @packageDocumentation
 */
export * from './errors.js';

// --- kernels (lib/kernels) ---

// --- runtime (lib/runtime) ---
export * from './runtime/index.js';

// --- ds-array (lib/dsarray) ---

// --- estimators (lib/base, lib/cluster, ...) ---
