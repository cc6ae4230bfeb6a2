// FdHandle: one owned (or borrowed) file descriptor and its single uv_poll_t watcher.
#pragma once
#include "iolib.h"

namespace iolib {

class FdHandle : public Napi::ObjectWrap<FdHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit FdHandle(const Napi::CallbackInfo& info);  // (fd, owner, owned = true)
  ~FdHandle() override;

  // Closes without calling into JS: stop the watcher, close the fd, free the watcher later.
  void CloseNow();
  int fd() const { return fd_; }
  bool owned() const { return owned_; }
  FdHandle* next() const { return next_; }

 private:
  enum ReadMode { kNone = 0, kBytes = 1, kMessages = 2, kRecords = 3 };

  // fd_handle.cc: watcher and lifetime.
  Napi::Value GetFd(const Napi::CallbackInfo& info);
  Napi::Value SetNotify(const Napi::CallbackInfo& info);
  Napi::Value ReadStart(const Napi::CallbackInfo& info);
  Napi::Value ReadStop(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  int Update();
  void Hold();
  void Release();
  void StopWatcher();
  static void OnPoll(uv_poll_t* poll, int status, int events);
  void CallJs(Napi::FunctionReference& fn, std::initializer_list<napi_value> args);

  // fd_io.cc: batched reads and writes.
  bool ReadBytes(Napi::Env env);
  void ReadMessages(Napi::Env env);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Writev(const Napi::CallbackInfo& info);

  // fd_calls.cc: one system call each.
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Accept(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value GetSockName(const Napi::CallbackInfo& info);
  Napi::Value GetPeerName(const Napi::CallbackInfo& info);
  Napi::Value GetSockOpt(const Napi::CallbackInfo& info);
  Napi::Value SetSockOpt(const Napi::CallbackInfo& info);
  Napi::Value SendTo(const Napi::CallbackInfo& info);
  Napi::Value RecvFrom(const Napi::CallbackInfo& info);

  // message.cc: ancillary data and datagram batches.
  Napi::Value SendMsg(const Napi::CallbackInfo& info);
  Napi::Value RecvMsg(const Napi::CallbackInfo& info);
  Napi::Value SendBatch(const Napi::CallbackInfo& info);

  int fd_ = -1;
  bool owned_ = true;
  bool strong_ = false;     // this handle's object held strongly while the watcher runs
  bool lingering_ = false;  // started, but nobody wants events: stops at the next one
  uv_poll_t* poll_ = nullptr;
  int notify_ = 0;          // events JS asked to be told about
  int active_ = 0;          // events the watcher was started with
  ReadMode readMode_ = kNone;
  size_t chunk_ = 65536;    // bytes per read, or the largest message
  unsigned batch_ = 32;     // messages per recvmmsg
  bool wantAddrs_ = false;
  EnvData* envData_;
  FdHandle* prev_ = nullptr;  // EnvData::handles
  FdHandle* next_ = nullptr;
};

}  // namespace iolib
