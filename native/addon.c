/*
 * dislib_native: the native kernel backend (Node-API). Loading it selects the BLAS and LAPACK (a system
 * library, else built-in; see blas_select.c) and pins BLAS to one thread because worker processes are the
 * unit of parallelism; setBlasThreads overrides it. The entry points are those the C files registered
 * with DISLIB_EXPORT (kernels.h).
 */
#include "blas.h"
#include "kernels.h"
#include "napi_args.h"

static dislib_export *registered;

void dislib_register(dislib_export *entry) {
  entry->next = registered;
  registered = entry;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  char err[1024];
  if (!blas_init(err, sizeof err)) {
    throw_error(env, err);
    return NULL;
  }
  for (const dislib_export *e = registered; e; e = e->next) {
    napi_value fn;
    if (napi_create_function(env, e->name, NAPI_AUTO_LENGTH, e->fn, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, e->name, fn) != napi_ok) {
      return NULL;
    }
  }
  return exports;
}
