/*
 * The fused K-means (Lloyd) step over one block, never materialising more than a chunk x k score matrix:
 *   score(i, j) = -2 x_i.c_j          (GEMM per chunk of rows, or a register-blocked kernel for small k)
 *   label(i)    = argmin_j ||c_j||^2 + score(i, j)        (ties to the lowest index)
 *   inertia    += max(0, ||x_i||^2 + min_j(...))          (clamped against cancellation)
 * with Float64 sums and counts per center. Float64 and Float32 share one body through the *_IMPL macros.
 * Plain C (no Node-API): the entry points are declared in kmeans.h; kmeans_napi.c exposes them to JavaScript.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kmeans.h"

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

/* Rows per chunk: the chunk's rows and scores should stay in L2 (~1 MiB), with >= 64 rows per GEMM call. */
static size_t chunk_rows(size_t d, size_t k, size_t elem) {
  size_t per_row = (d + k) * elem;
  size_t rows = ((size_t)1 << 20) / (per_row ? per_row : 1);
  return rows < 64 ? 64 : rows > 4096 ? 4096 : rows;
}

/* Rows ahead of the current row block whose cache lines the small-k loop requests (see below). */
#define PREFETCH_ROWS 16

/*
 * score (rows x kp) = -2 X C^T for the small-k path, from ct = C^T (d x kp, kp a multiple of CBLOCK). A
 * register block is RB rows x CV vectors of centers: per t, CV loads of ct and RB broadcasts of x feed
 * RB x CV independent FMA chains (enough to cover FMA latency). Each accumulator sums over t in order.
 * Rows go RB at a time, then one at a time for the remainder. A row is only a dozen cache lines, too
 * short for the hardware prefetchers to follow, so the loop requests the lines of the rows
 * PREFETCH_ROWS ahead (up to `ahead` elements past x), one line per row every line's worth of t.
 */
#define SMALL_SCORES_IMPL(NAME, ATTR, T, V, RB, CV)                                                          \
  ATTR static void NAME(const T *x, size_t rows, size_t d, const T *ct, size_t kp, T *score, size_t ahead) { \
    const size_t vl = sizeof(V) / sizeof(T), line = 64 / sizeof(T);                                         \
    size_t i = 0;                                                                              \
    for (; i + RB <= rows; i += RB) {                                                          \
      for (size_t j0 = 0; j0 < kp; j0 += CV * vl) {                                            \
        V acc[RB][CV];                                                                         \
        for (int r = 0; r < RB; r++)                                                           \
          for (int v = 0; v < CV; v++) acc[r][v] = (V){0};                                     \
        for (size_t t = 0; t < d; t++) {                                                       \
          V c[CV];                                                                             \
          for (int v = 0; v < CV; v++) memcpy(&c[v], ct + t * kp + j0 + v * vl, sizeof(V));   \
          if (t % line == 0)                                                                   \
            for (int r = 0; r < RB; r++) {                                                     \
              size_t at = (i + r + PREFETCH_ROWS) * d + t;                                     \
              if (at < ahead) __builtin_prefetch(x + at);                                      \
            }                                                                                  \
          for (int r = 0; r < RB; r++) {                                                       \
            T b = x[(i + r) * d + t];                                                          \
            for (int v = 0; v < CV; v++) acc[r][v] += b * c[v];                                \
          }                                                                                    \
        }                                                                                      \
        for (int r = 0; r < RB; r++)                                                           \
          for (int v = 0; v < CV; v++) {                                                       \
            V s = acc[r][v] * (T)-2;                                                           \
            memcpy(score + (i + r) * kp + j0 + v * vl, &s, sizeof(V));                         \
          }                                                                                    \
      }                                                                                        \
    }                                                                                          \
    for (; i < rows; i++) {                                                                    \
      for (size_t j0 = 0; j0 < kp; j0 += vl) {                                                 \
        V acc = {0};                                                                           \
        for (size_t t = 0; t < d; t++) {                                                       \
          V c;                                                                                 \
          memcpy(&c, ct + t * kp + j0, sizeof(V));                                             \
          acc += x[i * d + t] * c;                                                             \
        }                                                                                      \
        acc *= (T)-2;                                                                          \
        memcpy(score + i * kp + j0, &acc, sizeof(V));                                          \
      }                                                                                        \
    }                                                                                          \
  }
/* 4 rows x 2 vectors of 32 bytes: 8 accumulators in 16 registers (AVX2, or SSE2 pairs). */
SMALL_SCORES_IMPL(small_scores_f64, MULTIVERSION, double, v_f64, 4, 2)
SMALL_SCORES_IMPL(small_scores_f32, MULTIVERSION, float, v_f32, 4, 2)

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX512_PATH 1
/* 8 rows x 1 vector of 64 bytes: a CBLOCK of centers is one register, x comes as embedded broadcasts. */
typedef double v8_f64 __attribute__((vector_size(64)));
typedef float v16_f32 __attribute__((vector_size(64)));
#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
SMALL_SCORES_IMPL(small_scores512_f64, AVX512, double, v8_f64, 8, 1)
SMALL_SCORES_IMPL(small_scores512_f32, AVX512, float, v16_f32, 8, 1)

/*
 * Whether the AVX-512 loops run: the CPU (and OS) support them and DISLIB_NATIVE_AVX512 is not "0" (which
 * lets the tests cover the 32-byte loops on an AVX-512 machine). Decided once.
 */
static int avx512(void) {
  static int known = -1;
  if (known < 0) {
    const char *want = getenv("DISLIB_NATIVE_AVX512");
    __builtin_cpu_init();
    known = !(want && strcmp(want, "0") == 0) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
  }
  return known;
}
#endif

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

#ifdef HAVE_AVX512_PATH
#include <immintrin.h>

/* Eight scores cn[j..] + s[j..] as doubles; lanes past k and NaN lanes read +inf (they never win). */
AVX512 static inline __m512d scores8_f64(const double *s, const double *cn, size_t j, size_t k) {
  __mmask8 in = k - j >= 8 ? 0xff : (__mmask8)((1u << (k - j)) - 1);
  __m512d v = _mm512_add_pd(_mm512_maskz_loadu_pd(in, s + j), _mm512_maskz_loadu_pd(in, cn + j));
  return _mm512_mask_blend_pd(in & _mm512_cmp_pd_mask(v, v, _CMP_ORD_Q), _mm512_set1_pd(1.0 / 0.0), v);
}

AVX512 static inline __m512d scores8_f32(const float *s, const double *cn, size_t j, size_t k) {
  __mmask8 in = k - j >= 8 ? 0xff : (__mmask8)((1u << (k - j)) - 1);
  __m512d v = _mm512_add_pd(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(in, s + j)), _mm512_maskz_loadu_pd(in, cn + j));
  return _mm512_mask_blend_pd(in & _mm512_cmp_pd_mask(v, v, _CMP_ORD_Q), _mm512_set1_pd(1.0 / 0.0), v);
}

/*
 * The same choice as ARGMIN_IMPL (a scan with strict <, ties to the lowest index, a NaN first score wins,
 * later NaNs never do) without a data-dependent branch: eight lanes keep running minima, then the lowest
 * index among the lanes holding the overall minimum.
 */
#define ARGMIN512_IMPL(NAME, T, SCORES8)                                                   \
  AVX512 static inline size_t NAME(const T *s, const double *cn, size_t k) {                \
    double first = cn[0] + (double)s[0];                                                  \
    if (first != first) return 0;                                                         \
    __m512i idx = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), bi = idx;                    \
    __m512d bv = SCORES8(s, cn, 0, k);                                                    \
    for (size_t j = 8; j < k; j += 8) {                                                   \
      idx = _mm512_add_epi64(idx, _mm512_set1_epi64(8));                                  \
      __m512d v = SCORES8(s, cn, j, k);                                                   \
      __mmask8 lt = _mm512_cmp_pd_mask(v, bv, _CMP_LT_OQ);                                \
      bv = _mm512_mask_mov_pd(bv, lt, v);                                                 \
      bi = _mm512_mask_mov_epi64(bi, lt, idx);                                            \
    }                                                                                     \
    __mmask8 at = _mm512_cmp_pd_mask(bv, _mm512_set1_pd(_mm512_reduce_min_pd(bv)), _CMP_EQ_OQ); \
    return (size_t)_mm512_mask_reduce_min_epi64(at, bi);                                  \
  }
ARGMIN512_IMPL(argmin512_f64, double, scores8_f64)
ARGMIN512_IMPL(argmin512_f32, float, scores8_f32)

/* Eight values of a row as doubles. */
AVX512 static inline __m512d row8_f64(const double *x) { return _mm512_loadu_pd(x); }
AVX512 static inline __m512d row8_f32(const float *x) { return _mm512_cvtps_pd(_mm256_loadu_ps(x)); }

/*
 * ASSIGN_IMPL with 8-lane vectors, in groups of rows: all their argmins first (independent, so they
 * overlap), then each row is read once for both its squared norm and its center's sums.
 */
#define ASSIGN512_IMPL(NAME, T, ROW8, ARGMIN)                                                            \
  AVX512 static double NAME(const T *x, size_t rows, size_t d, const T *score, size_t stride,            \
                            const double *cn, size_t k, int32_t *labels, double *sums, double *counts) {  \
    double inertia = 0;                                                                                \
    size_t group[SMALL_CHUNK];                                                                         \
    for (size_t i0 = 0; i0 < rows; i0 += SMALL_CHUNK) {                                                \
      size_t g = rows - i0 < SMALL_CHUNK ? rows - i0 : SMALL_CHUNK;                                    \
      for (size_t r = 0; r < g; r++) group[r] = ARGMIN(score + (i0 + r) * stride, cn, k);              \
      for (size_t r = 0; r < g; r++) {                                                                 \
        size_t i = i0 + r, bj = group[r];                                                              \
        double best = cn[bj] + (double)score[i * stride + bj]; /* recomputed: a NaN score stays NaN */ \
        const T *xi = x + i * d;                                                                       \
        double *sb = sums + bj * d;                                                                    \
        __m512d n0 = _mm512_setzero_pd(), n1 = _mm512_setzero_pd();                                   \
        size_t t = 0;                                                                                  \
        for (; t + 16 <= d; t += 16) {                                                                 \
          __m512d u = ROW8(xi + t), w = ROW8(xi + t + 8);                                              \
          _mm512_storeu_pd(sb + t, _mm512_add_pd(_mm512_loadu_pd(sb + t), u));                         \
          _mm512_storeu_pd(sb + t + 8, _mm512_add_pd(_mm512_loadu_pd(sb + t + 8), w));                 \
          n0 = _mm512_fmadd_pd(u, u, n0);                                                              \
          n1 = _mm512_fmadd_pd(w, w, n1);                                                              \
        }                                                                                              \
        if (t + 8 <= d) {                                                                              \
          __m512d u = ROW8(xi + t);                                                                    \
          _mm512_storeu_pd(sb + t, _mm512_add_pd(_mm512_loadu_pd(sb + t), u));                         \
          n0 = _mm512_fmadd_pd(u, u, n0);                                                              \
          t += 8;                                                                                      \
        }                                                                                              \
        /* The last d % 8 columns one by one: a masked store would stall the next row's load of them. */ \
        double xn = 0;                                                                                 \
        for (; t < d; t++) {                                                                           \
          double v = (double)xi[t];                                                                    \
          sb[t] += v;                                                                                  \
          xn += v * v;                                                                                 \
        }                                                                                              \
        double dist = _mm512_reduce_add_pd(_mm512_add_pd(n0, n1)) + xn + best;                         \
        inertia += dist > 0 ? dist : (dist == dist ? 0 : dist);                                        \
        counts[bj] += 1;                                                                               \
        if (labels) labels[i] = (int32_t)bj;                                                           \
      }                                                                                                \
    }                                                                                                  \
    return inertia;                                                                                    \
  }
ASSIGN512_IMPL(assign512_f64, double, row8_f64, argmin512_f64)
ASSIGN512_IMPL(assign512_f32, float, row8_f32, argmin512_f32)
#endif

/* The whole step for n >= 1 rows and k >= 1 centers. Returns 0, or -1 when out of memory. */
#define KMEANS_IMPL(NAME, T, GEMM, SMALL_SCORES, SMALL_SCORES512, ASSIGN, ASSIGN512)                                                           \
  static int NAME(const T *x, size_t n, size_t d, const T *c, size_t k, int32_t *labels, double *sums,             \
                  double *counts, double *inertia_out) {                                                            \
    int small = k <= SMALL_K_MAX, wide = WIDE_SCORES;                                                               \
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
      if (small) {                                                                                                  \
        size_t ahead = (n - r0) * d;                                                                                \
        if (wide) SMALL_SCORES512(xc, rows, d, ct, stride, score, ahead);                                           \
        else SMALL_SCORES(xc, rows, d, ct, stride, score, ahead);                                                   \
      } else if (d > 0) {                                                                                           \
        if (GEMM(false, true, rows, k, d, (T)-2, xc, d, c, d, (T)0, score, k) != 0) {                               \
          free(score);                                                                                              \
          free(ct);                                                                                                 \
          free(cn);                                                                                                 \
          return -1;                                                                                                \
        }                                                                                                           \
      } else {                                                                                                      \
        for (size_t t = 0; t < rows * k; t++) score[t] = 0;                                                         \
      }                                                                                                             \
      int32_t *lc = labels ? labels + r0 : NULL;                                                                    \
      inertia += wide ? ASSIGN512(xc, rows, d, score, stride, cn, k, lc, sums, counts)                              \
                      : ASSIGN(xc, rows, d, score, stride, cn, k, lc, sums, counts);                                \
    }                                                                                                               \
    free(score);                                                                                                    \
    free(ct);                                                                                                       \
    free(cn);                                                                                                       \
    *inertia_out = inertia;                                                                                         \
    return 0;                                                                                                       \
  }
#ifdef HAVE_AVX512_PATH
#define WIDE_SCORES avx512()
#else
#define WIDE_SCORES 0
#define small_scores512_f64 small_scores_f64
#define small_scores512_f32 small_scores_f32
#define assign512_f64 assign_f64
#define assign512_f32 assign_f32
#endif
KMEANS_IMPL(kmeans_f64, double, blas_dgemm, small_scores_f64, small_scores512_f64, assign_f64, assign512_f64)
KMEANS_IMPL(kmeans_f32, float, blas_sgemm, small_scores_f32, small_scores512_f32, assign_f32, assign512_f32)

/*
 * Float64 data, large k: the scores come from a float32 GEMM (about twice the rate of the float64 one)
 * and every row's label is the one the float64 computation gives. With u = 2^-24, values converted to
 * float32 are within u of themselves (relative: every nonzero value lies in [2^-50, 2^50], so nothing
 * underflows or overflows), and a float32 dot product of length d is within gamma_d = d u / (1 - d u) of
 * the sum of the products' magnitudes, so the float32 score of row x against center c is within
 * 2 eps ||x|| ||c|| of -2 x.c, eps = gamma_d (1 + u)^2 + 2u + u^2 (Cauchy-Schwarz). A row whose best
 * center leads every other by more than twice that bound (plus a float64 allowance) is decided; otherwise
 * its candidates within the bound are compared on float64 dot products. Sums, counts and the inertia use
 * the float64 rows and the float64 distance to the chosen center.
 */
/* Below this many centers the per-row bookkeeping outweighs the faster GEMM. */
#define MIXED_K_MIN 64
#define MIXED_LIMIT 0x1p50
#define MIXED_TINY 0x1p-50

/*
 * Converts v (length m) to float32 into out and returns whether every value is 0 or within [2^-50, 2^50]
 * in magnitude (so finite); *sq gets the float64 sum of squares.
 */
static inline int to_f32_checked(const double *v, size_t m, float *out, double *sq) {
  typedef float v4_f32 __attribute__((vector_size(16)));
  const v_f64 tiny = {MIXED_TINY, MIXED_TINY, MIXED_TINY, MIXED_TINY}, limit = {MIXED_LIMIT, MIXED_LIMIT, MIXED_LIMIT, MIXED_LIMIT};
  v_i64 ok = {-1, -1, -1, -1};
  v_f64 acc = {0};
  size_t t = 0;
  for (; t + 4 <= m; t += 4) {
    v_f64 x;
    memcpy(&x, v + t, sizeof x);
    v_f64 a = (v_f64)((v_i64)x & 0x7fffffffffffffffLL);
    ok &= (a == 0) | ((a >= tiny) & (a <= limit));
    acc += x * x;
    v4_f32 f = __builtin_convertvector(x, v4_f32);
    memcpy(out + t, &f, sizeof f);
  }
  int all = (ok[0] & ok[1] & ok[2] & ok[3]) != 0;
  double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; t < m; t++) {
    double a = v[t] < 0 ? -v[t] : v[t];
    all &= (a == 0) | ((a >= MIXED_TINY) & (a <= MIXED_LIMIT));
    s += v[t] * v[t];
    out[t] = (float)v[t];
  }
  *sq = s;
  return all;
}

static double dot_f64(const double *a, const double *b, size_t d) {
  v_f64 a0 = {0}, a1 = {0};
  size_t t = 0;
  for (; t + 8 <= d; t += 8) {
    v_f64 u0, u1, w0, w1;
    memcpy(&u0, a + t, sizeof u0);
    memcpy(&u1, a + t + 4, sizeof u1);
    memcpy(&w0, b + t, sizeof w0);
    memcpy(&w1, b + t + 4, sizeof w1);
    a0 += u0 * w0;
    a1 += u1 * w1;
  }
  a0 += a1;
  double s = (a0[0] + a0[1]) + (a0[2] + a0[3]);
  for (; t < d; t++) s += a[t] * b[t];
  return s;
}

/* Index of the smallest cn[j] - 2 x.c_j over the candidates j, as ARGMIN_IMPL chooses; all j when cand is NULL. */
static size_t exact_argmin(const double *x, const double *c, const double *cn, size_t d, const size_t *cand, size_t m) {
  size_t bj = cand ? cand[0] : 0;
  double best = cn[bj] - 2 * dot_f64(x, c + bj * d, d);
  for (size_t q = 1; q < m; q++) {
    size_t j = cand ? cand[q] : q;
    double v = cn[j] - 2 * dot_f64(x, c + j * d, d);
    if (v < best) {
      best = v;
      bj = j;
    }
  }
  return bj;
}

/*
 * top2_f32##SUFFIX(s, cn, k, &b1, &b2, &bj): the smallest and second smallest of v_j = cn[j] + s[j]
 * (float32, j < k) and an index of the smallest (any one, on ties: a tie leaves the second equal to the
 * smallest). Four sets of vector lanes (VF: float, VI: int32, L lanes) keep their two smallest, so that the
 * comparisons of consecutive vectors do not wait for each other; the sets are merged, then the lanes.
 */
#define TOP2_IMPL(SUFFIX, ATTR, VF, VI, L)                                                                     \
  typedef struct {                                                                                             \
    VF m1, m2;                                                                                                 \
    VI i1;                                                                                                     \
  } top2_lanes##SUFFIX;                                                                                        \
  ATTR static inline __attribute__((always_inline)) void top2_push##SUFFIX(top2_lanes##SUFFIX *t, VF v, VI idx) { \
    VI lt = v < t->m1, lt2 = v < t->m2;                                                                        \
    t->m2 = (VF)((lt & (VI)t->m1) | (~lt & ((lt2 & (VI)v) | (~lt2 & (VI)t->m2))));                            \
    t->m1 = (VF)((lt & (VI)v) | (~lt & (VI)t->m1));                                                            \
    t->i1 = (lt & idx) | (~lt & t->i1);                                                                        \
  }                                                                                                            \
  /* b's lanes pushed into a: the two smallest of the four, the index of the smallest. */                    \
  ATTR static inline __attribute__((always_inline)) void top2_merge##SUFFIX(top2_lanes##SUFFIX *a, const top2_lanes##SUFFIX *b) { \
    VI lt = b->m1 < a->m1;                                                                                     \
    VF hi = (VF)((lt & (VI)a->m1) | (~lt & (VI)b->m1)); /* the larger of the two smallest */                   \
    VI lt2 = a->m2 < b->m2;                                                                                    \
    VF m2 = (VF)((lt2 & (VI)a->m2) | (~lt2 & (VI)b->m2));                                                      \
    VI lt3 = hi < m2;                                                                                          \
    a->m2 = (VF)((lt3 & (VI)hi) | (~lt3 & (VI)m2));                                                            \
    a->m1 = (VF)((lt & (VI)b->m1) | (~lt & (VI)a->m1));                                                        \
    a->i1 = (lt & b->i1) | (~lt & a->i1);                                                                      \
  }                                                                                                            \
  ATTR static inline __attribute__((always_inline)) void top2_f32##SUFFIX(const float *s, const float *cn, size_t k, float *b1, float *b2, size_t *bj) { \
    const float inf = 1.0f / 0.0f;                                                                             \
    VF infs;                                                                                                   \
    VI idx;                                                                                                    \
    for (int l = 0; l < L; l++) infs[l] = inf, idx[l] = l;                                                     \
    top2_lanes##SUFFIX t[4];                                                                                   \
    for (int q = 0; q < 4; q++) t[q] = (top2_lanes##SUFFIX){infs, infs, idx - idx};                           \
    size_t j = 0;                                                                                              \
    for (; j + 4 * L <= k; j += 4 * L) {                                                                       \
      for (int q = 0; q < 4; q++) {                                                                            \
        VF a, b;                                                                                               \
        memcpy(&a, s + j + L * q, sizeof a);                                                                   \
        memcpy(&b, cn + j + L * q, sizeof b);                                                                  \
        top2_push##SUFFIX(&t[q], a + b, idx + (int32_t)(L * q));                                               \
      }                                                                                                        \
      idx += 4 * L;                                                                                            \
    }                                                                                                          \
    for (; j + L <= k; j += L) {                                                                               \
      VF a, b;                                                                                                 \
      memcpy(&a, s + j, sizeof a);                                                                             \
      memcpy(&b, cn + j, sizeof b);                                                                            \
      top2_push##SUFFIX(&t[0], a + b, idx);                                                                    \
      idx += L;                                                                                                \
    }                                                                                                          \
    top2_merge##SUFFIX(&t[0], &t[1]);                                                                          \
    top2_merge##SUFFIX(&t[2], &t[3]);                                                                          \
    top2_merge##SUFFIX(&t[0], &t[2]);                                                                          \
    float f1 = inf, f2 = inf;                                                                                  \
    size_t fj = 0;                                                                                             \
    for (int l = 0; l < L; l++) {                                                                              \
      float m1 = t[0].m1[l], m2 = t[0].m2[l];                                                                  \
      if (m1 < f1) {                                                                                           \
        f2 = f1 < m2 ? f1 : m2;                                                                                \
        f1 = m1;                                                                                               \
        fj = (size_t)t[0].i1[l];                                                                               \
      } else if (m1 < f2) {                                                                                    \
        f2 = m1;                                                                                               \
      }                                                                                                        \
    }                                                                                                          \
    for (; j < k; j++) {                                                                                       \
      float v = s[j] + cn[j];                                                                                  \
      if (v < f1) {                                                                                            \
        f2 = f1;                                                                                               \
        f1 = v;                                                                                                \
        fj = j;                                                                                                \
      } else if (v < f2) {                                                                                     \
        f2 = v;                                                                                                \
      }                                                                                                        \
    }                                                                                                          \
    *b1 = f1;                                                                                                  \
    *b2 = f2;                                                                                                  \
    *bj = fj;                                                                                                  \
  }

typedef int32_t v_i32 __attribute__((vector_size(32)));
/* 32-byte lanes, inlined into the mixed step (and so compiled for each of its targets). */
TOP2_IMPL(, , v_f32, v_i32, 8)
#ifdef HAVE_AVX512_PATH
typedef int32_t v16_i32 __attribute__((vector_size(64)));
TOP2_IMPL(_inline512, AVX512, v16_f32, v16_i32, 16)
/* 64-byte lanes where avx512() says so: a call per row from the mixed step, which is built for AVX2 at most. */
AVX512 static void top2_f32_512(const float *s, const float *cn, size_t k, float *b1, float *b2, size_t *bj) {
  top2_f32_inline512(s, cn, k, b1, b2, bj);
}
#else
#define top2_f32_512 top2_f32
#endif

/* Returns 0, 1 when the centers are out of the float32 range (the caller takes the float64 path), -1 out of memory. */
MULTIVERSION static int kmeans_mixed_f64(const double *x, size_t n, size_t d, const double *c, size_t k, int32_t *labels,
                                         double *sums, double *counts, double *inertia_out) {
  size_t chunk = chunk_rows(d, k, sizeof(float));
  if (chunk > n) chunk = n;
  float *xf = malloc(chunk * d * sizeof(float)), *cf = malloc(k * d * sizeof(float)), *score = malloc(chunk * k * sizeof(float));
  float *cnf = malloc(k * sizeof(float));
  double *cn = malloc(k * sizeof(double)), *xn = malloc(chunk * sizeof(double));
  size_t *cand = malloc(k * sizeof(size_t));
  unsigned char *in_range = malloc(chunk);
  if (!xf || !cf || !score || !cnf || !cn || !xn || !cand || !in_range) {
    free(xf), free(cf), free(score), free(cnf), free(cn), free(xn), free(cand), free(in_range);
    return -1;
  }
  double cmax = 0, cnmax = 0;
  int centers_ok = 1;
  for (size_t j = 0; j < k; j++) {
    centers_ok &= to_f32_checked(c + j * d, d, cf + j * d, &cn[j]);
    cnf[j] = (float)cn[j];
    if (cn[j] > cnmax) cnmax = cn[j];
  }
  if (!centers_ok) {
    free(xf), free(cf), free(score), free(cnf), free(cn), free(xn), free(cand), free(in_range);
    return 1;
  }
  cmax = sqrt(cnmax);
  const double u = 0x1p-24, dd = (double)d;
  const double eps = dd * u / (1 - dd * u) * (1 + u) * (1 + u) + 2 * u + u * u;
  const int wide = WIDE_SCORES;
  double inertia = 0;
  for (size_t r0 = 0; r0 < n; r0 += chunk) {
    size_t rows = n - r0 < chunk ? n - r0 : chunk;
    const double *xc = x + r0 * d;
    for (size_t i = 0; i < rows; i++) in_range[i] = (unsigned char)to_f32_checked(xc + i * d, d, xf + i * d, &xn[i]);
    if (d > 0) {
      if (blas_sgemm(false, true, rows, k, d, -2.0f, xf, d, cf, d, 0.0f, score, k) != 0) {
        free(xf), free(cf), free(score), free(cnf), free(cn), free(xn), free(cand), free(in_range);
        return -1;
      }
    } else {
      memset(score, 0, rows * k * sizeof(float));
    }
    for (size_t i = 0; i < rows; i++) {
      const double *xi = xc + i * d;
      const float *si = score + i * k;
      size_t bj;
      if (!in_range[i]) {
        bj = exact_argmin(xi, c, cn, d, NULL, k);
      } else {
        float b1, b2;
        if (wide) {
          top2_f32_512(si, cnf, k, &b1, &b2, &bj);
        } else {
          top2_f32(si, cnf, k, &b1, &b2, &bj);
        }
        /*
         * Twice the score bound, the float32 roundings of cn and of the sums v_j (within 2u of
         * cnmax + 2 ||x|| cmax each), and a float64 allowance for cn and ||x||.
         */
        double scale = cnmax + 2 * sqrt(xn[i]) * cmax;
        double slack = 4 * eps * sqrt(xn[i]) * cmax + 8 * u * scale + 0x1p-40 * (dd + 2) * (scale + 1);
        if (!((double)b2 - (double)b1 > slack)) {
          size_t m = 0;
          for (size_t j = 0; j < k; j++) {
            cand[m] = j;
            m += (double)si[j] + (double)cnf[j] <= (double)b1 + slack;
          }
          bj = exact_argmin(xi, c, cn, d, m > 0 ? cand : NULL, m > 0 ? m : k);
        }
      }
      const double *cb = c + bj * d;
      double dist = xn[i] + (cn[bj] - 2 * dot_f64(xi, cb, d));
      inertia += dist > 0 ? dist : (dist == dist ? 0 : dist);
      double *sb = sums + bj * d;
      for (size_t t = 0; t < d; t++) sb[t] += xi[t];
      counts[bj] += 1;
      if (labels) labels[r0 + i] = (int32_t)bj;
    }
  }
  free(xf), free(cf), free(score), free(cnf), free(cn), free(xn), free(cand), free(in_range);
  *inertia_out = inertia;
  return 0;
}

/* The float32-score path for float64 data unless DISLIB_NATIVE_MIXED is "0" (tests cover both). Decided once. */
static int mixed_scores(void) {
  static int known = -1;
  if (known < 0) {
    const char *want = getenv("DISLIB_NATIVE_MIXED");
    known = !(want && strcmp(want, "0") == 0);
  }
  return known;
}

int dislib_kmeans_step_f64(const double *x, size_t n, size_t d, const double *centers, size_t k, int32_t *labels,
                           double *sums, double *counts, double *inertia) {
  memset(sums, 0, k * d * sizeof(double));
  memset(counts, 0, k * sizeof(double));
  *inertia = 0;
  if (n == 0) return 0;
  int rc = k >= MIXED_K_MIN && mixed_scores() ? kmeans_mixed_f64(x, n, d, centers, k, labels, sums, counts, inertia) : 1;
  return rc == 1 ? kmeans_f64(x, n, d, centers, k, labels, sums, counts, inertia) : rc;
}

int dislib_kmeans_step_f32(const float *x, size_t n, size_t d, const float *centers, size_t k, int32_t *labels,
                           double *sums, double *counts, double *inertia) {
  memset(sums, 0, k * d * sizeof(double));
  memset(counts, 0, k * sizeof(double));
  *inertia = 0;
  return n == 0 ? 0 : kmeans_f32(x, n, d, centers, k, labels, sums, counts, inertia);
}
