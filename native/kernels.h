/*
 * How a C file exposes entry points to JavaScript without a central list: DISLIB_EXPORT("name", fn) after
 * a static `napi_value fn(napi_env, napi_callback_info)` registers it when the addon is loaded (a
 * constructor runs before Node calls the module's init), and addon.c sets every registered entry on the
 * exports object. Adding a kernel is one C file: binding.gyp compiles every C file of native/.
 */
#ifndef DISLIB_KERNELS_H
#define DISLIB_KERNELS_H

#include <node_api.h>

typedef struct dislib_export {
  const char *name;
  napi_callback fn;
  struct dislib_export *next;
} dislib_export;

/* Add an entry to the exports (called by DISLIB_EXPORT's constructor). */
void dislib_register(dislib_export *entry);

#define DISLIB_EXPORT(NAME, FN)                                                            \
  static dislib_export dislib_export_##FN = {NAME, FN, NULL};                             \
  __attribute__((constructor)) static void dislib_register_##FN(void) { dislib_register(&dislib_export_##FN); }

#endif
