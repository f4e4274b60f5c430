/*
 * The fused K-means (Lloyd) step over one block, never materialising more than a chunk x k score matrix:
 *   score(i, j) = -2 x_i.c_j          (GEMM per chunk of rows, or a register-blocked kernel for small k)
 *   label(i)    = argmin_j ||c_j||^2 + score(i, j)        (ties to the lowest index)
 *   inertia    += max(0, ||x_i||^2 + min_j(...))          (clamped against cancellation)
 * with Float64 sums and counts per center. Float64 and Float32 share one body through the *_IMPL macros.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas_util.h"
#include "kernels.h"
#include "napi_args.h"

/*
 * Below this many centers OpenBLAS's GEMM runs far under peak (the N dimension is too narrow for its
 * micro-kernel: ~4.5 GFLOP/s at k = 8 on Zen 2), so the scores come from the register-blocked kernel below.
 */
#define SMALL_K_MAX 32
/* Rows per chunk on the small-k path: their text stays in L1 between the scores and the assignment. */
#define SMALL_CHUNK 16

/* Compile the hot loops for x86-64-v3 (AVX2 + FMA) too, picked at load time, while the build stays portable. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
#endif
#ifndef MULTIVERSION
#define MULTIVERSION
#endif

/* 32-byte vectors (GCC/Clang vector extensions; lowered to SSE2 pairs where AVX is absent). */
typedef double v_f64 __attribute__((vector_size(32)));
typedef float v_f32 __attribute__((vector_size(32)));
#define VLEN(T) (32 / sizeof(T))
/* Centers per register block: two vectors. The transposed centers are zero-padded to a multiple of it. */
#define CBLOCK(T) (2 * VLEN(T))
/* Rows per register block: 4 rows x 2 vectors = 8 independent accumulators, enough to hide FMA latency. */
#define RBLOCK 4

/* Rows per chunk: the chunk's rows and scores should stay in L2 (~1 MiB), with >= 64 rows per GEMM call. */
static size_t chunk_rows(size_t d, size_t k, size_t elem) {
  size_t per_row = (d + k) * elem;
  size_t rows = ((size_t)1 << 20) / (per_row ? per_row : 1);
  return rows < 64 ? 64 : rows > 4096 ? 4096 : rows;
}

/*
 * score (rows x kp) = -2 X C^T for the small-k path, from ct = C^T (d x kp, kp a multiple of CBLOCK). Each
 * accumulator sums over t in order. Rows go RBLOCK at a time, then one at a time for the remainder.
 */
#define SMALL_SCORES_IMPL(NAME, T, V)                                                          \
  MULTIVERSION static void NAME(const T *x, size_t rows, size_t d, const T *ct, size_t kp,     \
                                T *score) {                                                    \
    const size_t vl = VLEN(T);                                                                 \
    size_t i = 0;                                                                              \
    for (; i < rows; i += (rows - i >= RBLOCK ? RBLOCK : 1)) {                                 \
      size_t rb = rows - i >= RBLOCK ? RBLOCK : 1;                                             \
      for (size_t j0 = 0; j0 < kp; j0 += 2 * vl) {                                             \
        V acc[RBLOCK][2];                                                                      \
        memset(acc, 0, sizeof acc);                                                            \
        for (size_t t = 0; t < d; t++) {                                                       \
          V c0, c1;                                                                            \
          memcpy(&c0, ct + t * kp + j0, sizeof c0);                                            \
          memcpy(&c1, ct + t * kp + j0 + vl, sizeof c1);                                       \
          if (rb == RBLOCK) {                                                                  \
            for (int r = 0; r < RBLOCK; r++) {                                                 \
              V b = (V){0} + x[(i + r) * d + t];                                               \
              acc[r][0] += b * c0;                                                             \
              acc[r][1] += b * c1;                                                             \
            }                                                                                  \
          } else {                                                                             \
            V b = (V){0} + x[i * d + t];                                                       \
            acc[0][0] += b * c0;                                                               \
            acc[0][1] += b * c1;                                                               \
          }                                                                                    \
        }                                                                                      \
        for (size_t r = 0; r < rb; r++) {                                                      \
          V s0 = acc[r][0] * (T)-2, s1 = acc[r][1] * (T)-2;                                    \
          memcpy(score + (i + r) * kp + j0, &s0, sizeof s0);                                   \
          memcpy(score + (i + r) * kp + j0 + vl, &s1, sizeof s1);                              \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }
SMALL_SCORES_IMPL(small_scores_f64, double, v_f64)
SMALL_SCORES_IMPL(small_scores_f32, float, v_f32)

/* ||x||^2 of one row with independent vector accumulators (a single running sum is latency-bound). */
static inline double sq_norm_f64(const double *x, size_t d) {
  v_f64 a0 = {0}, a1 = {0};
  size_t t = 0;
  for (; t + 8 <= d; t += 8) {
    v_f64 u, w;
    memcpy(&u, x + t, sizeof u);
    memcpy(&w, x + t + 4, sizeof w);
    a0 += u * u;
    a1 += w * w;
  }
  a0 += a1;
  double s = (a0[0] + a0[1]) + (a0[2] + a0[3]);
  for (; t < d; t++) s += x[t] * x[t];
  return s;
}

static inline double sq_norm_f32(const float *x, size_t d) {
  typedef float v4_f32 __attribute__((vector_size(16)));
  v_f64 a0 = {0};
  size_t t = 0;
  for (; t + 4 <= d; t += 4) {
    v4_f32 u;
    memcpy(&u, x + t, sizeof u);
    v_f64 w = __builtin_convertvector(u, v_f64);
    a0 += w * w;
  }
  double s = (a0[0] + a0[1]) + (a0[2] + a0[3]);
  for (; t < d; t++) s += (double)x[t] * x[t];
  return s;
}

typedef int64_t v_i64 __attribute__((vector_size(32)));

/* Four scores cn[j..j+3] + s[j..j+3] as doubles. */
static inline v_f64 load_scores_f64(const double *s, const double *cn, size_t j) {
  v_f64 a, b;
  memcpy(&a, s + j, sizeof a);
  memcpy(&b, cn + j, sizeof b);
  return a + b;
}

static inline v_f64 load_scores_f32(const float *s, const double *cn, size_t j) {
  typedef float v4_f32 __attribute__((vector_size(16)));
  v4_f32 a;
  v_f64 b;
  memcpy(&a, s + j, sizeof a);
  memcpy(&b, cn + j, sizeof b);
  return __builtin_convertvector(a, v_f64) + b;
}

/*
 * Index of the smallest cn[j] + s[j], ties to the lowest index: four lanes keep their own running minimum
 * (strict <, so the earliest index wins within a lane), then the lanes are merged preferring lower indices.
 */
#define ARGMIN_IMPL(NAME, T, LOAD)                                                     \
  static inline size_t NAME(const T *s, const double *cn, size_t k) {                   \
    size_t j = 0, bj = 0;                                                              \
    double best = 1.0 / 0.0;                                                           \
    if (k >= 4) {                                                                      \
      v_f64 bv = LOAD(s, cn, 0);                                                       \
      v_i64 bi = {0, 1, 2, 3}, idx = bi;                                               \
      for (j = 4; j + 4 <= k; j += 4) {                                                \
        idx += 4;                                                                      \
        v_f64 v = LOAD(s, cn, j);                                                      \
        v_i64 lt = v < bv;                                                             \
        bv = (v_f64)((lt & (v_i64)v) | (~lt & (v_i64)bv));                             \
        bi = (lt & idx) | (~lt & bi);                                                  \
      }                                                                                \
      best = bv[0];                                                                    \
      bj = (size_t)bi[0];                                                              \
      for (int l = 1; l < 4; l++) {                                                    \
        if (bv[l] < best || (bv[l] == best && (size_t)bi[l] < bj)) {                   \
          best = bv[l];                                                                \
          bj = (size_t)bi[l];                                                          \
        }                                                                              \
      }                                                                                \
    }                                                                                  \
    for (; j < k; j++) {                                                               \
      double v = cn[j] + (double)s[j];                                                 \
      if (v < best || j == 0) {                                                        \
        best = v;                                                                      \
        bj = j;                                                                        \
      }                                                                                \
    }                                                                                  \
    return bj;                                                                         \
  }
ARGMIN_IMPL(argmin_f64, double, load_scores_f64)
ARGMIN_IMPL(argmin_f32, float, load_scores_f32)

/*
 * Assign each row of a chunk from its scores (row stride `stride`) and accumulate sums, counts, inertia.
 * Returns the chunk's inertia.
 */
#define ASSIGN_IMPL(NAME, T, SQ_NORM, ARGMIN)                                                                         \
  MULTIVERSION static double NAME(const T *x, size_t rows, size_t d, const T *score, size_t stride,    \
                                  const double *cn, size_t k, int32_t *labels, double *sums,           \
                                  double *counts) {                                                    \
    double inertia = 0;                                                                                \
    for (size_t i = 0; i < rows; i++) {                                                                \
      const T *si = score + i * stride;                                                                \
      size_t bj = ARGMIN(si, cn, k);                                                                   \
      double best = cn[bj] + (double)si[bj]; /* recomputed so that a NaN score stays NaN */           \
      const T *xi = x + i * d;                                                                         \
      double *sb = sums + bj * d, xn = SQ_NORM(xi, d);                                                 \
      for (size_t t = 0; t < d; t++) sb[t] += (double)xi[t];                                           \
      double dist = xn + best;                                                                         \
      inertia += dist > 0 ? dist : (dist == dist ? 0 : dist);                                          \
      counts[bj] += 1;                                                                                 \
      if (labels) labels[i] = (int32_t)bj;                                                             \
    }                                                                                                  \
    return inertia;                                                                                    \
  }
ASSIGN_IMPL(assign_f64, double, sq_norm_f64, argmin_f64)
ASSIGN_IMPL(assign_f32, float, sq_norm_f32, argmin_f32)

/* The whole step for n >= 1 rows and k >= 1 centers. Returns 0, or -1 when out of memory. */
#define KMEANS_IMPL(NAME, T, GEMM, SMALL_SCORES, ASSIGN)                                                           \
  static int NAME(const T *x, size_t n, size_t d, const T *c, size_t k, int32_t *labels, double *sums,             \
                  double *counts, double *inertia_out) {                                                            \
    int small = k <= SMALL_K_MAX;                                                                                   \
    size_t stride = small ? (k + CBLOCK(T) - 1) / CBLOCK(T) * CBLOCK(T) : k;                                                             \
    /* Small k: chunks of a few rows, assigned while still in L1 (the scores are tiny). */                          \
    size_t chunk = small ? SMALL_CHUNK : chunk_rows(d, stride, sizeof(T));                                          \
    if (chunk > n) chunk = n;                                                                                       \
    T *score = malloc(chunk * stride * sizeof(T));                                                                  \
    T *ct = small ? calloc(d * stride + 1, sizeof(T)) : NULL;                                                       \
    double *cn = malloc(k * sizeof(double));                                                                        \
    if (!score || !cn || (small && !ct)) {                                                                          \
      free(score);                                                                                                  \
      free(ct);                                                                                                     \
      free(cn);                                                                                                     \
      return -1;                                                                                                    \
    }                                                                                                               \
    for (size_t j = 0; j < k; j++) {                                                                                \
      double s = 0;                                                                                                 \
      for (size_t t = 0; t < d; t++) {                                                                              \
        s += (double)c[j * d + t] * c[j * d + t];                                                                   \
        if (small) ct[t * stride + j] = c[j * d + t];                                                               \
      }                                                                                                             \
      cn[j] = s;                                                                                                    \
    }                                                                                                               \
    double inertia = 0;                                                                                             \
    for (size_t r0 = 0; r0 < n; r0 += chunk) {                                                                      \
      size_t rows = n - r0 < chunk ? n - r0 : chunk;                                                                \
      const T *xc = x + r0 * d;                                                                                     \
      /* Streaming from memory is latency-bound unless the next chunk is requested ahead. */                       \
      if (small) {                                                                                                  \
        const T *next = xc + rows * d, *end = x + n * d;                                                            \
        for (const T *p = next; p < next + rows * d && p < end; p += 64 / sizeof(T)) __builtin_prefetch(p);         \
        SMALL_SCORES(xc, rows, d, ct, stride, score);                                                               \
      } else if (d > 0) {                                                                                           \
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (blasint)rows, (blasint)k, (blasint)d, (T)-2, xc, (blasint)d, \
             c, (blasint)d, (T)0, score, (blasint)k);                                                               \
      } else {                                                                                                      \
        for (size_t t = 0; t < rows * k; t++) score[t] = 0;                                                         \
      }                                                                                                             \
      inertia += ASSIGN(xc, rows, d, score, stride, cn, k, labels ? labels + r0 : NULL, sums, counts);              \
    }                                                                                                               \
    free(score);                                                                                                    \
    free(ct);                                                                                                       \
    free(cn);                                                                                                       \
    *inertia_out = inertia;                                                                                         \
    return 0;                                                                                                       \
  }
KMEANS_IMPL(kmeans_f64, double, cblas_dgemm, small_scores_f64, assign_f64)
KMEANS_IMPL(kmeans_f32, float, cblas_sgemm, small_scores_f32, assign_f32)

/* kmeansStep(x, n, d, centers, k, labels?) -> { sums, counts, inertia } */
napi_value k_kmeans_step(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  size_t n, d, k, sx, sc;
  typed_arg x, c, lab = {0};
  if (!args_get(env, info, 6, argv) || !arg_dim(env, argv[1], "n", &n) || !arg_dim(env, argv[2], "d", &d) ||
      !arg_dim(env, argv[4], "k", &k) || !mul_size(env, n, d, &sx) || !mul_size(env, k, d, &sc) ||
      !arg_float(env, argv[0], "x", sx, &x) || !arg_float(env, argv[3], "centers", sc, &c)) {
    return NULL;
  }
  if (c.type != x.type) return throw_error(env, "kmeansStep: x and centers must have the same dtype");
  if (k == 0) return throw_error(env, "kmeansStep: k must be at least 1");
  bool with_labels = !arg_is_absent(env, argv[5]);
  if (with_labels && !arg_typed(env, argv[5], "labels", napi_int32_array, n, &lab)) return NULL;
  double *sums, *counts, inertia = 0;
  napi_value vsums = new_f64(env, sc, &sums), vcounts = vsums ? new_f64(env, k, &counts) : NULL;
  if (!vcounts) return NULL;
  if (n > 0) {
    int32_t *labels = with_labels ? lab.data : NULL;
    int rc = x.type == napi_float64_array ? kmeans_f64(x.data, n, d, c.data, k, labels, sums, counts, &inertia)
                                          : kmeans_f32(x.data, n, d, c.data, k, labels, sums, counts, &inertia);
    if (rc != 0) return throw_oom(env);
  }
  napi_value result, vinertia;
  napi_create_object(env, &result);
  napi_create_double(env, inertia, &vinertia);
  if (!set_prop(env, result, "sums", vsums) || !set_prop(env, result, "counts", vcounts) ||
      !set_prop(env, result, "inertia", vinertia)) {
    return NULL;
  }
  return result;
}
