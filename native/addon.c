/*
 * dislib_native: the native kernel backend (Node-API, OpenBLAS CBLAS + LAPACKE). BLAS is pinned to one thread
 * when the module loads because worker processes are the unit of parallelism; setBlasThreads overrides it.
 */
#include <cblas.h>

#include "kernels.h"

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
  };
  openblas_set_num_threads(1);
  for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, entries[i].name, NAPI_AUTO_LENGTH, entries[i].fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, entries[i].name, fn) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
