/*
 * A plain C program around native/kmeans.h, without Node-API: proves the K-means math links and runs on
 * its own (test/kernels/kmeans-c.test.ts builds it with the built-in GEMM). Usage: kmeans_math_main n d k,
 * with x (n x d) then the centers (k x d) as float64 on stdin; writes labels (int32), sums, counts and
 * the inertia (float64) to stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include "blas.h"
#include "kmeans.h"

blas_ops blas = {builtin_dgemm, builtin_sgemm, builtin_set_threads, builtin_get_threads, {0}};

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  size_t n = strtoul(argv[1], NULL, 10), d = strtoul(argv[2], NULL, 10), k = strtoul(argv[3], NULL, 10);
  double *x = malloc(n * d * sizeof(double) + 1), *c = malloc(k * d * sizeof(double) + 1);
  double *sums = malloc(k * d * sizeof(double) + 1), *counts = malloc(k * sizeof(double)), inertia;
  int32_t *labels = malloc(n * sizeof(int32_t) + 1);
  if (!x || !c || !sums || !counts || !labels) return 3;
  if (fread(x, sizeof(double), n * d, stdin) != n * d || fread(c, sizeof(double), k * d, stdin) != k * d) return 4;
  if (dislib_kmeans_step_f64(x, n, d, c, k, labels, sums, counts, &inertia) != 0) return 5;
  fwrite(labels, sizeof(int32_t), n, stdout);
  fwrite(sums, sizeof(double), k * d, stdout);
  fwrite(counts, sizeof(double), k, stdout);
  fwrite(&inertia, sizeof(double), 1, stdout);
  return 0;
}
