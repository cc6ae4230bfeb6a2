// errno numbers to names and names to numbers, so JS can build { errno, code, syscall } for
// any errno the kernel returns (util.getSystemErrorName and os.constants.errno only know
// libuv's subset).
#include "iolib.h"
#include <cerrno>
#include <cstring>
#include "errno_names.h"

namespace iolib {

static Napi::Value ErrnoName(const Napi::CallbackInfo& info) {
  int err = info[0].As<Napi::Number>().Int32Value();
  if (err < 0) err = -err;
  // A table built from <errno.h> at compile time (errno_names.mjs), not strerrorname_np,
  // which needs glibc 2.32.
  switch (err) {
#define X(name) \
  case name:    \
    return Napi::String::New(info.Env(), #name);
    IOLIB_ERRNO_NAMES
#undef X
  }
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
  // Every errno name <errno.h> defines, aliases too, to its number: errors made by name
  // (new SocketEndpointShutdownError('ESHUTDOWN', ...)) take their number from here.
  Napi::Object numbers = Napi::Object::New(env);
#define X(name) numbers.Set(#name, Napi::Number::New(env, name));
  IOLIB_ERRNO_NAMES
  IOLIB_ERRNO_ALIASES
#undef X
  exports.Set("errnoNumbers", numbers);
}

}  // namespace iolib
