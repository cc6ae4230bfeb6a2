// Shared declarations of the native core. Convention (as libuv's): a call that can fail
// returns a JS number; a negative number is -errno. Calls that return data return the data
// or such a negative number. Most calls are one system call, or one batch of them; the few
// policies kept here for speed are named, each in its own file with its rules at the top:
// the per-wakeup read budget, lingering watchers and batched dispatch (fd_handle.cc: the ready
// sockets of a loop turn served in one callback scope, their short reads handed to JS in one
// call; a lone one takes plain calls), growing byte reads (fd_io.cc), read pools and their slab
// cache (slab_cache.cc), send rings (send_ring.cc) and queued closes (close_queue.cc).
#pragma once

#include <napi.h>
#include <uv.h>
#include "slab_cache.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <cstdint>
#include <vector>

#ifdef __linux__
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103  // Linux 4.18 (segmented UDP sends); older headers lack the name
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#endif

// Flags of every send: no SIGPIPE. Where MSG_NOSIGNAL is missing (BSD, macOS), SO_NOSIGPIPE is
// set on the socket instead.
#ifdef MSG_NOSIGNAL
#define IOLIB_SEND_FLAGS MSG_NOSIGNAL
#else
#define IOLIB_SEND_FLAGS 0
#endif

#ifndef __linux__
// recvmmsg/sendmmsg are Linux's; elsewhere the same loop runs over recvmsg/sendmsg.
struct mmsghdr {
  msghdr msg_hdr;
  unsigned msg_len;
};
#endif

namespace iolib {

// Caps on what the native core allocates, whatever JS asks for (the TypeScript layer refuses
// larger options with a RangeError first): bytes per read or largest message, and the datagram
// scratch area (fewer messages per batch when they are large; one at least).
constexpr size_t kMaxChunk = size_t{1} << 24;
// Short reads handed to JS in one call at most (FlushReads).
constexpr uint32_t kReadBatch = 1024;
// readInfo's layout past the batch's (offset, length) pairs: JS's progress through the batch,
// then a lone read's offset, length and status (onRead), passed there rather than as numbers
// made for each call.
constexpr uint32_t kReadProgress = 2 * kReadBatch;
constexpr uint32_t kLoneRead = kReadProgress + 1;
constexpr uint32_t kReadInfoSize = kLoneRead + 3;
constexpr size_t kScratchCap = size_t{1} << 22;

struct FdHandle;
struct CloseQueue;
struct SendRing;

// A send ring draining after its handle closed gives up once no byte has left for this long.
constexpr uint64_t kDrainTimeoutMs = 10000;

// Per-environment state (worker threads each get their own).
struct EnvData {
  Napi::FunctionReference onRead;       // onRead.call(owner, pool), the region in readInfo[kLoneRead...]
  Napi::FunctionReference onMessages;   // onMessages.call(owner, pool, offset, info, count, status, withAddresses)
  Napi::FunctionReference onEvent;      // onEvent.call(owner, events|-errno)
  Napi::FunctionReference onClosed;     // onClosed(ticket): queued closes up to that ticket are done
  CloseQueue* closer = nullptr;          // close_queue.cc
  bool closing = false;                  // the environment is tearing down: no more JS
  Napi::FunctionReference onWritten;    // onWritten.call(owner, bytes queued|-errno): a send ring's job ended
  // Send rings draining after their handles closed (send_ring.cc), ended at teardown, and how
  // long one waits for a byte to leave before it gives up (tests shorten it).
  std::vector<SendRing*> draining;
  uint64_t drainTimeoutMs = kDrainTimeoutMs;
  std::vector<char> scratch;            // shared read buffer: one per env, not per socket
  // Byte reads land in a pool Buffer that JS slices without a copy; a region handed to JS is
  // never written again, and a new pool (a recycled slab) replaces a full one.
  Napi::Reference<Napi::Buffer<char>> pool;
  SlabCache* slabs = nullptr;
  uint64_t slabTrimMs = SlabCache::kTrimIntervalMs;  // tests shorten it
  char* poolData = nullptr;
  size_t poolSize = 0;
  size_t poolUsed = 0;
  // Per-message lengths, flags and sender records of a datagram batch: JS reads them during the
  // call, so one Buffer serves every batch.
  Napi::Reference<Napi::Buffer<uint32_t>> info;
  uint32_t* infoData = nullptr;
  size_t infoWords = 0;
  std::vector<mmsghdr> msgs;            // recvmmsg headers, reused across wakeups
  std::vector<iovec> iovs;
  // Open handles by slot; JS ids are slot + generation * 2^24, so a stale id names nothing.
  std::vector<FdHandle*> slots;
  std::vector<uint32_t> generations;
  std::vector<uint32_t> freeSlots;
  // Stopped watchers of closed handles, by fd number (fd_handle.cc, FdHandle::Park): the next
  // handle for that number takes one instead of initializing a watcher. Those closed during a
  // batch wait in `parking` until it ends.
  std::vector<FdHandle*> parked;
  std::vector<std::pair<FdHandle*, int>> parking;
  bool inBatch = false;                  // ServeBatch is running
  // Batched dispatch (fd_handle.cc): the ids of handles whose watchers fired this loop turn,
  // served from one check-phase callback inside one callback scope (a lone one without).
  napi_env env = nullptr;
  uv_check_t* dispatcher = nullptr;      // malloc'd: freed by libuv's close callback (libc's free)
  std::vector<double> ready;
  std::vector<double> serving;           // the batch being served (ready's storage, swapped)
  napi_ref dispatchResource = nullptr;
  napi_async_context dispatchContext = nullptr;
  bool dispatching = false;              // inside the batch's callback scope
  // Short byte reads of the batch, handed to JS together (fd_handle.cc, FlushReads): the
  // handle's id and the pool region read. The owners go to JS as the call's arguments, the
  // regions in readInfo (offset, length pairs, then JS's progress through them: kReadProgress).
  struct StagedRead {
    double id;
    size_t offset;
    size_t length;
  };
  std::vector<StagedRead> staged;
  Napi::FunctionReference onReads;      // onReads(pool, count, from, ...owners)
  Napi::Reference<Napi::Float64Array> readInfoArray;
  double* readInfo = nullptr;
  // Room for `size` more bytes in the pool (a new pool when the current one is short); false
  // with a JS exception pending when out of memory.
  bool PoolRoom(Napi::Env env, size_t size);
  // Whether the current pool has room for `size` more bytes (PoolRoom keeps it then).
  bool PoolHasRoom(size_t size) const { return !pool.IsEmpty() && poolSize - poolUsed >= size; }
  // A typed reference's value as a plain napi_value: Value() wraps it as a Napi::Buffer, which
  // asks Node for its element type, length and data, once per read.
  static napi_value ValueOf(napi_env env, napi_ref ref) {
    napi_value v = nullptr;
    napi_get_reference_value(env, ref, &v);
    return v;
  }
  // The slab cache, made on first use (nullptr if the loop cannot be had).
  SlabCache* Slabs(napi_env env);
  uint32_t* Info(Napi::Env env, size_t words);
  char* Scratch(size_t size) {
    if (scratch.size() < size) scratch.resize(size);
    return scratch.data();
  }
  // After a batch: a scratch area grown past the cap (one message larger than it) is freed.
  void TrimScratch() {
    if (scratch.size() > kScratchCap) std::vector<char>().swap(scratch);
  }
};

EnvData* GetEnvData(Napi::Env env);

// Teardown: the send rings draining after their handles closed stop and close their fds
// (send_ring.cc).
void EndDrains(EnvData* d);

// Queues `execute` on libuv's thread pool and `complete` after it on the loop (a work item is
// queued once, as Node-API requires, so each job makes its own); nullptr if that failed.
inline napi_async_work QueuePoolJob(napi_env env, const char* name, napi_async_execute_callback execute, napi_async_complete_callback complete, void* data) {
  napi_value resource;
  napi_async_work work;
  if (napi_create_string_latin1(env, name, NAPI_AUTO_LENGTH, &resource) != napi_ok) return nullptr;
  if (napi_create_async_work(env, nullptr, resource, execute, complete, data, &work) != napi_ok) return nullptr;
  if (napi_queue_async_work(env, work) == napi_ok) return work;
  napi_delete_async_work(env, work);
  return nullptr;
}

// Hands JS the batch's staged reads, if any (fd_handle.cc). Called before anything else calls
// into JS and before the pool they lie in is replaced, so reads reach JS in the order made.
void FlushStagedReads(EnvData* d);
inline void FlushReads(EnvData* d) {
  if (!d->staged.empty()) FlushStagedReads(d);
}

// Calls `fn` as a callback from the loop, in async `context` (may be null), with microtasks
// run after it; an exception it throws becomes the process's uncaught exception. fd_handle.cc.
void CallIntoJs(napi_env env, napi_async_context context, napi_value recv, napi_value fn, size_t argc, const napi_value* argv);
// A pending JS exception, if any, becomes the process's uncaught exception.
void ReportException(napi_env env);

// js_values.cc: values for JS that never throw (see there why); nullptr when JS cannot run.
void SetAt(napi_env env, napi_value array, uint32_t i, napi_value v);
void SetNamed(napi_env env, napi_value object, const char* name, napi_value v);
napi_value NewArray(napi_env env, const napi_value* items, size_t n);
inline napi_value NewArray(napi_env env, std::initializer_list<napi_value> items) { return NewArray(env, items.begin(), items.size()); }
napi_value CopyBuffer(napi_env env, const void* data, size_t n);
uint32_t ArrayLength(napi_env env, napi_value array);
napi_value ElementAt(napi_env env, napi_value array, uint32_t i);
// The bytes of a Buffer (any ArrayBufferView: a Uint8Array, a DataView); false for anything else.
bool BytesOf(napi_env env, napi_value v, iovec* out);
// Throws an Error when JS can still run; answers whether it did.
bool ThrowError(napi_env env, const char* message);

// A JS number. Counts, offsets and results are small integers, which napi_create_int32 makes
// without the double's checks (callgrind: ~47 instructions a number against ~57).
inline Napi::Value Num(Napi::Env env, double v) {
  napi_value out;
  if (v >= INT32_MIN && v <= INT32_MAX && static_cast<double>(static_cast<int32_t>(v)) == v) {
    napi_create_int32(env, static_cast<int32_t>(v), &out);
  } else {
    napi_create_double(env, v, &out);
  }
  return Napi::Value(env, out);
}
// -errno as a JS number.
inline Napi::Value Fail(Napi::Env env, int err) { return Num(env, -err); }

// Sockaddr conversion. JS form: (family, address bytes, port, scopeId) where family is
// 4 (AF_INET: 4 bytes), 6 (AF_INET6: 16 bytes) or 1 (AF_UNIX: path bytes; a leading NUL
// byte means the abstract namespace).
bool SockaddrFromValues(Napi::Value family, Napi::Value bytes, Napi::Value port, Napi::Value scope, sockaddr_storage* ss, socklen_t* len);
// The four values from argument `at` on, of a CallbackInfo or a handle method's Args.
template <class Info>
bool SockaddrFromJs(const Info& info, size_t at, sockaddr_storage* ss, socklen_t* len) {
  return SockaddrFromValues(info[at], info[at + 1], info[at + 2], info[at + 3], ss, len);
}
// Returns [family, Buffer, port, scopeId] (family 0 for AF_UNSPEC / unnamed); SockaddrValues
// gives the four values (false when JS cannot run).
bool SockaddrValues(napi_env env, const sockaddr_storage* ss, socklen_t len, napi_value out[4]);
Napi::Value SockaddrToJs(Napi::Env env, const sockaddr_storage* ss, socklen_t len);
// Packs an address into a fixed record for batched receives: the family (4, 6, 1 or 0) at
// kAddrRecordFamily, the address byte count at kAddrRecordLength, the port (big-endian) at
// kAddrRecordPort, the scope id (host order) at kAddrRecordScope, the address or path bytes
// from kAddrRecordAddress. constants.cc exports the layout (ADDR_RECORD_*) for TypeScript.
constexpr size_t kAddrRecord = 120;
constexpr size_t kAddrRecordFamily = 0;
constexpr size_t kAddrRecordLength = 1;
constexpr size_t kAddrRecordPort = 2;
constexpr size_t kAddrRecordScope = 4;
constexpr size_t kAddrRecordAddress = 8;
void PackSockaddr(const sockaddr_storage* ss, socklen_t len, uint8_t* out);

// close_queue.cc: closes `fd` on the thread pool; answers its ticket (see onClosed), or 0 when
// it was closed at once. DetachCloseQueue closes what is queued (environment teardown).
double QueueClose(napi_env env, EnvData* d, int fd);
void DetachCloseQueue(EnvData* d);

// Sets O_NONBLOCK and FD_CLOEXEC; returns 0 or errno.
int MakeNonblockCloexec(int fd);

// readiness.cc: poll(2) of one fd with no wait; its revents, or -errno.
int PollNow(int fd, short events);

// Module parts, each adding its exports.
void InitErrno(Napi::Env env, Napi::Object exports);
void InitFdHandle(Napi::Env env, Napi::Object exports);
void InitFdCalls(Napi::Env env, Napi::Object exports);
void InitConstants(Napi::Env env, Napi::Object exports);
void InitResolver(Napi::Env env, Napi::Object exports);
void InitDatabases(Napi::Env env, Napi::Object exports);
void InitInterfaces(Napi::Env env, Napi::Object exports);
void InitReadiness(Napi::Env env, Napi::Object exports);

}  // namespace iolib
