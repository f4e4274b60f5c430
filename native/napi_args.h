/*
 * Argument checking for the addon's entry points. The TypeScript wrapper (lib/kernels/native.ts) validates
 * first and throws typed errors; these checks are the second line so that no call, however wrong, can make
 * the C side read or write out of bounds. Every helper returns false after throwing a JS exception.
 */
#ifndef DISLIB_NAPI_ARGS_H
#define DISLIB_NAPI_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>

/** A typed array argument: element type, element count, first element. */
typedef struct {
  napi_typedarray_type type;
  size_t length;
  void *data;
} typed_arg;

/** Fetch exactly `want` arguments (missing ones read as undefined). */
bool args_get(napi_env env, napi_callback_info info, size_t want, napi_value *argv);

/** A dimension: an integer in [0, INT32_MAX] (BLAS/LAPACK ints are 32-bit). */
bool arg_dim(napi_env env, napi_value v, const char *name, size_t *out);

/** Any finite or non-finite JS number. */
bool arg_number(napi_env env, napi_value v, const char *name, double *out);

/** A JS boolean. */
bool arg_bool(napi_env env, napi_value v, const char *name, bool *out);

/** True when v is undefined or null (an omitted optional argument). */
bool arg_is_absent(napi_env env, napi_value v);

/** A typed array of the given type holding at least `min_length` elements. */
bool arg_typed(napi_env env, napi_value v, const char *name, napi_typedarray_type type, size_t min_length, typed_arg *out);

/** A Float64Array or Float32Array holding at least `min_length` elements. */
bool arg_float(napi_env env, napi_value v, const char *name, size_t min_length, typed_arg *out);

/** Product a*b, or throw a RangeError on size_t overflow. */
bool mul_size(napi_env env, size_t a, size_t b, size_t *out);

/** A new Float64Array of `length` zeroed elements; *data points at its storage. NULL after throwing. */
napi_value new_f64(napi_env env, size_t length, double **data);

/** Set obj[key] = value; false after throwing. */
bool set_prop(napi_env env, napi_value obj, const char *key, napi_value value);

/** Throw an Error with code ERR_DISLIB_NATIVE and the given message; returns NULL for tail calls. */
napi_value throw_error(napi_env env, const char *message);

/** Throw an out-of-memory Error; returns NULL. */
napi_value throw_oom(napi_env env);

#endif
