/*
 * The factorisations (row-major, Float64) through the LAPACK that blas.h selected (system or built-in).
 * Each works on a copy of its input. When LAPACK reports a failure the entry point returns its info as a
 * JS number instead of a result, and the TypeScript wrapper turns it into a typed error: info > 0 is
 * numerical (not SPD, rank deficient, no convergence); info < 0 names a rejected argument.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kernels.h"
#include "napi_args.h"

static napi_value info_value(napi_env env, int info) {
  if (info == LAPACK_OOM) return throw_oom(env);
  napi_value out;
  napi_create_int32(env, (int32_t)info, &out);
  return out;
}

static napi_value pack2(napi_env env, const char *k1, napi_value v1, const char *k2, napi_value v2) {
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok || !set_prop(env, obj, k1, v1) || !set_prop(env, obj, k2, v2)) return NULL;
  return obj;
}

/* Read (a, m, n) with a a Float64Array of at least m*n elements. */
static bool matrix_args(napi_env env, napi_value *argv, size_t *m, size_t *n, size_t *size, typed_arg *a) {
  return arg_dim(env, argv[1], "m", m) && arg_dim(env, argv[2], "n", n) && mul_size(env, *m, *n, size) &&
         arg_typed(env, argv[0], "a", napi_float64_array, *size, a);
}

/* Read (a, n) with a a Float64Array of at least n*n elements. */
static bool square_args(napi_env env, napi_callback_info info, size_t *n, size_t *size, typed_arg *a) {
  napi_value argv[2];
  return args_get(env, info, 2, argv) && arg_dim(env, argv[1], "n", n) && mul_size(env, *n, *n, size) &&
         arg_typed(env, argv[0], "a", napi_float64_array, *size, a);
}

/* qr(a, m, n) -> { q: m x n, r: n x n } */
static napi_value k_qr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t m, n, sa, sr;
  typed_arg a;
  if (!args_get(env, info, 3, argv) || !matrix_args(env, argv, &m, &n, &sa, &a) || !mul_size(env, n, n, &sr)) return NULL;
  if (m < n) return throw_error(env, "qr: needs m >= n");
  double *q, *r;
  napi_value vq = new_f64(env, sa, &q), vr = vq ? new_f64(env, sr, &r) : NULL;
  if (!vr) return NULL;
  if (n > 0) {
    memcpy(q, a.data, sa * sizeof(double));
    int rc = blas.lapack.qr(m, n, q, r);
    if (rc != 0) return info_value(env, rc);
  }
  return pack2(env, "q", vq, "r", vr);
}

/* svd(a, m, n) -> { u: m x p, s: p, vt: p x n }, p = min(m, n) */
static napi_value k_svd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t m, n, sa, su, svt;
  typed_arg a;
  if (!args_get(env, info, 3, argv) || !matrix_args(env, argv, &m, &n, &sa, &a)) return NULL;
  size_t p = m < n ? m : n;
  if (!mul_size(env, m, p, &su) || !mul_size(env, p, n, &svt)) return NULL;
  double *u, *s, *vt;
  napi_value vu = new_f64(env, su, &u), vs = vu ? new_f64(env, p, &s) : NULL, vvt = vs ? new_f64(env, svt, &vt) : NULL;
  if (!vvt) return NULL;
  if (p > 0) {
    double *work = malloc(sa * sizeof(double));
    if (!work) return throw_oom(env);
    memcpy(work, a.data, sa * sizeof(double));
    int rc = blas.lapack.svd(m, n, work, s, u, vt);
    free(work);
    if (rc != 0) return info_value(env, rc);
  }
  napi_value obj = pack2(env, "u", vu, "s", vs);
  return obj && set_prop(env, obj, "vt", vvt) ? obj : NULL;
}

/* eigh(a, n) -> { w: ascending eigenvalues, v: eigenvectors as columns } (lower triangle read) */
static napi_value k_eigh(napi_env env, napi_callback_info info) {
  size_t n, sa;
  typed_arg a;
  if (!square_args(env, info, &n, &sa, &a)) return NULL;
  double *w, *v;
  napi_value vw = new_f64(env, n, &w), vv = vw ? new_f64(env, sa, &v) : NULL;
  if (!vv) return NULL;
  if (n > 0) {
    memcpy(v, a.data, sa * sizeof(double));
    int rc = blas.lapack.eigh(n, v, w);
    if (rc != 0) return info_value(env, rc);
  }
  return pack2(env, "w", vw, "v", vv);
}

/* cholesky(a, n) -> lower L (upper part zeroed), or the order of the first non-positive minor */
static napi_value k_cholesky(napi_env env, napi_callback_info info) {
  size_t n, sa;
  typed_arg a;
  if (!square_args(env, info, &n, &sa, &a)) return NULL;
  double *l;
  napi_value vl = new_f64(env, sa, &l);
  if (!vl || n == 0) return vl;
  for (size_t i = 0; i < n; i++) memcpy(l + i * n, (const double *)a.data + i * n, (i + 1) * sizeof(double));
  int rc = blas.lapack.cholesky(n, l);
  return rc == 0 ? vl : info_value(env, rc);
}

/* lstsq(a, m, n, b, r) -> X (n x r) minimising ||A X - B||, or the rank-deficiency info */
static napi_value k_lstsq(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t m, n, r, sa, sb, sx;
  typed_arg a, b;
  if (!args_get(env, info, 5, argv) || !matrix_args(env, argv, &m, &n, &sa, &a) || !arg_dim(env, argv[4], "r", &r) ||
      !mul_size(env, m, r, &sb) || !mul_size(env, n, r, &sx) || !arg_typed(env, argv[3], "b", napi_float64_array, sb, &b)) {
    return NULL;
  }
  if (m < n) return throw_error(env, "lstsq: needs m >= n");
  double *x;
  napi_value vx = new_f64(env, sx, &x);
  if (!vx || n == 0 || r == 0) return vx;
  double *wa = malloc(sa * sizeof(double)), *wb = malloc(sb * sizeof(double));
  if (!wa || !wb) {
    free(wa);
    free(wb);
    return throw_oom(env);
  }
  memcpy(wa, a.data, sa * sizeof(double));
  memcpy(wb, b.data, sb * sizeof(double));
  int rc = blas.lapack.lstsq(m, n, r, wa, wb);
  if (rc == 0) memcpy(x, wb, sx * sizeof(double));
  free(wa);
  free(wb);
  return rc == 0 ? vx : info_value(env, rc);
}

DISLIB_EXPORT("qr", k_qr)
DISLIB_EXPORT("svd", k_svd)
DISLIB_EXPORT("eigh", k_eigh)
DISLIB_EXPORT("cholesky", k_cholesky)
DISLIB_EXPORT("lstsq", k_lstsq)
