#include "iolib.h"

namespace iolib {

EnvData* GetEnvData(Napi::Env env) { return env.GetInstanceData<EnvData>(); }

static Napi::Value SetCallbacks(const Napi::CallbackInfo& info) {
  EnvData* data = GetEnvData(info.Env());
  Napi::Object cbs = info[0].As<Napi::Object>();
  data->onRead = Napi::Persistent(cbs.Get("onRead").As<Napi::Function>());
  data->onMessages = Napi::Persistent(cbs.Get("onMessages").As<Napi::Function>());
  data->onEvent = Napi::Persistent(cbs.Get("onEvent").As<Napi::Function>());
  data->onWritten = Napi::Persistent(cbs.Get("onWritten").As<Napi::Function>());
  data->onClosed = Napi::Persistent(cbs.Get("onClosed").As<Napi::Function>());
  data->onReads = Napi::Persistent(cbs.Get("onReads").As<Napi::Function>());
  // The reads' regions (FlushReads, CallOnRead): doubles whose memory native code writes
  // directly.
  Napi::Env env = info.Env();
  Napi::Float64Array regions = Napi::Float64Array::New(env, kReadInfoSize);
  data->readInfoArray = Napi::Persistent(regions);
  data->readInfo = regions.Data();
  Napi::Object out = Napi::Object::New(env);
  out.Set("readInfo", regions);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new EnvData());
  exports.Set("setCallbacks", Napi::Function::New(env, SetCallbacks, "setCallbacks"));
  InitErrno(env, exports);
  InitFdHandle(env, exports);
  InitFdCalls(env, exports);
  InitConstants(env, exports);
  InitResolver(env, exports);
  InitDatabases(env, exports);
  InitInterfaces(env, exports);
  InitReadiness(env, exports);
  return exports;
}

}  // namespace iolib

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return iolib::Init(env, exports); }

NODE_API_MODULE(iolib, InitModule)
