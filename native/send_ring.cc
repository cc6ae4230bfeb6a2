// Send rings: bulk writes copied into a slab and sent from libuv's thread pool.
//
// On a byte stream most of a large write's cost is the kernel's: the copy into socket buffers
// and, on loopback, the receiving end's whole protocol path, which runs inside the sender's
// system call. A ring moves that work beside the JS thread. JS copies into the ring (its
// write completes once copied, so the caller may reuse its Buffer at once, as after a
// kernel write) and one pool job at a time drains the ring with non-blocking sendmsg until it
// is empty, the kernel is full (EAGAIN) or an error. A job never waits on the network, so it
// holds a pool thread only for the system calls themselves.
//
// Since a write completes once copied, the ring's bytes are as good as sent, and a close does
// not drop them, as close(2) does not drop the kernel's buffer: a handle closed (destroy(),
// close({ abort })) while its ring holds bytes hands the fd to the ring, which goes on sending
// without JS, waiting for writability itself, and closes the fd once it is empty, the
// connection fails, or no byte has left for kDrainTimeoutMs (a peer that stopped reading, which
// the kernel would also give up on); meanwhile it keeps the event loop alive. A reset
// (SO_LINGER 0) or the environment's teardown (process.exit(), a worker's end) drops them.
#include "fd_handle.h"
#include <cerrno>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace iolib {

// Bytes [head, head + used) (mod kSize) wait to be sent. JS appends after them on the loop's
// thread; the job consumes from head on a pool thread. The lock guards head, used and stop;
// the rest belongs to the loop's thread. The storage is kSlabs slabs from the SlabCache,
// taken as copies first reach them and given back whenever the ring drains.
struct SendRing {
  static constexpr size_t kSlabs = 4;
  static constexpr size_t kSlab = SlabCache::kSlabSize;
  static constexpr size_t kSize = kSlabs * kSlab;

  std::mutex lock;
  size_t head = 0;
  size_t used = 0;
  bool stop = false;         // the handle closed: the job sends no more
  char* slab[kSlabs] = {};
  SlabCache* slabs = nullptr;
  int fd;
  FdHandle* handle;          // null once the handle closed
  bool closeFd = false;      // the job ends after the handle closed: close the fd then
  bool running = false;      // a job is queued or running
  bool blocked = false;      // the last job met EAGAIN: the next waits for ringFlush
  int err = 0;               // the job's errno, read after it ends
  napi_async_work work = nullptr;
  // Draining after its handle closed (see the top): the watcher and timer it waits with
  // (malloc'd, freed by libuv's close callback, libc's free), and when a byte last left.
  bool draining = false;
  napi_env env = nullptr;
  EnvData* envData = nullptr;
  uv_poll_t* writable = nullptr;
  uv_timer_t* deadline = nullptr;
  uint64_t progressAt = 0;
  size_t sent = 0;           // bytes sent in all (under the lock)
  size_t sentAtStart = 0;    // `sent` when the current job started

  // The contiguous bytes at ring position `pos`: at most `len`, within one slab.
  iovec Span(size_t pos, size_t len) const {
    size_t in = pos % kSlab;
    return {slab[pos / kSlab] + in, len < kSlab - in ? len : kSlab - in};
  }

  void ReleaseSlabs() {
    for (char*& s : slab) {
      if (s != nullptr) slabs->Give(s);
      s = nullptr;
    }
    head = 0;
  }
};

static void Execute(napi_env, void* arg) {
  auto* r = static_cast<SendRing*>(arg);
  for (;;) {
    iovec iov[SendRing::kSlabs + 1];
    size_t count = 0;
    {
      std::lock_guard<std::mutex> guard(r->lock);
      if (r->used == 0 || r->stop) return;
      for (size_t pos = r->head, left = r->used; left > 0; count++) {
        iov[count] = r->Span(pos, left);
        pos = (pos + iov[count].iov_len) % SendRing::kSize;
        left -= iov[count].iov_len;
      }
    }
    msghdr msg = {};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ssize_t n = sendmsg(r->fd, &msg, IOLIB_SEND_FLAGS);
    if (n < 0) {
      if (errno == EINTR) continue;
      r->err = errno == EWOULDBLOCK ? EAGAIN : errno;
      return;
    }
    std::lock_guard<std::mutex> guard(r->lock);
    r->head = (r->head + static_cast<size_t>(n)) % SendRing::kSize;
    r->used -= static_cast<size_t>(n);
    r->sent += static_cast<size_t>(n);
  }
}

static void Free(SendRing* r) {
  r->ReleaseSlabs();
  delete r;
}

// A draining ring is done (empty, failed, given up, or teardown): its watcher and timer stop,
// then the fd closes, as a handle's close does.
static void EndDrain(SendRing* r) {
  if (r->writable != nullptr) uv_close(reinterpret_cast<uv_handle_t*>(r->writable), reinterpret_cast<uv_close_cb>(free));
  if (r->deadline != nullptr) uv_close(reinterpret_cast<uv_handle_t*>(r->deadline), reinterpret_cast<uv_close_cb>(free));
  auto& list = r->envData->draining;
  for (size_t i = 0; i < list.size(); i++) {
    if (list[i] == r) {
      list[i] = list.back();
      list.pop_back();
      break;
    }
  }
  close(r->fd);
  Free(r);
}

void EndDrains(EnvData* d) {
  std::vector<SendRing*> rings;
  rings.swap(d->draining);
  for (SendRing* r : rings) {
    if (r->running) {
      // Its job's completion frees it (and closes the fd), sending no more.
      std::lock_guard<std::mutex> guard(r->lock);
      r->stop = true;
      r->draining = false;
      continue;
    }
    EndDrain(r);  // no longer listed: its search finds nothing to remove
  }
}

static void Complete(napi_env env, napi_status, void* arg);

static bool StartJob(napi_env env, SendRing* r) {
  if ((r->work = QueuePoolJob(env, "iolib.send", Execute, Complete, r)) == nullptr) return false;
  r->running = true;
  {
    std::lock_guard<std::mutex> guard(r->lock);
    r->sentAtStart = r->sent;
  }
  // The owner stays alive while its bytes are in flight.
  if (r->handle != nullptr && r->handle->owner) napi_reference_ref(env, r->handle->owner, nullptr);
  return true;
}

static uint64_t Now(SendRing* r) {
  return uv_now(uv_handle_get_loop(reinterpret_cast<uv_handle_t*>(r->deadline)));
}

static void OnDrainWritable(uv_poll_t* poll, int, int) {
  auto* r = static_cast<SendRing*>(poll->data);
  uv_poll_stop(r->writable);
  uv_timer_stop(r->deadline);
  // Straight from libuv: the job's resource needs a handle scope.
  napi_handle_scope scope;
  if (napi_open_handle_scope(r->env, &scope) != napi_ok) return EndDrain(r);
  bool started = StartJob(r->env, r);
  napi_close_handle_scope(r->env, scope);
  if (!started) EndDrain(r);
}

static void OnDrainTimeout(uv_timer_t* timer) {
  EndDrain(static_cast<SendRing*>(timer->data));
}

// A draining ring met a full kernel: waits for writability, for what is left of
// kDrainTimeoutMs since a byte last left.
static void AwaitDrain(SendRing* r, napi_env env) {
  uv_loop_t* loop;
  if (r->writable == nullptr) {
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) return EndDrain(r);
    r->writable = static_cast<uv_poll_t*>(malloc(sizeof(uv_poll_t)));
    r->deadline = static_cast<uv_timer_t*>(malloc(sizeof(uv_timer_t)));
    if (r->writable == nullptr || r->deadline == nullptr || uv_poll_init(loop, r->writable, r->fd) != 0) {
      free(r->writable);
      free(r->deadline);
      r->writable = nullptr;
      r->deadline = nullptr;
      return EndDrain(r);
    }
    // Both keep the loop alive, as a flushing close does: a process that ends by running out of
    // work still sends what the ring holds.
    uv_timer_init(loop, r->deadline);
    r->writable->data = r->deadline->data = r;
    r->progressAt = Now(r);
  }
  uint64_t waited = Now(r) - r->progressAt;
  if (waited >= r->envData->drainTimeoutMs) return EndDrain(r);
  uv_timer_start(r->deadline, OnDrainTimeout, r->envData->drainTimeoutMs - waited, 0);
  uv_poll_start(r->writable, UV_WRITABLE, OnDrainWritable);
}

// A draining ring's job ended with `err` (its handle is gone: nothing goes to JS).
static void DrainJobEnded(SendRing* r, napi_env env, int err, bool progressed) {
  size_t used;
  {
    std::lock_guard<std::mutex> guard(r->lock);
    used = r->used;
  }
  if (used == 0 || (err != 0 && err != EAGAIN)) return EndDrain(r);
  if (err == 0) {
    if (!StartJob(env, r)) EndDrain(r);
    return;
  }
  if (progressed && r->deadline != nullptr) r->progressAt = Now(r);
  AwaitDrain(r, env);
}

// The job ended (or was cancelled at teardown, having sent nothing). Reports to JS once:
// onWritten(bytes still queued, which a new job is sending and reports on in turn: 0 comes
// only when no job is out) or onWritten(-errno); -EAGAIN means the kernel is full and the
// ring waits for ringFlush.
static void Complete(napi_env env, napi_status status, void* arg) {
  auto* r = static_cast<SendRing*>(arg);
  r->running = false;
  napi_delete_async_work(env, r->work);
  r->work = nullptr;
  FdHandle* h = r->handle;
  if (h == nullptr) {
    if (r->draining && !r->envData->closing && status != napi_cancelled) {
      int err = r->err;
      r->err = 0;
      bool progressed = r->sentAtStart != r->sent;
      return DrainJobEnded(r, env, err, progressed);
    }
    if (r->closeFd) close(r->fd);
    Free(r);
    return;
  }
  if (h->owner) napi_reference_unref(env, h->owner, nullptr);
  int err = r->err;
  r->err = 0;
  // Read before a new job starts: once it runs, `used` may fall to 0 while its own report is
  // still to come, and JS, told 0, would take the ring for drained while a job is still out.
  size_t used;
  {
    std::lock_guard<std::mutex> guard(r->lock);
    // The connection failed: what the ring held is lost, as in the kernel's own buffer.
    if (err != 0 && err != EAGAIN) r->used = 0;
    used = r->used;
  }
  double result;
  if (err == EAGAIN) {
    r->blocked = true;
    result = -EAGAIN;
  } else if (err != 0) {
    result = -err;
  } else {
    // Bytes appended after the job found the ring empty: send them too.
    if (used > 0 && !StartJob(env, r)) result = -ENOMEM;
    else result = static_cast<double>(used);
  }
  if (used == 0) r->ReleaseSlabs();
  Napi::HandleScope scope(env);
  h->CallJs(h->envData->onWritten, {Num(env, result)});
}

// ringWrite(chunks[, from]) -> bytes of chunks[from..] copied into the ring (the rest did not
// fit), or -errno. Starts a job unless one runs or the ring waits for ringFlush.
Napi::Value FdHandle::RingWrite(const Args& info) {
  Napi::Env env = info.Env();
  if (fd < 0) return Fail(env, EBADF);
  SendRing* r = ring;
  if (r == nullptr) {
    SlabCache* slabs = envData->Slabs(env);
    if (slabs == nullptr) return Fail(env, ENOMEM);
    r = ring = new SendRing();
    r->slabs = slabs;
    r->fd = fd;
    r->handle = this;
  }
  size_t head, used;
  {
    std::lock_guard<std::mutex> guard(r->lock);
    head = r->head;
    used = r->used;
  }
  // The job only shrinks `used`, so the room seen here stays free while the copy runs.
  size_t tail = (head + used) % SendRing::kSize;
  size_t room = SendRing::kSize - used;
  size_t copied = 0;
  bool noMemory = false;
  napi_value chunks = info[0];
  uint32_t n = ArrayLength(env, chunks);
  for (uint32_t i = info.Length() > 1 ? info[1].As<Napi::Number>().Uint32Value() : 0; i < n && room > 0; i++) {
    iovec b;
    if (!BytesOf(env, ElementAt(env, chunks, i), &b)) break;  // JS cannot run: nothing more to copy
    const uint8_t* src = static_cast<const uint8_t*>(b.iov_base);
    size_t len = b.iov_len < room ? b.iov_len : room;
    while (len > 0) {
      char*& slab = r->slab[tail / SendRing::kSlab];
      if (slab == nullptr && (slab = r->slabs->Take()) == nullptr) {
        noMemory = true;
        break;
      }
      iovec span = r->Span(tail, len);
      memcpy(span.iov_base, src, span.iov_len);
      src += span.iov_len;
      len -= span.iov_len;
      room -= span.iov_len;
      copied += span.iov_len;
      tail = (tail + span.iov_len) % SendRing::kSize;
    }
    if (noMemory) break;  // what was copied still goes
  }
  if (noMemory && copied == 0) return Fail(env, ENOMEM);
  {
    std::lock_guard<std::mutex> guard(r->lock);
    r->used += copied;
  }
  if (copied > 0 && !r->running && !r->blocked && !StartJob(env, r)) return Fail(env, ENOMEM);
  return Num(env, static_cast<double>(copied));
}

// ringFlush(): the fd is writable again after a job met EAGAIN; sends what the ring holds.
Napi::Value FdHandle::RingFlush(const Args& info) {
  Napi::Env env = info.Env();
  if (fd < 0) return Fail(env, EBADF);
  SendRing* r = ring;
  if (r == nullptr || r->running) return Num(env, 0);
  r->blocked = false;
  if (r->used > 0 && !StartJob(env, r)) return Fail(env, ENOMEM);
  return Num(env, 0);
}

// Whether closing `fd` resets the connection (SO_LINGER on with 0 s: resetAndDestroy()).
static bool Resetting(int fd) {
  linger l = {};
  socklen_t len = sizeof l;
  return getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len) == 0 && l.l_onoff != 0 && l.l_linger == 0;
}

bool FdHandle::DetachRing(bool closeFd) {
  SendRing* r = ring;
  ring = nullptr;
  size_t used;
  {
    std::lock_guard<std::mutex> guard(r->lock);
    used = r->used;
  }
  if (closeFd && used > 0 && !envData->closing && !Resetting(r->fd)) {
    // Bytes whose writes completed: the ring sends them and closes the fd (see the top).
    r->handle = nullptr;
    r->closeFd = true;
    r->draining = true;
    r->env = env;
    r->envData = envData;
    envData->draining.push_back(r);
    // Not running with bytes held: its last job met a full kernel. Only libuv is called here,
    // since a close may come from the owner's finalizer.
    if (!r->running) AwaitDrain(r, env);
    return true;
  }
  if (!r->running) {
    Free(r);
    return false;
  }
  {
    std::lock_guard<std::mutex> guard(r->lock);
    r->stop = true;
  }
  r->handle = nullptr;
  r->closeFd = closeFd;
  return true;
}

}  // namespace iolib
