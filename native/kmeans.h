/*
 * The fused K-means (Lloyd) step as plain C, callable without Node-API (native/kmeans_math.c):
 * nearest center of each of the n rows of x (n x d, row-major) among the k centers (k x d), ties to the
 * lowest index, with per-center Float64 sums (k x d) and counts (k) and the inertia of the block.
 * `labels` (n entries) may be NULL. `sums` and `counts` are overwritten. Returns 0, or -1 when out of
 * memory. k must be at least 1.
 */
#ifndef DISLIB_KMEANS_H
#define DISLIB_KMEANS_H

#include <stddef.h>
#include <stdint.h>

int dislib_kmeans_step_f64(const double *x, size_t n, size_t d, const double *centers, size_t k, int32_t *labels,
                           double *sums, double *counts, double *inertia);

int dislib_kmeans_step_f32(const float *x, size_t n, size_t d, const float *centers, size_t k, int32_t *labels,
                           double *sums, double *counts, double *inertia);

#endif
