// errno numbers to names, so JS can build { errno, code, syscall } for any errno the kernel
// returns (util.getSystemErrorName only knows libuv's subset).
#include "iolib.h"
#include <cerrno>
#include <cstring>

namespace iolib {

static Napi::Value ErrnoName(const Napi::CallbackInfo& info) {
  int err = info[0].As<Napi::Number>().Int32Value();
  if (err < 0) err = -err;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name) return Napi::String::New(info.Env(), name);
#endif
  return info.Env().Undefined();
}

static Napi::Value ErrnoMessage(const Napi::CallbackInfo& info) {
  int err = info[0].As<Napi::Number>().Int32Value();
  if (err < 0) err = -err;
  return Napi::String::New(info.Env(), strerror(err));
}

void InitErrno(Napi::Env env, Napi::Object exports) {
  exports.Set("errnoName", Napi::Function::New(env, ErrnoName, "errnoName"));
  exports.Set("errnoMessage", Napi::Function::New(env, ErrnoMessage, "errnoMessage"));
}

}  // namespace iolib
