/* The Node-API entry point of the K-means step: argument checks and result objects around kmeans.h. */
#include "kernels.h"
#include "kmeans.h"
#include "napi_args.h"

/* kmeansStep(x, n, d, centers, k, labels?) -> { sums, counts, inertia } */
static napi_value k_kmeans_step(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  size_t n, d, k, sx, sc;
  typed_arg x, c, lab = {0};
  if (!args_get(env, info, 6, argv) || !arg_dim(env, argv[1], "n", &n) || !arg_dim(env, argv[2], "d", &d) ||
      !arg_dim(env, argv[4], "k", &k) || !mul_size(env, n, d, &sx) || !mul_size(env, k, d, &sc) ||
      !arg_float(env, argv[0], "x", sx, &x) || !arg_float(env, argv[3], "centers", sc, &c)) {
    return NULL;
  }
  if (c.type != x.type) return throw_error(env, "kmeansStep: x and centers must have the same dtype");
  if (k == 0) return throw_error(env, "kmeansStep: k must be at least 1");
  bool with_labels = !arg_is_absent(env, argv[5]);
  if (with_labels && !arg_typed(env, argv[5], "labels", napi_int32_array, n, &lab)) return NULL;
  double *sums, *counts, inertia = 0;
  napi_value vsums = new_f64(env, sc, &sums), vcounts = vsums ? new_f64(env, k, &counts) : NULL;
  if (!vcounts) return NULL;
  int32_t *labels = with_labels ? lab.data : NULL;
  int rc = x.type == napi_float64_array ? dislib_kmeans_step_f64(x.data, n, d, c.data, k, labels, sums, counts, &inertia)
                                        : dislib_kmeans_step_f32(x.data, n, d, c.data, k, labels, sums, counts, &inertia);
  if (rc != 0) return throw_oom(env);
  napi_value result, vinertia;
  napi_create_object(env, &result);
  napi_create_double(env, inertia, &vinertia);
  if (!set_prop(env, result, "sums", vsums) || !set_prop(env, result, "counts", vcounts) ||
      !set_prop(env, result, "inertia", vinertia)) {
    return NULL;
  }
  return result;
}

DISLIB_EXPORT("kmeansStep", k_kmeans_step)
