// FdHandle: one owned (or borrowed) file descriptor and its single uv_poll_t watcher.
//
// JS knows a handle by a number (a table slot and its generation), not by a wrapper object: an
// idle socket then carries no object, property array or wrap for it. The owner (the socket) is
// held by one napi reference, weak unless the watcher works for it, whose finalizer closes the
// fd of a socket dropped without close().
#pragma once
#include "iolib.h"

namespace iolib {

struct SendRing;

// A handle method's arguments past the handle id, numbered from 0.
class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info) {}
  Napi::Value operator[](size_t i) const { return info_[i + 1]; }
  size_t Length() const { return info_.Length() - 1; }
  Napi::Env Env() const { return info_.Env(); }

 private:
  const Napi::CallbackInfo& info_;
};

// The bytes [start, end) of a Buffer passed as a method's first three arguments (buffer,
// start, end); false when the first is not a Buffer or the range falls outside it.
inline bool RegionOf(const Args& info, iovec* out) {
  iovec buf;
  if (!BytesOf(info.Env(), info[0], &buf)) return false;
  size_t start = info[1].As<Napi::Number>().Uint32Value();
  size_t end = info[2].As<Napi::Number>().Uint32Value();
  if (end > buf.iov_len || start > end) return false;
  *out = {static_cast<char*>(buf.iov_base) + start, end - start};
  return true;
}

// Standard layout, malloc'd, with the watcher first: libuv's close callback (libc's free, since a
// worker's teardown unloads this addon before the callbacks of handles it closed run) frees the
// whole handle, so it lives exactly as long as libuv needs the watcher.
struct FdHandle {
  uv_poll_t poll;           // initialized on first watch (polling)
  int fd = -1;
  bool owned = true;
  bool polling = false;     // poll initialized: freed by uv_close, not at once
  bool started = false;     // poll started on this fd and not stopped by us since
  bool strong = false;      // owner held strongly while the watcher works for it
  bool lingering = false;   // started, but nobody wants events: stops at the next one
  bool unrefd = false;      // unref(): the watcher never keeps the event loop alive
  bool queued = false;      // in this loop turn's batch (EnvData::ready)
  int readyStatus = 0;      // what the watcher reported, kept for the batch
  int readyEvents = 0;
  int notify = 0;           // events JS asked to be told about
  int active = 0;           // events the watcher was started with
  int readMode = 0;         // kNone, kBytes, kMessages, kRecords
  size_t chunk = 65536;     // bytes per read, or the largest message
  size_t readMax = 65536;   // byte reads grow from chunk up to this while each one fills
  size_t readSize = 65536;  // what the next byte read asks for
  unsigned batch = 32;      // messages per recvmmsg
  bool wantAddrs = false;
  uint32_t slot = 0;
  napi_env env = nullptr;
  napi_ref owner = nullptr;  // null for a probe (see Open)
  EnvData* envData = nullptr;
  SendRing* ring = nullptr;  // bulk writes sent from the thread pool (send_ring.cc)

  // Exported as READ_BYTES, READ_MESSAGES, READ_RECORDS (constants.cc).
  enum ReadMode { kNone = 0, kBytes = 1, kMessages = 2, kRecords = 3 };
  // onRead / onMessages status: the peer ended the stream (exported as READ_STATUS_END).
  static constexpr int kStatusEnd = 1;

  static void Init(Napi::Env env, Napi::Object exports);
  // Closes without calling into JS: stop and close the watcher, close the fd (with `queued`,
  // on the thread pool: the ticket is returned, 0 when closed at once), drop the owner. The
  // handle may be freed on return.
  double CloseNow(bool queued = false);
  // CloseNow's end for a handle whose watcher was initialized: stops the watcher and keeps
  // the handle for the next one opened on fd `number`; false when it cannot be kept.
  bool Park(int number);

  // fd_handle.cc: watcher and lifetime.
  int Update();
  void Hold();
  void Release();
  void StopWatcher();
  static void OnPoll(uv_poll_t* poll, int status, int events);
  void Serve(int status, int events);
  void CallJs(Napi::FunctionReference& fn, std::initializer_list<napi_value> args);
  // Inside a batch, keeps a short read for FlushReads instead of calling JS now; false when
  // it must go at once (outside a batch, or the batch is full).
  bool StageRead(size_t offset, size_t length);
  Napi::Value GetFd(const Args& info);
  Napi::Value SetNotify(const Args& info);
  Napi::Value ReadStart(const Args& info);
  Napi::Value ReadStop(const Args& info);
  Napi::Value Close(const Args& info);
  Napi::Value CloseQueued(const Args& info);
  Napi::Value SetRef(const Args& info);

  // fd_io.cc: batched reads and writes.
  bool ReadBytes(Napi::Env env);
  // onRead(pool, offset, length, status) for a region of the current pool.
  void CallOnRead(size_t offset, size_t length, int status);
  bool ReadMessages(Napi::Env env);
  Napi::Value Write(const Args& info);
  Napi::Value Writev(const Args& info);

  // send_ring.cc: bulk writes sent from the thread pool.
  Napi::Value RingWrite(const Args& info);
  Napi::Value RingFlush(const Args& info);
  // Close: a ring whose job still runs takes over closing the fd; returns whether it did.
  bool DetachRing(bool closeFd);

  // fd_calls.cc: one system call each.
  Napi::Value Bind(const Args& info);
  Napi::Value Connect(const Args& info);
  Napi::Value Listen(const Args& info);
  Napi::Value Accept(const Args& info);
  Napi::Value Shutdown(const Args& info);
  Napi::Value GetSockName(const Args& info);
  Napi::Value GetPeerName(const Args& info);
  Napi::Value GetSockOpt(const Args& info);
  Napi::Value SetSockOpt(const Args& info);
  Napi::Value SendTo(const Args& info);
  Napi::Value RecvFrom(const Args& info);

  // message.cc: ancillary data and datagram batches.
  Napi::Value SendMsg(const Args& info);
  Napi::Value RecvMsg(const Args& info);
  Napi::Value SendBatch(const Args& info);
};

// The handle a JS id names in this environment, or null (closed, or never was).
FdHandle* LookupHandle(EnvData* d, Napi::Value id);
FdHandle* HandleById(EnvData* d, double id);

}  // namespace iolib
