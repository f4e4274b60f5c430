/*
 * uniformFill: Philox4x32-10 uniform [0, 1) values, bit-identical to lib/kernels/js/random.ts (which
 * documents the mapping). Counters of one row are processed in batches so the compiler vectorises the
 * rounds (32 x 32 -> 64-bit multiplies are pmuludq lanes).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "napi_args.h"

#define ROUNDS 10
#define BATCH 16
#define M0 UINT32_C(0xD2511F53)
#define M1 UINT32_C(0xCD9E8D57)
#define W0 UINT32_C(0x9E3779B9)
#define W1 UINT32_C(0xBB67AE85)

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
#endif
#ifndef MULTIVERSION
#define MULTIVERSION
#endif

/* Philox4x32-10 of the BATCH counters (r_lo, q + j mod 2^32, r_hi, q_hi_j); words land in w[0..3][j]. */
static inline void philox_batch(uint32_t r_lo, uint32_t r_hi, uint64_t q, const uint32_t keys[2 * ROUNDS],
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

/* Value of half h (0: even column, 1: odd column) of counter j. */
static inline double value_f64(uint32_t w[4][BATCH], int h, int j) {
  return (double)(((uint64_t)(w[2 * h][j] >> 5) << 26) | (w[2 * h + 1][j] >> 6)) * 0x1p-53;
}

static inline float value_f32(uint32_t w[4][BATCH], int h, int j) { return (float)(w[2 * h][j] >> 8) * 0x1p-24f; }

MULTIVERSION
static void uniform_fill(uint64_t seed, uint64_t row0, uint64_t col0, size_t rows, size_t cols, bool f64, void *out) {
  uint32_t keys[2 * ROUNDS];
  for (int i = 0; i < ROUNDS; i++) {
    keys[2 * i] = (uint32_t)seed + (uint32_t)i * W0;
    keys[2 * i + 1] = (uint32_t)(seed >> 32) + (uint32_t)i * W1;
  }
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
          /* Full pairs are the common case: one branch-free store of both halves. */
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
    napi_throw_range_error(env, "ERR_DISLIB_NATIVE", name);
    return false;
  }
  *out = (uint64_t)d;
  return true;
}

/* uniformFill(seed, row0, col0, rows, cols, out) */
napi_value k_uniform_fill(napi_env env, napi_callback_info info) {
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
