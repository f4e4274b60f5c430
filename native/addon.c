/*
 * dislib_native: the native kernel backend (Node-API). Loading it selects the BLAS and LAPACK (a system
 * library, else built-in; see blas_select.c) and pins BLAS to one thread because worker processes are the
 * unit of parallelism; setBlasThreads overrides it.
 */
#include "blas.h"
#include "kernels.h"
#include "napi_args.h"

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  static const struct {
    const char *name;
    napi_callback fn;
  } entries[] = {
      {"gemm", k_gemm},
      {"rowSqNorms", k_row_sq_norms},
      {"kmeansStep", k_kmeans_step},
      {"pairwiseSqDist", k_pairwise_sq_dist},
      {"qr", k_qr},
      {"svd", k_svd},
      {"eigh", k_eigh},
      {"cholesky", k_cholesky},
      {"lstsq", k_lstsq},
      {"parseCsv", k_parse_csv},
      {"uniformFill", k_uniform_fill},
      {"setBlasThreads", k_set_blas_threads},
      {"getBlasThreads", k_get_blas_threads},
      {"blasInfo", k_blas_info},
      {"selectBlas", k_select_blas},
  };
  char err[1024];
  if (!blas_init(err, sizeof err)) {
    throw_error(env, err);
    return NULL;
  }
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, entries[i].name, NAPI_AUTO_LENGTH, entries[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, entries[i].name, fn) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
