/*
 * Chooses the BLAS and LAPACK behind blas.h when the addon loads, libblastrampoline-style: a system
 * library is opened with dlopen and its CBLAS GEMMs and Fortran LAPACK routines are taken as function
 * pointers (declared here, so the build needs neither BLAS headers nor BLAS at link time); when none is
 * found, or DISLIB_BLAS=builtin, the built-in GEMM and factorisations are used. DISLIB_BLAS:
 *   unset / auto   the first of the system libraries below that loads, else built-in
 *   builtin        built-in, whatever is installed
 *   system         the first system library that loads, else the addon fails to load (saying why)
 *   /path/lib.so   that library (e.g. a numpy / scipy wheel's scipy_openblas), else the addon fails to load
 * Only LP64 libraries (32-bit ints) are used: their exported names are the plain ones, or scipy_-prefixed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "kernels.h"
#include "napi_args.h"

/* Tried in order. libblas.so.3 is Debian's alternatives link (OpenBLAS, BLIS, ATLAS or the reference BLAS). */
static const char *const system_candidates[] = {
    "libopenblas.so.0", "libopenblas.so", "libmkl_rt.so.2", "libmkl_rt.so", "libblis.so.4",
    "libflexiblas.so.3", "libblas.so.3",
};
/* Where a library without LAPACK takes it from. */
static const char *const lapack_candidates[] = {"liblapack.so.3"};

typedef int fint; /* LP64 Fortran INTEGER */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*cblas_dgemm_t)(int, int, int, fint, fint, fint, double, const double *, fint, const double *, fint, double,
                              double *, fint);
typedef void (*cblas_sgemm_t)(int, int, int, fint, fint, fint, float, const float *, fint, const float *, fint, float, float *,
                              fint);
/* Fortran LAPACK, with the hidden lengths of character arguments that gfortran passes last. */
typedef void (*dgeqrf_t)(const fint *, const fint *, double *, const fint *, double *, double *, const fint *, fint *);
typedef void (*dorgqr_t)(const fint *, const fint *, const fint *, double *, const fint *, const double *, double *,
                         const fint *, fint *);
typedef void (*dgesdd_t)(const char *, const fint *, const fint *, double *, const fint *, double *, double *, const fint *,
                         double *, const fint *, double *, const fint *, fint *, fint *, size_t);
typedef void (*dsyevd_t)(const char *, const char *, const fint *, double *, const fint *, double *, double *, const fint *,
                         fint *, const fint *, fint *, size_t, size_t);
typedef void (*dpotrf_t)(const char *, const fint *, double *, const fint *, fint *, size_t);
typedef void (*dgels_t)(const char *, const fint *, const fint *, const fint *, double *, const fint *, double *, const fint *,
                        double *, const fint *, fint *, size_t);

/* The system library once found (opened at most once per process; never closed). */
static struct {
  bool tried, found;
  char why[512];  /* when not found: what was tried */
  char path[PATH_MAX];
  const char *name; /* openblas, mkl, blis, flexiblas or blas */
  char version[128];
  cblas_dgemm_t dgemm;
  cblas_sgemm_t sgemm;
  void (*set_threads_int)(int);
  void (*set_threads_i64)(int64_t); /* BLIS counts threads in a 64-bit dim_t */
  int (*get_threads_int)(void);
  int64_t (*get_threads_i64)(void);
  bool has_lapack;
  char lapack_path[PATH_MAX];
  dgeqrf_t dgeqrf;
  dorgqr_t dorgqr;
  dgesdd_t dgesdd;
  dsyevd_t dsyevd;
  dpotrf_t dpotrf;
  dgels_t dgels;
} sys;

/* A symbol under its plain or scipy_-prefixed name. */
static void *sym(void *h, const char *name) {
  void *p = dlsym(h, name);
  if (p) return p;
  char prefixed[96];
  snprintf(prefixed, sizeof prefixed, "scipy_%s", name);
  return dlsym(h, prefixed);
}

/* The file a handle was loaded from, links resolved (for the report and the reference-BLAS check). */
static void resolved_path(void *fn, char *out, size_t len) {
  Dl_info info;
  char buf[PATH_MAX];
  out[0] = 0;
  if (dladdr(fn, &info) && info.dli_fname) snprintf(out, len, "%s", realpath(info.dli_fname, buf) ? buf : info.dli_fname);
}

/* Take the LAPACK routines from h; false when one is missing. */
static bool take_lapack(void *h) {
  sys.dgeqrf = (dgeqrf_t)sym(h, "dgeqrf_");
  sys.dorgqr = (dorgqr_t)sym(h, "dorgqr_");
  sys.dgesdd = (dgesdd_t)sym(h, "dgesdd_");
  sys.dsyevd = (dsyevd_t)sym(h, "dsyevd_");
  sys.dpotrf = (dpotrf_t)sym(h, "dpotrf_");
  sys.dgels = (dgels_t)sym(h, "dgels_");
  return sys.dgeqrf && sys.dorgqr && sys.dgesdd && sys.dsyevd && sys.dpotrf && sys.dgels;
}

/* Identify the implementation and its thread control. */
static void identify(void *h) {
  const char *(*openblas_config)(void) = (const char *(*)(void))sym(h, "openblas_get_config");
  void (*mkl_version)(char *, int) = (void (*)(char *, int))dlsym(h, "MKL_Get_Version_String");
  const char *(*blis_version)(void) = (const char *(*)(void))dlsym(h, "bli_info_get_version_str");
  sys.name = "blas";
  if (openblas_config) {
    sys.name = "openblas";
    snprintf(sys.version, sizeof sys.version, "%s", openblas_config());
    sys.set_threads_int = (void (*)(int))sym(h, "openblas_set_num_threads");
    sys.get_threads_int = (int (*)(void))sym(h, "openblas_get_num_threads");
  } else if (mkl_version) {
    sys.name = "mkl";
    mkl_version(sys.version, (int)sizeof sys.version);
    sys.set_threads_int = (void (*)(int))dlsym(h, "MKL_Set_Num_Threads");
    sys.get_threads_int = (int (*)(void))dlsym(h, "MKL_Get_Max_Threads");
  } else if (blis_version) {
    sys.name = "blis";
    snprintf(sys.version, sizeof sys.version, "BLIS %s", blis_version());
    sys.set_threads_i64 = (void (*)(int64_t))dlsym(h, "bli_thread_set_num_threads");
    sys.get_threads_i64 = (int64_t(*)(void))dlsym(h, "bli_thread_get_num_threads");
  } else if (dlsym(h, "flexiblas_set_num_threads")) {
    sys.name = "flexiblas";
    sys.set_threads_int = (void (*)(int))dlsym(h, "flexiblas_set_num_threads");
    sys.get_threads_int = (int (*)(void))dlsym(h, "flexiblas_get_num_threads");
  }
}

/* Open one library; true when it has both CBLAS GEMMs and is not the (slow) reference BLAS. */
static bool try_library(const char *file, bool explicit_path) {
  void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  size_t used = strlen(sys.why);
  if (!h) {
    snprintf(sys.why + used, sizeof sys.why - used, "%s%s: not found", used ? "; " : "", file);
    return false;
  }
  cblas_dgemm_t d = (cblas_dgemm_t)sym(h, "cblas_dgemm");
  cblas_sgemm_t s = (cblas_sgemm_t)sym(h, "cblas_sgemm");
  char path[PATH_MAX];
  resolved_path(d ? (void *)d : dlsym(h, "dgemm_"), path, sizeof path);
  /* Debian installs the netlib reference BLAS in a "blas" directory: slower than the built-in GEMM. */
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  bool reference = !explicit_path && strcmp(basename(dirname(dir)), "blas") == 0;
  if (!d || !s || reference) {
    bool ilp64 = sym(h, "cblas_dgemm64_") != NULL;
    snprintf(sys.why + used, sizeof sys.why - used, "%s%s: %s", used ? "; " : "", file,
             reference ? "the reference BLAS (skipped)"
             : ilp64   ? "a 64-bit-integer (ILP64) build, not supported"
                       : "no cblas_dgemm / cblas_sgemm");
    dlclose(h);
    return false;
  }
  sys.dgemm = d;
  sys.sgemm = s;
  snprintf(sys.path, sizeof sys.path, "%s", path[0] ? path : file);
  identify(h);
  sys.has_lapack = take_lapack(h);
  if (sys.has_lapack) {
    snprintf(sys.lapack_path, sizeof sys.lapack_path, "%s", sys.path);
  } else {
    for (size_t i = 0; i < sizeof lapack_candidates / sizeof lapack_candidates[0] && !sys.has_lapack; i++) {
      void *lh = dlopen(lapack_candidates[i], RTLD_NOW | RTLD_LOCAL);
      if (!lh) continue;
      sys.has_lapack = take_lapack(lh);
      if (sys.has_lapack) resolved_path((void *)sys.dgeqrf, sys.lapack_path, sizeof sys.lapack_path);
      else dlclose(lh);
    }
  }
  return true;
}

/* Find the system library (once): `only` names one file, else the candidates are tried in order. */
static bool find_system(const char *only) {
  if (sys.tried) return sys.found;
  sys.tried = true;
  if (only) {
    sys.found = try_library(only, true);
  } else {
    for (size_t i = 0; i < sizeof system_candidates / sizeof system_candidates[0] && !sys.found; i++) {
      sys.found = try_library(system_candidates[i], false);
    }
  }
  return sys.found;
}

/* ---- System GEMM: the size_t interface of blas.h over LP64 CBLAS. ---- */

static bool fits(size_t v) { return v <= INT32_MAX; }

static int sys_dgemm(bool ta, bool tb, size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                     const double *b, size_t ldb, double beta, double *c, size_t ldc) {
  if (!fits(m) || !fits(n) || !fits(k) || !fits(lda) || !fits(ldb) || !fits(ldc)) return -1;
  sys.dgemm(CBLAS_ROW_MAJOR, ta ? CBLAS_TRANS : CBLAS_NO_TRANS, tb ? CBLAS_TRANS : CBLAS_NO_TRANS, (fint)m, (fint)n, (fint)k,
            alpha, a, (fint)lda, b, (fint)ldb, beta, c, (fint)ldc);
  return 0;
}

static int sys_sgemm(bool ta, bool tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda, const float *b,
                     size_t ldb, float beta, float *c, size_t ldc) {
  if (!fits(m) || !fits(n) || !fits(k) || !fits(lda) || !fits(ldb) || !fits(ldc)) return -1;
  sys.sgemm(CBLAS_ROW_MAJOR, ta ? CBLAS_TRANS : CBLAS_NO_TRANS, tb ? CBLAS_TRANS : CBLAS_NO_TRANS, (fint)m, (fint)n, (fint)k,
            alpha, a, (fint)lda, b, (fint)ldb, beta, c, (fint)ldc);
  return 0;
}

static void sys_set_threads(int n) {
  if (sys.set_threads_int) sys.set_threads_int(n);
  else if (sys.set_threads_i64) sys.set_threads_i64(n);
}

/* The library's thread count, or 0 when it offers no way to ask. */
static int sys_get_threads(void) {
  if (sys.get_threads_int) return sys.get_threads_int();
  if (sys.get_threads_i64) return (int)sys.get_threads_i64();
  return 0;
}

/* ---- System LAPACK: Fortran (column-major) routines on the row-major buffers of lapack_ops. ---- */

/* out (column-major m x n) = in (row-major m x n). */
static void to_col_major(const double *in, size_t m, size_t n, double *out) {
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) out[i + j * m] = in[i * n + j];
}

/* The workspace size a routine asked for in a query call (lwork = -1). */
static fint work_size(double query) { return query > 1 ? (fint)query : 1; }

/* A row-major m x n matrix is the column-major n x m transpose; QR needs A itself, so it is transposed. */
static int sys_qr(size_t m, size_t n, double *q, double *r) {
  fint M = (fint)m, N = (fint)n, info = 0, query = -1, lwork;
  double *ac = malloc(m * n * sizeof(double)), *tau = malloc(n * sizeof(double)), wq1 = 0, wq2 = 0;
  if (!ac || !tau) {
    free(ac), free(tau);
    return LAPACK_OOM;
  }
  to_col_major(q, m, n, ac);
  sys.dgeqrf(&M, &N, ac, &M, tau, &wq1, &query, &info);
  sys.dorgqr(&M, &N, &N, ac, &M, tau, &wq2, &query, &info);
  lwork = work_size(wq1 > wq2 ? wq1 : wq2);
  double *work = malloc((size_t)lwork * sizeof(double));
  if (!work) {
    free(ac), free(tau);
    return LAPACK_OOM;
  }
  sys.dgeqrf(&M, &N, ac, &M, tau, work, &lwork, &info);
  if (info == 0) {
    for (size_t i = 0; i < n; i++)
      for (size_t j = i; j < n; j++) r[i * n + j] = ac[i + j * m];
    sys.dorgqr(&M, &N, &N, ac, &M, tau, work, &lwork, &info);
  }
  if (info == 0)
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) q[i * n + j] = ac[i + j * m];
  free(ac), free(tau), free(work);
  return info;
}

/*
 * The row-major A is the column-major B = A^T (n x m); B = V S U^T, so dgesdd on B writes V (n x p,
 * column-major) where the row-major vt belongs, and U^T (p x m, column-major) where the row-major u does.
 */
static int sys_svd(size_t m, size_t n, double *a, double *s, double *u, double *vt) {
  size_t p = m < n ? m : n;
  fint M = (fint)n, N = (fint)m, P = (fint)p, info = 0, query = -1, lwork;
  fint *iwork = malloc(8 * p * sizeof(fint));
  double wq = 0;
  if (!iwork) return LAPACK_OOM;
  sys.dgesdd("S", &M, &N, a, &M, s, vt, &M, u, &P, &wq, &query, iwork, &info, 1);
  lwork = work_size(wq);
  double *work = malloc((size_t)lwork * sizeof(double));
  if (!work) {
    free(iwork);
    return LAPACK_OOM;
  }
  sys.dgesdd("S", &M, &N, a, &M, s, vt, &M, u, &P, work, &lwork, iwork, &info, 1);
  free(iwork), free(work);
  return info;
}

/* The row-major lower triangle is the column-major upper one; the eigenvectors come back as rows. */
static int sys_eigh(size_t n, double *v, double *w) {
  fint N = (fint)n, info = 0, query = -1, lwork, liwork, iq = 0;
  double wq = 0;
  sys.dsyevd("V", "U", &N, v, &N, w, &wq, &query, &iq, &query, &info, 1, 1);
  lwork = work_size(wq);
  liwork = iq > 1 ? iq : 1;
  double *work = malloc((size_t)lwork * sizeof(double));
  fint *iwork = malloc((size_t)liwork * sizeof(fint));
  if (!work || !iwork) {
    free(work), free(iwork);
    return LAPACK_OOM;
  }
  sys.dsyevd("V", "U", &N, v, &N, w, work, &lwork, iwork, &liwork, &info, 1, 1);
  free(work), free(iwork);
  if (info == 0)
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++) {
        double t = v[i * n + j];
        v[i * n + j] = v[j * n + i];
        v[j * n + i] = t;
      }
  return info;
}

/* Row-major L is column-major U = L^T: dpotrf('U') factors it in place. */
static int sys_cholesky(size_t n, double *l) {
  fint N = (fint)n, info = 0;
  sys.dpotrf("U", &N, l, &N, &info, 1);
  return info;
}

static int sys_lstsq(size_t m, size_t n, size_t r, double *a, double *b) {
  fint M = (fint)m, N = (fint)n, R = (fint)r, info = 0, query = -1, lwork;
  double *ac = malloc(m * n * sizeof(double)), *bc = malloc(m * r * sizeof(double)), wq = 0;
  if (!ac || !bc) {
    free(ac), free(bc);
    return LAPACK_OOM;
  }
  to_col_major(a, m, n, ac);
  to_col_major(b, m, r, bc);
  sys.dgels("N", &M, &N, &R, ac, &M, bc, &M, &wq, &query, &info, 1);
  lwork = work_size(wq);
  double *work = malloc((size_t)lwork * sizeof(double));
  if (!work) {
    free(ac), free(bc);
    return LAPACK_OOM;
  }
  sys.dgels("N", &M, &N, &R, ac, &M, bc, &M, work, &lwork, &info, 1);
  if (info == 0)
    for (size_t i = 0; i < n; i++)
      for (size_t c = 0; c < r; c++) b[i * r + c] = bc[i + c * m];
  free(ac), free(bc), free(work);
  return info;
}

static const lapack_ops system_lapack = {sys_qr, sys_svd, sys_eigh, sys_cholesky, sys_lstsq};

/* ---- Selection ---- */

blas_ops blas = {builtin_dgemm, builtin_sgemm, builtin_set_threads, builtin_get_threads, {0}};
static bool using_system;

/* Select by mode (see the top of this file); false with a reason in err when it cannot be honoured. */
static bool select_blas(const char *mode, char *err, size_t err_len) {
  bool builtin = strcmp(mode, "builtin") == 0, path = strchr(mode, '/') != NULL;
  if (!builtin && !path && strcmp(mode, "auto") != 0 && strcmp(mode, "system") != 0) {
    snprintf(err, err_len, "DISLIB_BLAS: expected auto, builtin, system or a library path, got '%s'", mode);
    return false;
  }
  /* The system library is looked for once per process: a path must name the one already loaded, if any. */
  char wanted[PATH_MAX];
  if (path && sys.tried && !(sys.found && realpath(mode, wanted) && strcmp(wanted, sys.path) == 0)) {
    snprintf(err, err_len, "%s: a system BLAS was already looked for in this process (%s); set DISLIB_BLAS before loading", mode,
             sys.found ? sys.path : sys.why);
    return false;
  }
  using_system = !builtin && find_system(path ? mode : NULL);
  if (!builtin && !using_system && strcmp(mode, "auto") != 0) {
    snprintf(err, err_len, "DISLIB_BLAS=%s: no system BLAS could be loaded (%s)", mode, sys.why);
    return false;
  }
  if (using_system) {
    blas = (blas_ops){sys_dgemm, sys_sgemm, sys_set_threads, sys_get_threads, sys.has_lapack ? system_lapack : builtin_lapack};
  } else {
    blas = (blas_ops){builtin_dgemm, builtin_sgemm, builtin_set_threads, builtin_get_threads, builtin_lapack};
  }
  /* Worker processes are the unit of parallelism: one BLAS thread unless setBlasThreads says otherwise. */
  blas.set_threads(1);
  return true;
}

bool blas_init(char *err, size_t err_len) {
  const char *mode = getenv("DISLIB_BLAS");
  return select_blas(mode && *mode ? mode : "auto", err, err_len);
}

static bool put_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok && set_prop(env, obj, key, v);
}

/* blasInfo() -> { name, source, library?, version?, lapack, lapackLibrary?, isa?, threads, tried? } */
static napi_value k_blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, threads;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  bool ok = put_string(env, obj, "name", using_system ? sys.name : "builtin") &&
            put_string(env, obj, "source", using_system ? "system" : "builtin") &&
            put_string(env, obj, "lapack", using_system && sys.has_lapack ? "system" : "builtin");
  if (ok && using_system) {
    ok = put_string(env, obj, "library", sys.path) && (!sys.version[0] || put_string(env, obj, "version", sys.version)) &&
         (!sys.has_lapack || put_string(env, obj, "lapackLibrary", sys.lapack_path));
  } else if (ok) {
    ok = put_string(env, obj, "isa", builtin_gemm_isa()) && (!sys.tried || sys.found || put_string(env, obj, "tried", sys.why));
  }
  if (!ok || napi_create_int32(env, blas.get_threads(), &threads) != napi_ok || !set_prop(env, obj, "threads", threads)) return NULL;
  return obj;
}

/* selectBlas(mode) -> blasInfo(); mode as DISLIB_BLAS. Throws when the mode cannot be honoured. */
static napi_value k_select_blas(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char mode[PATH_MAX], err[1024];
  size_t len;
  if (!args_get(env, info, 1, argv)) return NULL;
  if (napi_get_value_string_utf8(env, argv[0], mode, sizeof mode, &len) != napi_ok) return throw_error(env, "selectBlas: mode must be a string");
  if (!select_blas(mode, err, sizeof err)) return throw_error(env, err);
  return k_blas_info(env, info);
}

DISLIB_EXPORT("blasInfo", k_blas_info)
DISLIB_EXPORT("selectBlas", k_select_blas)
