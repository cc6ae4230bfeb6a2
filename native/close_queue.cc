// Closes of connected byte streams on libuv's thread pool.
//
// close(2) of a TCP socket runs the protocol's teardown inside the call: the FIN, and on
// loopback its delivery to the peer and the peer's state change. Under connection churn that
// is a fifth of the JS thread's time. The handle is closed at once (no later call reaches the
// fd), and its fd number goes to this queue; one pool job at a time closes every fd queued,
// then JS is told up to which ticket the fds are closed (onClosed), so a socket's close()
// still resolves only once its fd is gone.
#include "fd_handle.h"
#include <mutex>
#include <unistd.h>

namespace iolib {

struct CloseQueue {
  std::mutex lock;
  std::vector<int> fds;     // guarded: waiting for the job
  double queued = 0;        // guarded: the ticket of the last fd queued
  double closed = 0;        // guarded: tickets closed so far
  bool running = false;
  bool detached = false;    // the environment is gone: no more JS, delete when the job ends
  napi_async_work work = nullptr;
};

static void Execute(napi_env, void* arg) {
  auto* q = static_cast<CloseQueue*>(arg);
  for (;;) {
    std::vector<int> batch;
    double ticket;
    {
      std::lock_guard<std::mutex> guard(q->lock);
      batch.swap(q->fds);
      ticket = q->queued;
    }
    if (batch.empty()) return;
    for (int fd : batch) close(fd);  // never retried: on Linux the fd is gone even on EINTR
    std::lock_guard<std::mutex> guard(q->lock);
    q->closed = ticket;
  }
}

static void Complete(napi_env env, napi_status, void* arg);

static bool Start(napi_env env, CloseQueue* q) {
  if ((q->work = QueuePoolJob(env, "iolib.close", Execute, Complete, q)) == nullptr) return false;
  q->running = true;
  return true;
}

// Closes what is still queued, here and now (a job that cannot start, or teardown).
static void CloseQueued(CloseQueue* q) {
  std::vector<int> batch;
  {
    std::lock_guard<std::mutex> guard(q->lock);
    batch.swap(q->fds);
  }
  for (int fd : batch) close(fd);
}

static void Complete(napi_env env, napi_status, void* arg) {
  auto* q = static_cast<CloseQueue*>(arg);
  napi_delete_async_work(env, q->work);
  q->work = nullptr;
  q->running = false;
  if (q->detached) {
    CloseQueued(q);
    delete q;
    return;
  }
  bool more;
  double closed;
  {
    std::lock_guard<std::mutex> guard(q->lock);
    more = !q->fds.empty();
    closed = q->closed;
  }
  if (more && !Start(env, q)) {
    CloseQueued(q);
    std::lock_guard<std::mutex> guard(q->lock);
    closed = q->closed = q->queued;
  }
  EnvData* d = GetEnvData(Napi::Env(env));
  napi_value fn, global;
  if (d->closing || d->onClosed.IsEmpty() || napi_get_reference_value(env, d->onClosed, &fn) != napi_ok || napi_get_global(env, &global) != napi_ok) return;
  napi_value ticket = Num(env, closed);
  CallIntoJs(env, nullptr, global, fn, 1, &ticket);
}

double QueueClose(napi_env env, EnvData* d, int fd) {
  CloseQueue* q = d->closer;
  if (q == nullptr) q = d->closer = new CloseQueue();
  double ticket;
  {
    std::lock_guard<std::mutex> guard(q->lock);
    q->fds.push_back(fd);
    ticket = ++q->queued;
  }
  if (!q->running && !Start(env, q)) {
    CloseQueued(q);
    return 0;
  }
  return ticket;
}

void DetachCloseQueue(EnvData* d) {
  CloseQueue* q = d->closer;
  d->closer = nullptr;
  if (q == nullptr) return;
  CloseQueued(q);
  if (q->running) q->detached = true;
  else delete q;
}

}  // namespace iolib
