// Argument checks shared by the addons in native/.
#ifndef DLKIT_NAPI_ARGS_H
#define DLKIT_NAPI_ARGS_H
#include <node_api.h>
#include <stdint.h>

// A Uint8Array argument: its bytes and length; 0 for anything else.
static inline int bytes_arg(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &offset) != napi_ok) return 0;
  return type == napi_uint8_array;
}

// Throws an Error with `code` (NULL: none) and returns what a failing call returns.
static inline napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}
#endif
