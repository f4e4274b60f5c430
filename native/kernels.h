/* Entry points of the addon, one per kernel of the contract in lib/kernels/types.ts (registered in addon.c). */
#ifndef DISLIB_KERNELS_H
#define DISLIB_KERNELS_H

#include <node_api.h>

napi_value k_gemm(napi_env env, napi_callback_info info);
napi_value k_row_sq_norms(napi_env env, napi_callback_info info);
napi_value k_kmeans_step(napi_env env, napi_callback_info info);
napi_value k_pairwise_sq_dist(napi_env env, napi_callback_info info);
napi_value k_qr(napi_env env, napi_callback_info info);
napi_value k_svd(napi_env env, napi_callback_info info);
napi_value k_eigh(napi_env env, napi_callback_info info);
napi_value k_cholesky(napi_env env, napi_callback_info info);
napi_value k_lstsq(napi_env env, napi_callback_info info);
napi_value k_parse_csv(napi_env env, napi_callback_info info);
napi_value k_uniform_fill(napi_env env, napi_callback_info info);
napi_value k_set_blas_threads(napi_env env, napi_callback_info info);
napi_value k_get_blas_threads(napi_env env, napi_callback_info info);
napi_value k_blas_info(napi_env env, napi_callback_info info);
napi_value k_select_blas(napi_env env, napi_callback_info info);

#endif
