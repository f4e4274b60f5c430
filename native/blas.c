/*
 * BLAS-backed kernels: gemm, squared row norms and pairwise squared distances (the fused K-means step is
 * in kmeans_math.c). Float64 and Float32 share one body through the *_IMPL macros (T = element type).
 */
#include <math.h>
#include <stdlib.h>

#include "blas.h"
#include "kernels.h"
#include "napi_args.h"


static napi_value k_set_blas_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t n;
  if (!args_get(env, info, 1, argv) || !arg_dim(env, argv[0], "threads", &n)) return NULL;
  if (n < 1) n = 1;
  blas.set_threads((int)n);
  return NULL;
}

static napi_value k_get_blas_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, blas.get_threads(), &out);
  return out;
}

/* gemm(transA, transB, m, n, k, alpha, a, b, beta, c) */
static napi_value k_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  bool ta, tb;
  size_t m, n, k, sa, sb, sc;
  double alpha, beta;
  typed_arg a, b, c;
  if (!args_get(env, info, 10, argv) || !arg_bool(env, argv[0], "transA", &ta) || !arg_bool(env, argv[1], "transB", &tb) ||
      !arg_dim(env, argv[2], "m", &m) || !arg_dim(env, argv[3], "n", &n) || !arg_dim(env, argv[4], "k", &k) ||
      !arg_number(env, argv[5], "alpha", &alpha) || !arg_number(env, argv[8], "beta", &beta) ||
      !mul_size(env, m, k, &sa) || !mul_size(env, k, n, &sb) || !mul_size(env, m, n, &sc) ||
      !arg_float(env, argv[6], "a", sa, &a) || !arg_float(env, argv[7], "b", sb, &b) || !arg_float(env, argv[9], "c", sc, &c)) {
    return NULL;
  }
  if (a.type != c.type || b.type != c.type) return throw_error(env, "gemm: a, b and c must have the same dtype");
  if (m == 0 || n == 0) return NULL;
  /* Leading dimensions of row-major matrices; BLAS wants >= 1 even for an empty one. */
  size_t lda = ta ? m : k, ldb = tb ? k : n;
  lda += lda == 0;
  ldb += ldb == 0;
  int rc = c.type == napi_float64_array
               ? blas_dgemm(ta, tb, m, n, k, alpha, a.data, lda, b.data, ldb, beta, c.data, n)
               : blas_sgemm(ta, tb, m, n, k, (float)alpha, a.data, lda, b.data, ldb, (float)beta, c.data, n);
  return rc == 0 ? NULL : throw_oom(env);
}

#define ROW_SQ_NORMS_IMPL(NAME, T)                                   \
  static void NAME(const T *x, size_t n, size_t d, double *out) {    \
    for (size_t i = 0; i < n; i++) {                                 \
      const T *row = x + i * d;                                      \
      double s = 0;                                                  \
      for (size_t j = 0; j < d; j++) s += (double)row[j] * row[j];  \
      out[i] = s;                                                    \
    }                                                                \
  }
ROW_SQ_NORMS_IMPL(row_sq_norms_f64, double)
ROW_SQ_NORMS_IMPL(row_sq_norms_f32, float)

static void row_sq_norms(const typed_arg *x, size_t n, size_t d, double *out) {
  if (x->type == napi_float64_array) row_sq_norms_f64(x->data, n, d, out);
  else row_sq_norms_f32(x->data, n, d, out);
}

/* rowSqNorms(x, n, d) */
static napi_value k_row_sq_norms(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t n, d, sx;
  typed_arg x;
  if (!args_get(env, info, 3, argv) || !arg_dim(env, argv[1], "n", &n) || !arg_dim(env, argv[2], "d", &d) ||
      !mul_size(env, n, d, &sx) || !arg_float(env, argv[0], "x", sx, &x)) {
    return NULL;
  }
  double *out;
  napi_value result = new_f64(env, n, &out);
  if (result) row_sq_norms(&x, n, d, out);
  return result;
}

/* A Float64 copy of a Float32 matrix (pairwise distances are computed in double whatever the input). */
static double *as_f64(const typed_arg *a, size_t len, bool *owned) {
  *owned = a->type != napi_float64_array;
  if (!*owned) return a->data;
  double *out = malloc(len * sizeof(double) + 1);
  if (out) for (size_t i = 0; i < len; i++) out[i] = ((const float *)a->data)[i];
  return out;
}

/* pairwiseSqDist(x, n, y, m, d) -> n x m Float64Array */
static napi_value k_pairwise_sq_dist(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t n, m, d, sx, sy, so;
  typed_arg x, y;
  if (!args_get(env, info, 5, argv) || !arg_dim(env, argv[1], "n", &n) || !arg_dim(env, argv[3], "m", &m) ||
      !arg_dim(env, argv[4], "d", &d) || !mul_size(env, n, d, &sx) || !mul_size(env, m, d, &sy) || !mul_size(env, n, m, &so) ||
      !arg_float(env, argv[0], "x", sx, &x) || !arg_float(env, argv[2], "y", sy, &y)) {
    return NULL;
  }
  if (x.type != y.type) return throw_error(env, "pairwiseSqDist: x and y must have the same dtype");
  double *out;
  napi_value result = new_f64(env, so, &out);
  /* With d == 0 every distance is 0, which the zero-filled result already holds. */
  if (!result || n == 0 || m == 0 || d == 0) return result;
  bool own_x, own_y;
  double *xd = as_f64(&x, sx, &own_x), *yd = as_f64(&y, sy, &own_y);
  double *nx = malloc(n * sizeof(double)), *ny = malloc(m * sizeof(double));
  bool ok = xd && yd && nx && ny;
  if (ok) {
    row_sq_norms_f64(xd, n, d, nx);
    row_sq_norms_f64(yd, m, d, ny);
    ok = blas_dgemm(false, true, n, m, d, -2.0, xd, d, yd, d, 0.0, out, m) == 0;
  }
  if (ok) {
    for (size_t i = 0; i < n; i++) {
      double *row = out + i * m;
      for (size_t j = 0; j < m; j++) {
        double v = row[j] + nx[i] + ny[j];
        row[j] = v > 0 ? v : (v == v ? 0 : v);
      }
    }
  }
  if (own_x) free(xd);
  if (own_y) free(yd);
  free(nx);
  free(ny);
  return ok ? result : throw_oom(env);
}

DISLIB_EXPORT("setBlasThreads", k_set_blas_threads)
DISLIB_EXPORT("getBlasThreads", k_get_blas_threads)
DISLIB_EXPORT("gemm", k_gemm)
DISLIB_EXPORT("rowSqNorms", k_row_sq_norms)
DISLIB_EXPORT("pairwiseSqDist", k_pairwise_sq_dist)
