#include "napi_args.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool fail_type(napi_env env, const char *name, const char *expected) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: expected %s", name, expected);
  napi_throw_type_error(env, "ERR_DISLIB_NATIVE_ARG", msg);
  return false;
}

static bool fail_range(napi_env env, const char *name, const char *what) {
  char msg[200];
  snprintf(msg, sizeof msg, "%s: %s", name, what);
  napi_throw_range_error(env, "ERR_DISLIB_NATIVE_ARG", msg);
  return false;
}

bool args_get(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    throw_error(env, "cannot read the call's arguments");
    return false;
  }
  return true;
}

bool arg_number(napi_env env, napi_value v, const char *name, double *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return fail_type(env, name, "a number");
  return napi_get_value_double(env, v, out) == napi_ok || fail_type(env, name, "a number");
}

bool arg_dim(napi_env env, napi_value v, const char *name, size_t *out) {
  double d;
  if (!arg_number(env, v, name, &d)) return false;
  if (!(d >= 0 && d <= (double)INT32_MAX) || floor(d) != d) {
    return fail_range(env, name, "expected an integer in [0, 2^31 - 1]");
  }
  *out = (size_t)d;
  return true;
}

bool arg_bool(napi_env env, napi_value v, const char *name, bool *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_boolean) return fail_type(env, name, "a boolean");
  return napi_get_value_bool(env, v, out) == napi_ok || fail_type(env, name, "a boolean");
}

bool arg_is_absent(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) != napi_ok || t == napi_undefined || t == napi_null;
}

static bool typed_info(napi_env env, napi_value v, typed_arg *out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return false;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok) return false;
  /* A detached buffer reports no storage: treat it as empty. */
  if (out->data == NULL) out->length = 0;
  return true;
}

static bool check_length(napi_env env, const char *name, const typed_arg *arr, size_t min_length) {
  if (arr->length >= min_length) return true;
  char what[160];
  snprintf(what, sizeof what, "holds %zu elements, the shape needs %zu", arr->length, min_length);
  return fail_range(env, name, what);
}

bool arg_typed(napi_env env, napi_value v, const char *name, napi_typedarray_type type, size_t min_length, typed_arg *out) {
  static const char *names[] = {
    [napi_int8_array] = "an Int8Array", [napi_uint8_array] = "a Uint8Array",
    [napi_uint8_clamped_array] = "a Uint8ClampedArray", [napi_int16_array] = "an Int16Array",
    [napi_uint16_array] = "a Uint16Array", [napi_int32_array] = "an Int32Array",
    [napi_uint32_array] = "a Uint32Array", [napi_float32_array] = "a Float32Array",
    [napi_float64_array] = "a Float64Array",
  };
  const char *expected = (size_t)type < sizeof names / sizeof names[0] && names[type] ? names[type] : "a typed array";
  if (!typed_info(env, v, out) || out->type != type) return fail_type(env, name, expected);
  return check_length(env, name, out, min_length);
}

bool arg_float(napi_env env, napi_value v, const char *name, size_t min_length, typed_arg *out) {
  if (!typed_info(env, v, out) || (out->type != napi_float64_array && out->type != napi_float32_array)) {
    return fail_type(env, name, "a Float64Array or Float32Array");
  }
  return check_length(env, name, out, min_length);
}

bool mul_size(napi_env env, size_t a, size_t b, size_t *out) {
  if (a != 0 && b > SIZE_MAX / 8 / a) return fail_range(env, "shape", "too large");
  *out = a * b;
  return true;
}

napi_value new_f64(napi_env env, size_t length, double **data) {
  size_t bytes;
  if (!mul_size(env, length, sizeof(double), &bytes)) return NULL;
  napi_value buffer, array;
  void *raw = NULL;
  if (napi_create_arraybuffer(env, bytes, &raw, &buffer) != napi_ok) return throw_oom(env);
  if (napi_create_typedarray(env, napi_float64_array, length, buffer, 0, &array) != napi_ok) return throw_oom(env);
  /* ArrayBuffers are zero-filled by V8, so callers may accumulate into them directly. */
  *data = raw;
  return array;
}

bool set_prop(napi_env env, napi_value obj, const char *key, napi_value value) {
  if (value == NULL) return false;
  if (napi_set_named_property(env, obj, key, value) != napi_ok) {
    throw_error(env, "cannot build the result object");
    return false;
  }
  return true;
}

napi_value throw_error(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_DISLIB_NATIVE", message);
  return NULL;
}

napi_value throw_oom(napi_env env) {
  return throw_error(env, "out of memory");
}
