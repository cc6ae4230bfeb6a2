// The hot paths: one JS call per readable wakeup carrying a batch, writes tried at once.
#include "fd_handle.h"
#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/uio.h>
#include <unistd.h>

#ifdef MSG_NOSIGNAL
#define IOLIB_SEND_FLAGS MSG_NOSIGNAL
#else
#define IOLIB_SEND_FLAGS 0  // SO_NOSIGPIPE is set on the socket instead (BSD, macOS)
#endif

namespace iolib {

static constexpr int kStatusEnd = 1;  // onRead status: the peer ended the stream

static constexpr size_t kPoolSize = 256 * 1024;

// Reads until chunk_ bytes, a short read (the kernel is drained), EOF or an error, straight into
// the pool, then hands JS the pool and the region read: one call, no copy. True when a full
// chunk came, so more may be waiting.
bool EnvData::PoolRoom(Napi::Env env, size_t size) {
  if (poolSize - poolUsed >= size) return true;
  size_t fresh = size > kPoolSize ? size : kPoolSize;
  Napi::Buffer<char> b = Napi::Buffer<char>::New(env, fresh);
  if (env.IsExceptionPending()) return false;  // out of memory: JS sees it as an uncaught error
  pool = Napi::Persistent(b);
  poolData = b.Data();
  poolSize = fresh;
  poolUsed = 0;
  return true;
}

uint32_t* EnvData::Info(Napi::Env env, size_t words) {
  if (infoWords >= words) return infoData;
  Napi::Buffer<uint32_t> b = Napi::Buffer<uint32_t>::New(env, words);
  if (env.IsExceptionPending()) return nullptr;
  info = Napi::Persistent(b);
  infoData = b.Data();
  infoWords = words;
  return infoData;
}

bool FdHandle::ReadBytes(Napi::Env env) {
  EnvData* d = envData_;
  if (!d->PoolRoom(env, chunk_)) return false;
  char* buf = d->poolData + d->poolUsed;
  size_t total = 0;
  int status = 0;
  while (total < chunk_) {
    size_t want = chunk_ - total;
    ssize_t n = read(fd_, buf + total, want);
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
  size_t offset = d->poolUsed;
  d->poolUsed += (total + 7) & ~static_cast<size_t>(7);
  if (d->poolUsed > d->poolSize) d->poolUsed = d->poolSize;
  CallJs(d->onRead, {d->pool.Value(), Num(env, static_cast<double>(offset)), Num(env, static_cast<double>(total)), Num(env, status)});
  return total == chunk_ && status == 0;
}

// Receives up to batch_ messages (recvmmsg where the kernel has it), then hands JS the pool
// region of the payloads and the info Buffer: one call a batch.
void FdHandle::ReadMessages(Napi::Env env) {
  const unsigned batch = batch_;
  const size_t slot = chunk_;
  char* area = envData_->Scratch(batch * (slot + sizeof(sockaddr_storage)));
  auto* addrs = reinterpret_cast<sockaddr_storage*>(area + batch * slot);
  std::vector<mmsghdr>& msgs = envData_->msgs;
  std::vector<iovec>& iovs = envData_->iovs;
  if (msgs.size() < batch) {
    msgs.resize(batch);
    iovs.resize(batch);
  }
  for (unsigned i = 0; i < batch; i++) {
    iovs[i] = {area + i * slot, slot};
    msgs[i].msg_hdr = {};
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    if (wantAddrs_) {
      msgs[i].msg_hdr.msg_name = &addrs[i];
      msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
  }
  int count = 0;
  int status = 0;
#ifdef __linux__
  do count = recvmmsg(fd_, msgs.data(), batch, MSG_DONTWAIT, nullptr);
  while (count < 0 && errno == EINTR);
#else
  for (; count < static_cast<int>(batch); count++) {
    ssize_t n;
    do n = recvmsg(fd_, &msgs[count].msg_hdr, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0) break;
    msgs[count].msg_len = static_cast<unsigned>(n);
  }
  if (count == 0) count = -1;
#endif
  if (count < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    status = -errno;
    count = 0;
  }
  if (readMode_ == kRecords) {
    for (int i = 0; i < count; i++) {
      if (msgs[i].msg_len == 0) {
        count = i;
        status = kStatusEnd;
        break;
      }
    }
  }
  // Payloads go to the pool back to back (JS slices them without a copy); lengths, flags and
  // sender records go to the shared info Buffer: 2 words a message, then a record each.
  EnvData* d = envData_;
  size_t total = 0;
  for (int i = 0; i < count; i++) total += msgs[i].msg_len < slot ? msgs[i].msg_len : slot;
  static_assert(kAddrRecord % 4 == 0, "records are read as 32-bit words");
  uint32_t* info = d->Info(env, 2 * static_cast<size_t>(batch) + (wantAddrs_ ? batch * kAddrRecord / 4 : 0));
  if (!info || !d->PoolRoom(env, total)) return;
  size_t offset = d->poolUsed;
  char* out = d->poolData + offset;
  uint8_t* rec = reinterpret_cast<uint8_t*>(info + 2 * count);
  for (int i = 0; i < count; i++) {
    size_t len = msgs[i].msg_len < slot ? msgs[i].msg_len : slot;
    memcpy(out, area + i * slot, len);
    out += len;
    info[2 * i] = static_cast<uint32_t>(len);
    info[2 * i + 1] = static_cast<uint32_t>(msgs[i].msg_hdr.msg_flags);
    if (wantAddrs_) PackSockaddr(&addrs[i], msgs[i].msg_hdr.msg_namelen, rec + i * kAddrRecord);
  }
  d->poolUsed += (total + 7) & ~static_cast<size_t>(7);
  if (d->poolUsed > d->poolSize) d->poolUsed = d->poolSize;
  CallJs(d->onMessages, {d->pool.Value(), Num(env, static_cast<double>(offset)), d->info.Value(), Num(env, count), Num(env, status), Napi::Boolean::New(env, wantAddrs_)});
}
Napi::Value FdHandle::Write(const Napi::CallbackInfo& info) {
  if (fd_ < 0) return Fail(info.Env(), EBADF);
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  ssize_t n;
  do n = send(fd_, buf.Data(), buf.ByteLength(), IOLIB_SEND_FLAGS);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(n));
}

// writev(chunks[, from]): sends chunks[from..] in one sendmsg; returns bytes sent.
Napi::Value FdHandle::Writev(const Napi::CallbackInfo& info) {
  if (fd_ < 0) return Fail(info.Env(), EBADF);
  Napi::Array chunks = info[0].As<Napi::Array>();
  uint32_t from = info.Length() > 1 ? info[1].As<Napi::Number>().Uint32Value() : 0;
  uint32_t n = chunks.Length();
  if (from >= n) return Num(info.Env(), 0);
  uint32_t count = n - from;
  if (count > IOV_MAX) count = IOV_MAX;
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Uint8Array b = chunks.Get(from + i).As<Napi::Uint8Array>();
    iov[i] = {b.Data(), b.ByteLength()};
  }
  msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  ssize_t sent;
  do sent = sendmsg(fd_, &msg, IOLIB_SEND_FLAGS);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(sent));
}

}  // namespace iolib
