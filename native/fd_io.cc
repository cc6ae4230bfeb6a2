// The hot paths: one JS call per readable wakeup carrying a batch, writes tried at once.
#include "fd_handle.h"
#include <cerrno>
#include <climits>
#include <cstring>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

namespace iolib {

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

// True once the peer of a connected socket has shut its sending side (or gone).
static bool PeerShutDown(int fd) {
  int revents = PollNow(fd, POLLRDHUP);
  return revents > 0 && (revents & (POLLRDHUP | POLLHUP)) != 0;
}

bool EnvData::PoolRoom(Napi::Env env, size_t size) {
  // Also with nothing to store: the pool is what JS is handed, even for an error alone.
  if (PoolHasRoom(size)) return true;
  // Out of memory leaves a JS exception pending: JS sees it as an uncaught error.
  napi_value b;
  char* data;
  if (size <= SlabCache::kSlabSize) {
    if (Slabs(env) == nullptr) return false;
    b = slabs->NewPool(env, &data);
    if (b == nullptr) return false;
    size = SlabCache::kSlabSize;
  } else {
    void* bytes;
    if (napi_create_buffer(env, size, &bytes, &b) != napi_ok) return false;
    data = static_cast<char*>(bytes);
  }
  pool = Napi::Persistent(Napi::Buffer<char>(env, b));
  poolData = data;
  poolSize = size;
  poolUsed = 0;
  return true;
}

SlabCache* EnvData::Slabs(napi_env env) {
  if (slabs == nullptr) {
    uv_loop_t* loop;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) return nullptr;
    slabs = new SlabCache(loop, slabTrimMs);
  }
  return slabs;
}

uint32_t* EnvData::Info(Napi::Env env, size_t words) {
  if (infoWords >= words) return infoData;
  napi_value b;
  void* data;
  if (napi_create_buffer(env, words * sizeof(uint32_t), &data, &b) != napi_ok) return nullptr;
  info = Napi::Persistent(Napi::Buffer<uint32_t>(env, b));
  infoData = static_cast<uint32_t*>(data);
  infoWords = words;
  return infoData;
}

// Reads until readSize bytes, a short read (the kernel is drained), EOF or an error, straight
// into the pool, then hands JS the pool and the region read: one call, no copy. True when the
// read filled, so more may be waiting. readSize adapts between chunk and readMax: doubled
// after a read that fills it, halved after one under half full (see GROWN_READ_SIZE in
// lib/sockets/core.ts).
bool FdHandle::ReadBytes(Napi::Env env) {
  EnvData* d = envData;
  const size_t size = readSize;
  if (!d->staged.empty() && !d->PoolHasRoom(size)) {
    // The staged reads lie in the pool about to be replaced: they go first, and their
    // handlers may have stopped this socket's reads or closed it.
    FlushReads(d);
    if (fd < 0 || readMode != kBytes) return false;
  }
  if (!d->PoolRoom(env, size)) return false;
  char* buf = d->poolData + d->poolUsed;
  size_t total = 0;
  int status = 0;
  while (total < size) {
    size_t want = size - total;
    ssize_t n = read(fd, buf + total, want);
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < want) break;
    } else if (n == 0) {
      status = kStatusEnd;
      break;
    } else if (errno == EINTR) {
      continue;
    } else {
      if (errno != EAGAIN && errno != EWOULDBLOCK) status = -errno;
      break;
    }
  }
  if (total == 0 && status == 0) return false;
  if (total == size) {
    if (size < readMax) readSize = size * 2 < readMax ? size * 2 : readMax;
  } else if (total < size / 2 && size > chunk) {
    readSize = size / 2 > chunk ? size / 2 : chunk;
  }
  size_t offset = d->poolUsed;
  d->poolUsed += (total + 7) & ~static_cast<size_t>(7);
  if (d->poolUsed > d->poolSize) d->poolUsed = d->poolSize;
  // A short read drained the socket: it can wait for the batch's one call into JS. A full
  // one goes now, so JS can stop the reads before the next.
  if (total < size && status == 0 && StageRead(offset, total)) return false;
  CallOnRead(offset, total, status);
  return total == size && status == 0;
}

void FdHandle::CallOnRead(size_t offset, size_t length, int status) {
  // Staged reads go first (as CallJs would): a lone one is handed over through these slots.
  FlushReads(envData);
  if (envData->readInfo == nullptr) return;
  double* lone = envData->readInfo + kLoneRead;
  lone[0] = static_cast<double>(offset);
  lone[1] = static_cast<double>(length);
  lone[2] = status;
  CallJs(envData->onRead, {EnvData::ValueOf(env, envData->pool)});
}

// Receives up to batch messages (recvmmsg where the kernel has it), then hands JS the pool
// region of the payloads and the info Buffer: one call a batch. True when the batch was full,
// so more may be waiting.
bool FdHandle::ReadMessages(Napi::Env env) {
  // Staged byte reads go before this batch takes the scratch area and maybe a new pool.
  FlushReads(envData);
  if (fd < 0 || readMode == kNone) return false;
  const size_t slot = chunk;
  // Slots a cache line apart from a multiple of 4 KiB: slots of 64 KiB (the default) would put
  // every datagram's first bytes in the same cache sets.
  const size_t stride = ((slot + 63) & ~size_t{63}) + 64;
  const size_t perMessage = stride + sizeof(sockaddr_storage);
  const unsigned max = perMessage * batch <= kScratchCap ? batch : static_cast<unsigned>(kScratchCap / perMessage > 0 ? kScratchCap / perMessage : 1);
  char* area = envData->Scratch(max * perMessage);
  struct Trim {
    EnvData* d;
    ~Trim() { d->TrimScratch(); }
  } trim{envData};
  auto* addrs = reinterpret_cast<sockaddr_storage*>(area + max * stride);
  std::vector<mmsghdr>& msgs = envData->msgs;
  std::vector<iovec>& iovs = envData->iovs;
  if (msgs.size() < max) {
    msgs.resize(max);
    iovs.resize(max);
  }
  for (unsigned i = 0; i < max; i++) {
    iovs[i] = {area + i * stride, slot};
    msgs[i].msg_hdr = {};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    if (wantAddrs) {
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
  }
  int count = 0;
  int status = 0;
#ifdef __linux__
  do count = recvmmsg(fd, msgs.data(), max, MSG_DONTWAIT, nullptr);
  while (count < 0 && errno == EINTR);
#else
  for (; count < static_cast<int>(max); count++) {
    ssize_t n;
    do n = recvmsg(fd, &msgs[count].msg_hdr, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0) break;
    msgs[count].msg_len = static_cast<unsigned>(n);
  }
  if (count == 0) count = -1;
#endif
  if (count < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
    status = -errno;
    count = 0;
  }
  if (readMode == kRecords) {
    // A seqpacket read returns 0 bytes for an empty record and for the end alike. The end
    // repeats, so it fills the rest of a batch (recvmmsg reads on past it) and comes only once
    // the peer has shut its side: a run of empty reads is the end only with both. Empty
    // records queued just before the peer's shutdown cannot be told from it.
    int end = count;
    while (end > 0 && msgs[end - 1].msg_len == 0) end--;
    if (end < count && count == static_cast<int>(max) && PeerShutDown(fd)) {
      count = end;
      status = kStatusEnd;
    }
  }
  // Payloads go to the pool back to back (JS slices them without a copy); lengths, flags and
  // sender records go to the shared info Buffer: 2 words a message, then a record each.
  EnvData* d = envData;
  size_t total = 0;
  for (int i = 0; i < count; i++) total += msgs[i].msg_len < slot ? msgs[i].msg_len : slot;
  static_assert(kAddrRecord % 4 == 0, "records are read as 32-bit words");
  uint32_t* info = d->Info(env, 2 * static_cast<size_t>(max) + (wantAddrs ? max * kAddrRecord / 4 : 0));
  if (!info || !d->PoolRoom(env, total)) return false;
  size_t offset = d->poolUsed;
  char* out = d->poolData + offset;
  uint8_t* rec = reinterpret_cast<uint8_t*>(info + 2 * count);
  for (int i = 0; i < count; i++) {
    size_t len = msgs[i].msg_len < slot ? msgs[i].msg_len : slot;
    memcpy(out, area + i * stride, len);
    out += len;
    info[2 * i] = static_cast<uint32_t>(len);
    info[2 * i + 1] = static_cast<uint32_t>(msgs[i].msg_hdr.msg_flags);
    if (wantAddrs) PackSockaddr(&addrs[i], msgs[i].msg_hdr.msg_namelen, rec + i * kAddrRecord);
  }
  d->poolUsed += (total + 7) & ~static_cast<size_t>(7);
  if (d->poolUsed > d->poolSize) d->poolUsed = d->poolSize;
  CallJs(d->onMessages, {EnvData::ValueOf(env, d->pool), Num(env, static_cast<double>(offset)), EnvData::ValueOf(env, d->info), Num(env, count), Num(env, status), Napi::Boolean::New(env, wantAddrs)});
  return count == static_cast<int>(max) && status == 0;
}

Napi::Value FdHandle::Write(const Args& info) {
  if (fd < 0) return Fail(info.Env(), EBADF);
  iovec b;
  if (!BytesOf(info.Env(), info[0], &b)) return Fail(info.Env(), EINVAL);
  ssize_t n;
  do n = send(fd, b.iov_base, b.iov_len, IOLIB_SEND_FLAGS);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(n));
}

// writev(chunks[, from]): sends chunks[from..] in one sendmsg; returns bytes sent.
Napi::Value FdHandle::Writev(const Args& info) {
  if (fd < 0) return Fail(info.Env(), EBADF);
  napi_env env = info.Env();
  napi_value chunks = info[0];
  uint32_t from = info.Length() > 1 ? info[1].As<Napi::Number>().Uint32Value() : 0;
  uint32_t n = ArrayLength(env, chunks);
  if (from >= n) return Num(info.Env(), 0);
  uint32_t count = n - from;
  if (count > IOV_MAX) count = IOV_MAX;
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    if (!BytesOf(env, ElementAt(env, chunks, from + i), &iov[i])) return Fail(env, EINVAL);
  }
  msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  ssize_t sent;
  do sent = sendmsg(fd, &msg, IOLIB_SEND_FLAGS);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(sent));
}

}  // namespace iolib
