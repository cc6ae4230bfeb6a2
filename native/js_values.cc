// Values for JS made with plain Node-API calls whose failures are returned, never thrown.
//
// While a worker thread terminates, every Node-API call that needs the engine fails (setting
// an element, reading one, making a Buffer, throwing), and node-addon-api's answer to a failed
// call is to throw, which is then fatal for the whole process. So the native core builds what
// it hands JS with these: a failure gives nullptr (undefined to JS, which no longer runs).
#include "iolib.h"

namespace iolib {

void SetAt(napi_env env, napi_value array, uint32_t i, napi_value v) {
  if (array != nullptr && v != nullptr) napi_set_element(env, array, i, v);
}

void SetNamed(napi_env env, napi_value object, const char* name, napi_value v) {
  if (object != nullptr && v != nullptr) napi_set_named_property(env, object, name, v);
}

napi_value NewArray(napi_env env, const napi_value* items, size_t n) {
  napi_value out;
  if (napi_create_array_with_length(env, n, &out) != napi_ok) return nullptr;
  for (size_t i = 0; i < n; i++) {
    if (items[i] == nullptr || napi_set_element(env, out, static_cast<uint32_t>(i), items[i]) != napi_ok) return nullptr;
  }
  return out;
}

napi_value CopyBuffer(napi_env env, const void* data, size_t n) {
  napi_value out;
  void* copy;
  if (napi_create_buffer_copy(env, n, data, &copy, &out) != napi_ok) return nullptr;
  return out;
}

uint32_t ArrayLength(napi_env env, napi_value array) {
  uint32_t n = 0;
  if (napi_get_array_length(env, array, &n) != napi_ok) return 0;
  return n;
}

napi_value ElementAt(napi_env env, napi_value array, uint32_t i) {
  napi_value out;
  if (napi_get_element(env, array, i, &out) != napi_ok) return nullptr;
  return out;
}

// Node's Buffer calls: napi_get_typedarray_info tests the value against every element type
// in turn, and costs several times as much as a send of a few bytes spends in user space.
bool BytesOf(napi_env env, napi_value v, iovec* out) {
  bool isView = false;
  void* data;
  size_t length;
  if (v == nullptr || napi_is_buffer(env, v, &isView) != napi_ok || !isView || napi_get_buffer_info(env, v, &data, &length) != napi_ok) return false;
  // An empty view may have no memory at all, and memcpy or send may not take a null pointer
  // even for zero bytes (UBSan reports it): zero bytes at a valid address instead.
  static char none;
  *out = {length == 0 ? &none : data, length};
  return true;
}

bool ThrowError(napi_env env, const char* message) {
  napi_value text, err;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text) != napi_ok) return false;
  if (napi_create_error(env, nullptr, text, &err) != napi_ok) return false;
  return napi_throw(env, err) == napi_ok;
}

}  // namespace iolib
