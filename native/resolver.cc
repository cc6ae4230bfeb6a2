// getaddrinfo and getnameinfo. Both may block (DNS, files, NSS modules), so they run on
// libuv's thread pool as async work; the main thread only converts the answers. Each call
// returns a Promise that always resolves, with { eai: 0, value } or { eai, errno } (errno
// is meaningful for EAI_SYSTEM). Mapping EAI codes to errors is TypeScript's business.
#include "iolib.h"
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <string>

namespace iolib {

namespace {

Napi::Object Failure(Napi::Env env, int eai, int err) {
  Napi::Object out = Napi::Object::New(env);
  SetNamed(env, out, "eai", Num(env, eai));
  SetNamed(env, out, "errno", Num(env, err));
  return out;
}

Napi::Object Success(Napi::Env env, Napi::Value value) {
  Napi::Object out = Napi::Object::New(env);
  SetNamed(env, out, "eai", Num(env, 0));
  SetNamed(env, out, "value", value);
  return out;
}

// Settles a promise; a failure (JS can no longer run: a worker terminating) is nothing to report.
void Settle(napi_env env, napi_deferred deferred, napi_value value) {
  if (value != nullptr) napi_resolve_deferred(env, deferred, value);
}

// What both look-ups share: one call on the thread pool keeping its EAI code and errno, then
// on the main thread a failure settled as { eai, errno } or the answer as { eai: 0, value }.
class LookupWork : public Napi::AsyncWorker {
 protected:
  LookupWork(Napi::Env env, const char* name, napi_deferred deferred) : Napi::AsyncWorker(env, name), deferred_(deferred) {}
  // The look-up itself (thread pool): answers its EAI code.
  virtual int Lookup() = 0;
  // The answer's value, once the look-up succeeded (main thread).
  virtual Napi::Value Answer(Napi::Env env) = 0;

 private:
  void Execute() final {
    errno = 0;
    eai_ = Lookup();
    err_ = errno;
  }

  void OnOK() final {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Settle(env, deferred_, eai_ != 0 ? Failure(env, eai_, eai_ == EAI_SYSTEM ? err_ : 0) : Success(env, Answer(env)));
  }

  void OnError(const Napi::Error& e) final { napi_reject_deferred(Env(), deferred_, e.Value()); }

  napi_deferred deferred_;
  int eai_ = 0;
  int err_ = 0;
};

// getaddrinfo(node|null, service|null, family, socktype, protocol, flags)
//   -> Promise<{ eai: 0, value: [family, socktype, protocol, [f, bytes, port, scope], canonname|null][] }
//              | { eai, errno }>
class GetAddrInfoWork : public LookupWork {
 public:
  GetAddrInfoWork(Napi::Env env, napi_deferred deferred, bool hasNode, std::string node, bool hasService,
                  std::string service, const addrinfo& hints)
      : LookupWork(env, "iolib.getaddrinfo", deferred),
        hasNode_(hasNode),
        node_(std::move(node)),
        hasService_(hasService),
        service_(std::move(service)),
        hints_(hints) {}

  ~GetAddrInfoWork() override {
    if (result_) freeaddrinfo(result_);
  }

 private:
  int Lookup() override {
    return getaddrinfo(hasNode_ ? node_.c_str() : nullptr, hasService_ ? service_.c_str() : nullptr, &hints_, &result_);
  }

  Napi::Value Answer(Napi::Env env) override {
    Napi::Array list = Napi::Array::New(env);
    uint32_t n = 0;
    for (addrinfo* ai = result_; ai; ai = ai->ai_next) {
      Napi::Array entry = Napi::Array::New(env, 5);
      SetAt(env, entry, 0u, Num(env, ai->ai_family));
      SetAt(env, entry, 1u, Num(env, ai->ai_socktype));
      SetAt(env, entry, 2u, Num(env, ai->ai_protocol));
      sockaddr_storage ss;
      memset(&ss, 0, sizeof(ss));
      socklen_t len = ai->ai_addr ? ai->ai_addrlen : 0;
      if (len > sizeof(ss)) len = sizeof(ss);
      if (len) memcpy(&ss, ai->ai_addr, len);
      SetAt(env, entry, 3u, SockaddrToJs(env, &ss, len));
      SetAt(env, entry, 4u, ai->ai_canonname ? Napi::Value(Napi::String::New(env, ai->ai_canonname)) : env.Null());
      SetAt(env, list, n++, entry);
    }
    return list;
  }

  bool hasNode_;
  std::string node_;
  bool hasService_;
  std::string service_;
  addrinfo hints_;
  addrinfo* result_ = nullptr;
};

// getnameinfo(family 4|6, bytes, port, scopeId, flags)
//   -> Promise<{ eai: 0, value: [host, service] } | { eai, errno }>
class GetNameInfoWork : public LookupWork {
 public:
  GetNameInfoWork(Napi::Env env, napi_deferred deferred, const sockaddr_storage& ss, socklen_t len, int flags)
      : LookupWork(env, "iolib.getnameinfo", deferred), ss_(ss), len_(len), flags_(flags) {}

 private:
  int Lookup() override {
    host_[0] = 0;
    serv_[0] = 0;
    return getnameinfo(reinterpret_cast<const sockaddr*>(&ss_), len_, host_, sizeof(host_), serv_, sizeof(serv_), flags_);
  }

  Napi::Value Answer(Napi::Env env) override {
    Napi::Array pair = Napi::Array::New(env, 2);
    SetAt(env, pair, 0u, Napi::String::New(env, host_));
    SetAt(env, pair, 1u, Napi::String::New(env, serv_));
    return pair;
  }

  sockaddr_storage ss_;
  socklen_t len_;
  int flags_;
  char host_[NI_MAXHOST];
  char serv_[NI_MAXSERV];
};

// A bad argument from the TypeScript layer (which validates first): resolve as EAI_SYSTEM/EINVAL.
Napi::Value Rejected(Napi::Env env, napi_deferred deferred, napi_value promise) {
  Settle(env, deferred, Failure(env, EAI_SYSTEM, EINVAL));
  return Napi::Value(env, promise);
}

Napi::Value GetAddrInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) return Napi::Value(env, nullptr);
  bool hasNode = info[0].IsString();
  bool hasService = info[1].IsString();
  if (!info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsNumber() || !info[5].IsNumber()) return Rejected(env, deferred, promise);
  std::string node = hasNode ? info[0].As<Napi::String>().Utf8Value() : std::string();
  std::string service = hasService ? info[1].As<Napi::String>().Utf8Value() : std::string();
  addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = info[2].As<Napi::Number>().Int32Value();
  hints.ai_socktype = info[3].As<Napi::Number>().Int32Value();
  hints.ai_protocol = info[4].As<Napi::Number>().Int32Value();
  hints.ai_flags = info[5].As<Napi::Number>().Int32Value();
  auto* work = new GetAddrInfoWork(env, deferred, hasNode, std::move(node), hasService, std::move(service), hints);
  work->Queue();
  return Napi::Value(env, promise);
}

Napi::Value GetNameInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) return Napi::Value(env, nullptr);
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!SockaddrFromJs(info, 0, &ss, &len) || !info[4].IsNumber()) return Rejected(env, deferred, promise);
  int flags = info[4].As<Napi::Number>().Int32Value();
  auto* work = new GetNameInfoWork(env, deferred, ss, len, flags);
  work->Queue();
  return Napi::Value(env, promise);
}

// gaiStrerror(eai) -> the resolver's message for an EAI code.
Napi::Value GaiStrerror(const Napi::CallbackInfo& info) {
  int eai = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  return Napi::String::New(info.Env(), gai_strerror(eai));
}

}  // namespace

#define EAI(name) consts.Set(#name, Napi::Number::New(env, name))

void InitResolver(Napi::Env env, Napi::Object exports) {
  exports.Set("getaddrinfo", Napi::Function::New(env, GetAddrInfo, "getaddrinfo"));
  exports.Set("getnameinfo", Napi::Function::New(env, GetNameInfo, "getnameinfo"));
  exports.Set("gaiStrerror", Napi::Function::New(env, GaiStrerror, "gaiStrerror"));
  Napi::Object consts = Napi::Object::New(env);
  EAI(EAI_AGAIN); EAI(EAI_BADFLAGS); EAI(EAI_FAIL); EAI(EAI_FAMILY); EAI(EAI_MEMORY); EAI(EAI_NONAME);
  EAI(EAI_SERVICE); EAI(EAI_SOCKTYPE); EAI(EAI_SYSTEM);
#ifdef EAI_OVERFLOW
  EAI(EAI_OVERFLOW);
#endif
#ifdef EAI_NODATA
  EAI(EAI_NODATA);
#endif
#ifdef EAI_ADDRFAMILY
  EAI(EAI_ADDRFAMILY);
#endif
#ifdef EAI_BADHINTS
  EAI(EAI_BADHINTS);
#endif
#ifdef EAI_PROTOCOL
  EAI(EAI_PROTOCOL);
#endif
  EAI(NI_MAXHOST); EAI(NI_MAXSERV);
  exports.Set("resolverConstants", consts);
}

}  // namespace iolib
