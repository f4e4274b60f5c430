/*
 * uniformFill: Philox4x32-10 uniform [0, 1) values, bit-identical to lib/kernels/js/random.ts (which
 * documents the mapping). Counters of one row are processed in batches of BATCH, 8 per AVX2 register
 * where the CPU has it (32 x 32 -> 64-bit multiplies are vpmuludq lanes), else in plain C.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernels.h"
#include "napi_args.h"

#define ROUNDS 10
#define BATCH 16
#define M0 UINT32_C(0xD2511F53)
#define M1 UINT32_C(0xCD9E8D57)
#define W0 UINT32_C(0x9E3779B9)
#define W1 UINT32_C(0xBB67AE85)

/* Philox4x32-10 of the BATCH counters (r_lo, q + j mod 2^32, r_hi, (q + j) >> 32); words land in w[0..3][j]. */
static void philox_batch_scalar(uint32_t r_lo, uint32_t r_hi, uint64_t q, const uint32_t keys[2 * ROUNDS],
                                uint32_t w[4][BATCH]) {
  uint32_t x0[BATCH], x1[BATCH], x2[BATCH], x3[BATCH];
  for (int j = 0; j < BATCH; j++) {
    x0[j] = r_lo;
    x1[j] = (uint32_t)(q + (uint64_t)j);
    x2[j] = r_hi;
    x3[j] = (uint32_t)((q + (uint64_t)j) >> 32);
  }
  for (int i = 0; i < ROUNDS; i++) {
    const uint32_t a = keys[2 * i], b = keys[2 * i + 1];
    for (int j = 0; j < BATCH; j++) {
      const uint64_t p0 = (uint64_t)M0 * x0[j], p1 = (uint64_t)M1 * x2[j];
      const uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[j] ^ a;
      const uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3[j] ^ b;
      x1[j] = (uint32_t)p1;
      x3[j] = (uint32_t)p0;
      x0[j] = y0;
      x2[j] = y2;
    }
  }
  memcpy(w[0], x0, sizeof x0);
  memcpy(w[1], x1, sizeof x1);
  memcpy(w[2], x2, sizeof x2);
  memcpy(w[3], x3, sizeof x3);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* High and low words of the 8 lane products x * m: mul_epu32 multiplies the even lanes, so odd ones go twice. */
__attribute__((target("avx2"))) static inline void mul_hi_lo(__m256i x, __m256i m, __m256i *hi, __m256i *lo) {
  const __m256i even = _mm256_mul_epu32(x, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/*
 * philox_batch_scalar with 8 counters per AVX2 register and BATCH / 8 registers in flight, so that the
 * rounds of independent registers overlap (one register alone is latency-bound).
 */
__attribute__((target("avx2"))) static void philox_batch_avx2(uint32_t r_lo, uint32_t r_hi, uint64_t q,
                                                              const uint32_t keys[2 * ROUNDS], uint32_t w[4][BATCH]) {
  enum { NV = BATCH / 8 };
  const __m256i m0 = _mm256_set1_epi32((int)M0), m1 = _mm256_set1_epi32((int)M1);
  uint32_t c1[BATCH], c3[BATCH];
  for (int j = 0; j < BATCH; j++) {
    c1[j] = (uint32_t)(q + (uint64_t)j);
    c3[j] = (uint32_t)((q + (uint64_t)j) >> 32);
  }
  __m256i x0[NV], x1[NV], x2[NV], x3[NV];
  for (int v = 0; v < NV; v++) {
    x0[v] = _mm256_set1_epi32((int)r_lo);
    x2[v] = _mm256_set1_epi32((int)r_hi);
    x1[v] = _mm256_loadu_si256((const __m256i *)(c1 + 8 * v));
    x3[v] = _mm256_loadu_si256((const __m256i *)(c3 + 8 * v));
  }
  for (int i = 0; i < ROUNDS; i++) {
    const __m256i ka = _mm256_set1_epi32((int)keys[2 * i]), kb = _mm256_set1_epi32((int)keys[2 * i + 1]);
    for (int v = 0; v < NV; v++) {
      __m256i hi0, lo0, hi1, lo1;
      mul_hi_lo(x0[v], m0, &hi0, &lo0);
      mul_hi_lo(x2[v], m1, &hi1, &lo1);
      x0[v] = _mm256_xor_si256(_mm256_xor_si256(hi1, x1[v]), ka);
      x1[v] = lo1;
      x2[v] = _mm256_xor_si256(_mm256_xor_si256(hi0, x3[v]), kb);
      x3[v] = lo0;
    }
  }
  for (int v = 0; v < NV; v++) {
    _mm256_storeu_si256((__m256i *)(w[0] + 8 * v), x0[v]);
    _mm256_storeu_si256((__m256i *)(w[1] + 8 * v), x1[v]);
    _mm256_storeu_si256((__m256i *)(w[2] + 8 * v), x2[v]);
    _mm256_storeu_si256((__m256i *)(w[3] + 8 * v), x3[v]);
  }
}
#endif

typedef void philox_batch_fn(uint32_t, uint32_t, uint64_t, const uint32_t[2 * ROUNDS], uint32_t[4][BATCH]);

/* The batch generator for this CPU, picked once. */
static philox_batch_fn *pick_philox_batch(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2")) return philox_batch_avx2;
#endif
  return philox_batch_scalar;
}

/* Value of half h (0: even column, 1: odd column) of counter j; the 53-bit integer converts as signed (one
 * instruction without AVX-512, unlike uint64). */
static inline double value_f64(uint32_t w[4][BATCH], int h, int j) {
  return (double)(int64_t)(((uint64_t)(w[2 * h][j] >> 5) << 26) | (w[2 * h + 1][j] >> 6)) * 0x1p-53;
}

static inline float value_f32(uint32_t w[4][BATCH], int h, int j) { return (float)(w[2 * h][j] >> 8) * 0x1p-24f; }

static void uniform_fill(uint64_t seed, uint64_t row0, uint64_t col0, size_t rows, size_t cols, bool f64, void *out) {
  uint32_t keys[2 * ROUNDS];
  for (int i = 0; i < ROUNDS; i++) {
    keys[2 * i] = (uint32_t)seed + (uint32_t)i * W0;
    keys[2 * i + 1] = (uint32_t)(seed >> 32) + (uint32_t)i * W1;
  }
  philox_batch_fn *philox_batch = pick_philox_batch();
  uint32_t w[4][BATCH];
  size_t o = 0;
  for (size_t r = 0; r < rows; r++) {
    const uint64_t gr = row0 + r;
    const size_t row_end = o + cols;
    uint64_t q = col0 / 2;
    int h = (int)(col0 % 2); /* an odd first column takes only the odd half of its pair */
    while (o < row_end) {
      philox_batch((uint32_t)gr, (uint32_t)(gr >> 32), q, keys, w);
      for (int j = 0; j < BATCH && o < row_end; j++, h = 0) {
        if (f64) {
          double *d = out;
          /* Full pairs are the common case: one check, both halves stored. */
          if (h == 0 && o + 2 <= row_end) {
            d[o] = value_f64(w, 0, j);
            d[o + 1] = value_f64(w, 1, j);
            o += 2;
          } else {
            for (; h < 2 && o < row_end; h++) d[o++] = value_f64(w, h, j);
          }
        } else {
          float *f = out;
          if (h == 0 && o + 2 <= row_end) {
            f[o] = value_f32(w, 0, j);
            f[o + 1] = value_f32(w, 1, j);
            o += 2;
          } else {
            for (; h < 2 && o < row_end; h++) f[o++] = value_f32(w, h, j);
          }
        }
      }
      q += BATCH;
    }
  }
}

/* A non-negative integer below 2^53 (every such double is exact), or a RangeError naming it. */
static bool arg_index(napi_env env, napi_value v, const char *name, uint64_t *out) {
  double d;
  if (!arg_number(env, v, name, &d)) return false;
  if (!(d >= 0 && d <= 9007199254740991.0) || floor(d) != d) {
    char message[96];
    snprintf(message, sizeof message, "%s: expected an integer in [0, 2^53 - 1]", name);
    napi_throw_range_error(env, "ERR_DISLIB_NATIVE", message);
    return false;
  }
  *out = (uint64_t)d;
  return true;
}

/* uniformFill(seed, row0, col0, rows, cols, out) */
static napi_value k_uniform_fill(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  uint64_t seed, row0, col0;
  size_t rows, cols, n;
  typed_arg out;
  if (!args_get(env, info, 6, argv) || !arg_index(env, argv[0], "seed", &seed) || !arg_index(env, argv[1], "row0", &row0) ||
      !arg_index(env, argv[2], "col0", &col0) || !arg_dim(env, argv[3], "rows", &rows) || !arg_dim(env, argv[4], "cols", &cols) ||
      !mul_size(env, rows, cols, &n) || !arg_float(env, argv[5], "out", n, &out)) {
    return NULL;
  }
  if (row0 + rows > UINT64_C(9007199254740991) || col0 + cols > UINT64_C(9007199254740991)) {
    napi_throw_range_error(env, "ERR_DISLIB_NATIVE", "uniformFill: row0 + rows and col0 + cols must stay below 2^53");
    return NULL;
  }
  uniform_fill(seed, row0, col0, rows, cols, out.type == napi_float64_array, out.data);
  return NULL;
}

DISLIB_EXPORT("uniformFill", k_uniform_fill)
