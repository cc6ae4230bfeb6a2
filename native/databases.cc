// The services and protocols databases (/etc/services, /etc/protocols and whatever
// nsswitch.conf adds), through the reentrant _r calls. The files are local, so these calls
// are synchronous. Each returns plain data, null when there is no such entry, or -errno.
#include "iolib.h"
#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <string>
#include <vector>

namespace iolib {

namespace {

// The _r calls want a caller's buffer; they answer ERANGE when it is too small.
constexpr size_t kStartBuffer = 1024;
constexpr size_t kMaxBuffer = 1 << 20;

Napi::Array Aliases(Napi::Env env, char** aliases) {
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (char** a = aliases; a && *a; ++a) SetAt(env, out, n++, Napi::String::New(env, *a));
  return out;
}

// [name, port, protocol, aliases]
Napi::Value ServentToJs(Napi::Env env, const servent* s) {
  Napi::Array out = Napi::Array::New(env, 4);
  SetAt(env, out, 0u, Napi::String::New(env, s->s_name));
  SetAt(env, out, 1u, Num(env, ntohs(static_cast<uint16_t>(s->s_port))));
  SetAt(env, out, 2u, Napi::String::New(env, s->s_proto ? s->s_proto : ""));
  SetAt(env, out, 3u, Aliases(env, s->s_aliases));
  return out;
}

// [name, number, aliases]
Napi::Value ProtoentToJs(Napi::Env env, const protoent* p) {
  Napi::Array out = Napi::Array::New(env, 3);
  SetAt(env, out, 0u, Napi::String::New(env, p->p_name));
  SetAt(env, out, 1u, Num(env, p->p_proto));
  SetAt(env, out, 2u, Aliases(env, p->p_aliases));
  return out;
}

// Optional string argument: undefined/null -> no value.
bool OptString(const Napi::CallbackInfo& info, size_t at, std::string* out) {
  if (info.Length() <= at || !info[at].IsString()) return false;
  *out = info[at].As<Napi::String>().Utf8Value();
  return true;
}

}  // namespace


// Runs a reentrant (`_r`) database look-up with a buffer that grows on ERANGE. Returns the entry
// converted by `toJs`, null when there is none, or -errno.
template <typename Entry, typename Lookup, typename ToJs>
static Napi::Value LookupR(Napi::Env env, Lookup lookup, ToJs toJs) {
  Entry entry;
  Entry* result = nullptr;
  std::vector<char> buf(kStartBuffer);
  int err;
  for (;;) {
    result = nullptr;
    err = lookup(&entry, buf.data(), buf.size(), &result);
    if (err == ERANGE && buf.size() < kMaxBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    break;
  }
  if (err == ENOENT) err = 0;
  if (err) return Fail(env, err);
  if (!result) return env.Null();
  return toJs(env, result);
}

// getservbyname(name, protocol?) -> [name, port, protocol, aliases] | null | -errno
static Napi::Value GetServByName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return Fail(env, EINVAL);
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string proto;
  bool hasProto = OptString(info, 1, &proto);
  return LookupR<servent>(env, [&](servent* entry, char* buf, size_t size, servent** result) {
    return getservbyname_r(name.c_str(), hasProto ? proto.c_str() : nullptr, entry, buf, size, result);
  }, ServentToJs);
}

// getservbyport(port, protocol?) -> [name, port, protocol, aliases] | null | -errno
static Napi::Value GetServByPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return Fail(env, EINVAL);
  int port = info[0].As<Napi::Number>().Int32Value();
  if (port < 0 || port > 65535) return Fail(env, EINVAL);
  std::string proto;
  bool hasProto = OptString(info, 1, &proto);
  return LookupR<servent>(env, [&](servent* entry, char* buf, size_t size, servent** result) {
    return getservbyport_r(htons(static_cast<uint16_t>(port)), hasProto ? proto.c_str() : nullptr, entry, buf, size, result);
  }, ServentToJs);
}

// getprotobyname(name) -> [name, number, aliases] | null | -errno
static Napi::Value GetProtoByName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return Fail(env, EINVAL);
  std::string name = info[0].As<Napi::String>().Utf8Value();
  return LookupR<protoent>(env, [&](protoent* entry, char* buf, size_t size, protoent** result) {
    return getprotobyname_r(name.c_str(), entry, buf, size, result);
  }, ProtoentToJs);
}

// getprotobynumber(number) -> [name, number, aliases] | null | -errno
static Napi::Value GetProtoByNumber(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return Fail(env, EINVAL);
  int number = info[0].As<Napi::Number>().Int32Value();
  return LookupR<protoent>(env, [&](protoent* entry, char* buf, size_t size, protoent** result) {
    return getprotobynumber_r(number, entry, buf, size, result);
  }, ProtoentToJs);
}

void InitDatabases(Napi::Env env, Napi::Object exports) {
  exports.Set("getservbyname", Napi::Function::New(env, GetServByName, "getservbyname"));
  exports.Set("getservbyport", Napi::Function::New(env, GetServByPort, "getservbyport"));
  exports.Set("getprotobyname", Napi::Function::New(env, GetProtoByName, "getprotobyname"));
  exports.Set("getprotobynumber", Napi::Function::New(env, GetProtoByNumber, "getprotobynumber"));
}

}  // namespace iolib
