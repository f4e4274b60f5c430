/*
 * The built-in GEMM used when no system BLAS is loaded (see blas.h): C = alpha op(A) op(B) + beta C on
 * row-major matrices, in the GotoBLAS/BLIS scheme. op(B) is packed KC x NC at a time into slivers NR
 * columns wide (the panel stays in L3), op(A) MC x KC at a time into slivers MR rows tall (the block stays
 * in L2), and a register-blocked micro-kernel multiplies one A sliver by one B sliver (the B sliver stays
 * in L1) with MR x NR accumulators. Packing zero-pads the edges, so the micro-kernel always runs full
 * tiles; partial tiles go through a small buffer. The micro-kernel is one macro instantiated per ISA
 * (AVX-512, AVX2 + FMA, 16-byte vectors) and picked at run time from the CPU's features.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"

/* Depth of a packed panel and rows of a packed A block (elements): the A block fills about a third of L2. */
#define KC 256
#define MC_BYTES (160 * 1024)
/* Columns of a packed B panel: KC x NC elements (4 MiB of doubles) stay in L3. */
#define NC 2048
/* Below this many multiply-adds per thread another thread costs more than it saves. */
#define MIN_WORK_PER_THREAD (1 << 22)

#if defined(__x86_64__) && defined(__GNUC__)
#define X86_KERNELS 1
#endif

/*
 * The micro-kernel: c (MR x NV vectors, row stride ldc) += alpha * a_sliver (kc x MR) * b_sliver (kc x NR).
 * The accumulators are a fully unrolled local array that the compiler keeps in vector registers; each
 * step loads NV vectors of B and broadcasts MR elements of A into MR x NV independent FMAs.
 */
#define UKERNEL(NAME, ATTR, T, VBYTES, MR, NV)                                                                  \
  ATTR static void NAME(size_t kc, const T *restrict a, const T *restrict b, T *restrict c, size_t ldc, T alpha) { \
    typedef T V __attribute__((vector_size(VBYTES)));                                                           \
    typedef T VU __attribute__((vector_size(VBYTES), aligned(sizeof(T))));                                      \
    enum { VL = VBYTES / sizeof(T) };                                                                           \
    V acc[MR][NV];                                                                                              \
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++)                                                       \
        _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++) acc[r][j] = (V){0};                                \
    for (size_t p = 0; p < kc; p++, a += MR, b += NV * VL) {                                                    \
      V bv[NV];                                                                                                 \
      _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++) bv[j] = *(const V *)(b + j * VL);                    \
      _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++)                                                     \
          _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++) acc[r][j] += a[r] * bv[j];                       \
    }                                                                                                           \
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++)                                                       \
        _Pragma("GCC unroll 4") for (int j = 0; j < NV; j++) {                                                  \
      VU *cp = (VU *)(c + (size_t)r * ldc + (size_t)j * VL);                                                    \
      *cp += alpha * acc[r][j];                                                                                 \
    }                                                                                                           \
  }

/* One micro-kernel and its tile shape. */
#define KERNEL_TYPE(T, SUFFIX)                                                                  \
  typedef void (*ukernel_##SUFFIX)(size_t, const T *restrict, const T *restrict, T *restrict, size_t, T); \
  typedef struct {                                                                              \
    ukernel_##SUFFIX fn;                                                                        \
    size_t mr, nr;                                                                              \
  } kernel_##SUFFIX;
KERNEL_TYPE(double, d)
KERNEL_TYPE(float, s)

/* Portable: 16-byte vectors (SSE2 on x86-64, NEON on arm64, scalar pairs elsewhere), 4 x 2 vectors. */
UKERNEL(uk_d_generic, , double, 16, 4, 2)
UKERNEL(uk_s_generic, , float, 16, 4, 2)
#ifdef X86_KERNELS
/* AVX2 + FMA: 6 x 2 ymm accumulators (12 of 16 registers). */
UKERNEL(uk_d_avx2, __attribute__((target("avx2,fma"))), double, 32, 6, 2)
UKERNEL(uk_s_avx2, __attribute__((target("avx2,fma"))), float, 32, 6, 2)
/* AVX-512: 12 x 2 zmm accumulators (24 of 32 registers). */
UKERNEL(uk_d_avx512, __attribute__((target("avx512f,avx2,fma"))), double, 64, 12, 2)
UKERNEL(uk_s_avx512, __attribute__((target("avx512f,avx2,fma"))), float, 64, 12, 2)
#endif

/* The ISA the micro-kernels use, decided once: "avx512", "avx2" or "generic". */
const char *builtin_gemm_isa(void) {
  static const char *isa;
  if (!isa) {
    isa = "generic";
#ifdef X86_KERNELS
    __builtin_cpu_init();
    const char *want = getenv("DISLIB_NATIVE_AVX512");
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) isa = "avx2";
    if (__builtin_cpu_supports("avx512f") && !(want && strcmp(want, "0") == 0)) isa = "avx512";
#endif
  }
  return isa;
}

#ifdef X86_KERNELS
#define PICK_KERNEL(SUFFIX, T)                                                                                  \
  static kernel_##SUFFIX pick_##SUFFIX(void) {                                                                  \
    const char *isa = builtin_gemm_isa();                                                                       \
    if (strcmp(isa, "avx512") == 0) return (kernel_##SUFFIX){uk_##SUFFIX##_avx512, 12, 128 / sizeof(T)};         \
    if (strcmp(isa, "avx2") == 0) return (kernel_##SUFFIX){uk_##SUFFIX##_avx2, 6, 64 / sizeof(T)};              \
    return (kernel_##SUFFIX){uk_##SUFFIX##_generic, 4, 32 / sizeof(T)};                                         \
  }
#else
#define PICK_KERNEL(SUFFIX, T) \
  static kernel_##SUFFIX pick_##SUFFIX(void) { return (kernel_##SUFFIX){uk_##SUFFIX##_generic, 4, 32 / sizeof(T)}; }
#endif
PICK_KERNEL(d, double)
PICK_KERNEL(s, float)

static int builtin_threads = 1;

void builtin_set_threads(int n) { builtin_threads = n < 1 ? 1 : n; }
int builtin_get_threads(void) { return builtin_threads; }

/*
 * GEMM_IMPL(T, SUFFIX) defines gemm_range_SUFFIX (the blocked product for the columns [j0, j1) of C, with
 * its own packing buffers) and builtin_SUFFIXgemm (beta, then the column ranges over the threads).
 */
#define GEMM_IMPL(T, SUFFIX, BLAS_NAME)                                                                              \
  /*                                                                                                             \
   * Pack rows [i0, i0 + mc) x depth [p0, p0 + kc) of op(A) into MR-row slivers, zero-padded to a multiple of    \
   * MR. Column slivers of op(B) are the same packing of op(B)^T (see gemm_range).                               \
   */                                                                                                            \
  static void pack_panel_##SUFFIX(const T *a, size_t lda, bool ta, size_t i0, size_t mc, size_t p0, size_t kc, size_t mr, \
                              T *out) {                                                                          \
    for (size_t s = 0; s < mc; s += mr, out += mr * kc) {                                                        \
      size_t rows = mc - s < mr ? mc - s : mr;                                                                   \
      for (size_t p = 0; p < kc; p++) {                                                                          \
        T *dst = out + p * mr;                                                                                   \
        size_t r = 0;                                                                                            \
        if (ta) {                                                                                                \
          const T *src = a + (p0 + p) * lda + i0 + s;                                                            \
          for (; r < rows; r++) dst[r] = src[r];                                                                 \
        } else {                                                                                                 \
          const T *src = a + (i0 + s) * lda + p0 + p;                                                            \
          for (; r < rows; r++) dst[r] = src[r * lda];                                                           \
        }                                                                                                        \
        for (; r < mr; r++) dst[r] = 0;                                                                          \
      }                                                                                                          \
    }                                                                                                            \
  }                                                                                                              \
                                                                                                                 \
  typedef struct {                                                                                               \
    bool ta, tb;                                                                                                 \
    size_t m, k, j0, j1;                                                                                         \
    T alpha;                                                                                                     \
    const T *a, *b;                                                                                              \
    size_t lda, ldb, ldc;                                                                                        \
    T *c;                                                                                                        \
    int failed;                                                                                                  \
  } range_##SUFFIX;                                                                                              \
                                                                                                                 \
  static void *gemm_range_##SUFFIX(void *arg) {                                                                  \
    range_##SUFFIX *g = arg;                                                                                     \
    const kernel_##SUFFIX K = pick_##SUFFIX();                                                                   \
    const size_t mr = K.mr, nr = K.nr;                                                                           \
    size_t mc_max = MC_BYTES / (KC * sizeof(T)) / mr * mr;                                                       \
    if (mc_max < mr) mc_max = mr;                                                                                \
    size_t nc_max = NC / nr * nr;                                                                                \
    size_t width = g->j1 - g->j0;                                                                                \
    size_t nc_cap = (width + nr - 1) / nr * nr < nc_max ? (width + nr - 1) / nr * nr : nc_max;                   \
    size_t mc_cap = (g->m + mr - 1) / mr * mr < mc_max ? (g->m + mr - 1) / mr * mr : mc_max;                     \
    size_t kc_cap = g->k < KC ? g->k : KC;                                                                       \
    T *pa = aligned_alloc(64, (mc_cap * kc_cap * sizeof(T) + 63) / 64 * 64);                                     \
    T *pb = aligned_alloc(64, (nc_cap * kc_cap * sizeof(T) + 63) / 64 * 64);                                     \
    if (!pa || !pb) {                                                                                            \
      free(pa), free(pb);                                                                                        \
      g->failed = 1;                                                                                             \
      return NULL;                                                                                               \
    }                                                                                                            \
    T tile[12 * 32] __attribute__((aligned(64)));                                                                \
    for (size_t jc = g->j0; jc < g->j1; jc += nc_max) {                                                          \
      size_t nc = g->j1 - jc < nc_max ? g->j1 - jc : nc_max;                                                     \
      for (size_t pc = 0; pc < g->k; pc += KC) {                                                                 \
        size_t kc = g->k - pc < KC ? g->k - pc : KC;                                                             \
        pack_panel_##SUFFIX(g->b, g->ldb, !g->tb, jc, nc, pc, kc, nr, pb); /* op(B)^T rows = op(B) columns */                                            \
        for (size_t ic = 0; ic < g->m; ic += mc_max) {                                                           \
          size_t mc = g->m - ic < mc_max ? g->m - ic : mc_max;                                                   \
          pack_panel_##SUFFIX(g->a, g->lda, g->ta, ic, mc, pc, kc, mr, pa);                                          \
          for (size_t jr = 0; jr < nc; jr += nr) {                                                               \
            size_t cols = nc - jr < nr ? nc - jr : nr;                                                           \
            for (size_t ir = 0; ir < mc; ir += mr) {                                                             \
              size_t rows = mc - ir < mr ? mc - ir : mr;                                                         \
              T *cij = g->c + (ic + ir) * g->ldc + jc + jr;                                                      \
              const T *as = pa + ir * kc, *bs = pb + jr * kc;                                                    \
              if (rows == mr && cols == nr) {                                                                    \
                K.fn(kc, as, bs, cij, g->ldc, g->alpha);                                                         \
              } else {                                                                                           \
                memset(tile, 0, mr * nr * sizeof(T));                                                            \
                K.fn(kc, as, bs, tile, nr, g->alpha);                                                            \
                for (size_t r = 0; r < rows; r++)                                                                \
                  for (size_t j = 0; j < cols; j++) cij[r * g->ldc + j] += tile[r * nr + j];                     \
              }                                                                                                  \
            }                                                                                                    \
          }                                                                                                      \
        }                                                                                                        \
      }                                                                                                          \
    }                                                                                                            \
    free(pa);                                                                                                    \
    free(pb);                                                                                                    \
    return NULL;                                                                                                 \
  }                                                                                                              \
                                                                                                                 \
  int BLAS_NAME(bool ta, bool tb, size_t m, size_t n, size_t k, T alpha, const T *a, size_t lda, const T *b,     \
                size_t ldb, T beta, T *c, size_t ldc) {                                                          \
    if (m == 0 || n == 0) return 0;                                                                              \
    /* BLAS semantics: beta = 0 overwrites C (NaNs included); alpha = 0 or k = 0 leaves beta C. */                \
    if (beta != 1) {                                                                                             \
      for (size_t i = 0; i < m; i++) {                                                                           \
        T *row = c + i * ldc;                                                                                    \
        if (beta == 0) memset(row, 0, n * sizeof(T));                                                            \
        else for (size_t j = 0; j < n; j++) row[j] *= beta;                                                      \
      }                                                                                                          \
    }                                                                                                            \
    if (k == 0 || alpha == 0) return 0;                                                                          \
    const size_t nr = pick_##SUFFIX().nr;                                                                        \
    size_t threads = (size_t)builtin_threads, slivers = (n + nr - 1) / nr;                                       \
    double work = (double)m * (double)n * (double)k;                                                             \
    while (threads > 1 && (threads > slivers || work / (double)threads < MIN_WORK_PER_THREAD)) threads--;        \
    range_##SUFFIX parts[threads];                                                                               \
    pthread_t ids[threads];                                                                                      \
    size_t started = 0;                                                                                          \
    for (size_t t = 0; t < threads; t++) {                                                                       \
      /* Column ranges in whole slivers, as even as they come. */                                                \
      size_t s0 = slivers * t / threads, s1 = slivers * (t + 1) / threads;                                       \
      size_t j1 = s1 * nr < n ? s1 * nr : n;                                                                     \
      parts[t] = (range_##SUFFIX){ta, tb, m, k, s0 * nr, j1, alpha, a, b, lda, ldb, ldc, c, 0};                   \
    }                                                                                                            \
    for (size_t t = 1; t < threads; t++) {                                                                       \
      if (pthread_create(&ids[t], NULL, gemm_range_##SUFFIX, &parts[t]) != 0) break;                             \
      started = t;                                                                                               \
    }                                                                                                            \
    /* Ranges whose thread could not start run here. */                                                          \
    gemm_range_##SUFFIX(&parts[0]);                                                                              \
    for (size_t t = started + 1; t < threads; t++) gemm_range_##SUFFIX(&parts[t]);                               \
    int failed = parts[0].failed;                                                                                \
    for (size_t t = 1; t < threads; t++) {                                                                       \
      if (t <= started) pthread_join(ids[t], NULL);                                                              \
      failed |= parts[t].failed;                                                                                 \
    }                                                                                                            \
    return failed ? -1 : 0;                                                                                      \
  }
GEMM_IMPL(double, d, builtin_dgemm)
GEMM_IMPL(float, s, builtin_sgemm)
