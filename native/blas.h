/*
 * The BLAS and LAPACK the kernels call, chosen when the addon loads (blas_select.c): a system library
 * opened with dlopen (OpenBLAS, MKL, BLIS, or whatever libblas.so.3 points at) or the built-in code
 * (gemm_builtin.c, lapack_builtin.c). Nothing here needs BLAS headers or link-time BLAS: the few
 * prototypes used are declared by the loader itself. All matrices are row-major; dimensions are size_t
 * and the loader checks they fit the library's 32-bit ints.
 */
#ifndef DISLIB_BLAS_H
#define DISLIB_BLAS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Status of a LAPACK-style call: 0, LAPACK's info (> 0 numerical failure, < 0 rejected argument), or this. */
#define LAPACK_OOM INT_MIN

/* C = alpha op(A) op(B) + beta C with op(X) = X^T when the flag is set. Returns 0, or -1 when out of memory. */
typedef int (*dgemm_fn)(bool ta, bool tb, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                        const double *b, size_t ldb, double beta, double *c, size_t ldc);
typedef int (*sgemm_fn)(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                        const float *b, size_t ldb, float beta, float *c, size_t ldc);

/* The factorisations of lapack.c, each in place on buffers the caller allocated (see lapack.c). */
typedef struct {
  /* q: m x n, in A, out Q (orthonormal columns); r: n x n zeroed, out R. */
  int (*qr)(size_t m, size_t n, double *q, double *r);
  /* a: m x n, destroyed; s: p, u: m x p, vt: p x n, p = min(m, n), s descending. */
  int (*svd)(size_t m, size_t n, double *a, double *s, double *u, double *vt);
  /* v: n x n, in A (lower triangle read), out eigenvectors as columns; w: ascending eigenvalues. */
  int (*eigh)(size_t n, double *v, double *w);
  /* l: n x n, in the lower triangle of A with the upper part zero, out L; else the order of the failing minor. */
  int (*cholesky)(size_t n, double *l);
  /* a: m x n (m >= n), b: m x r, both destroyed; out X (n x r) in b's first n rows; else the rank-deficient column. */
  int (*lstsq)(size_t m, size_t n, size_t r, double *a, double *b);
} lapack_ops;

/* The selected implementation. */
typedef struct {
  dgemm_fn dgemm;
  sgemm_fn sgemm;
  void (*set_threads)(int n);
  int (*get_threads)(void);
  lapack_ops lapack;
} blas_ops;

extern blas_ops blas;

static inline int blas_dgemm(bool ta, bool tb, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                             const double *b, size_t ldb, double beta, double *c, size_t ldc) {
  return blas.dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static inline int blas_sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                             const float *b, size_t ldb, float beta, float *c, size_t ldc) {
  return blas.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* Select the implementation from DISLIB_BLAS (blas_select.c); false with the reason in err. */
bool blas_init(char *err, size_t err_len);

/* Built-in implementations. */
int builtin_dgemm(bool ta, bool tb, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda, const double *b,
                  size_t ldb, double beta, double *c, size_t ldc);
int builtin_sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda, const float *b,
                  size_t ldb, float beta, float *c, size_t ldc);
void builtin_set_threads(int n);
int builtin_get_threads(void);
/* The ISA of the built-in GEMM's micro-kernel on this CPU: "avx512", "avx2" or "generic". */
const char *builtin_gemm_isa(void);
extern const lapack_ops builtin_lapack;

#endif
