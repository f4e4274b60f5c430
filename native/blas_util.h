/* Small helpers shared by the CBLAS callers. */
#ifndef DISLIB_BLAS_UTIL_H
#define DISLIB_BLAS_UTIL_H

#include <cblas.h>
#include <stddef.h>

/* Leading dimension of a row-major matrix with `cols` columns: BLAS wants >= 1 even when cols is 0. */
static inline blasint blas_ld(size_t cols) { return cols > 0 ? (blasint)cols : 1; }

#endif
