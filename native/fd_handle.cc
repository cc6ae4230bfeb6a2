#include "fd_handle.h"
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <unistd.h>

namespace iolib {

static_assert(offsetof(FdHandle, poll) == 0, "libuv's close callback frees the handle through its watcher");

// Work per readable wakeup, so one busy socket cannot hold the loop (timers, other sockets):
// byte chunks, and messages (whole batches, one at least).
static constexpr int kReadBudget = 16;
static constexpr unsigned kMessageBudget = 64;
static constexpr uint32_t kSlotBits = 24;  // ids: slot + generation * 2^24
// Watchers kept for reuse (Park) only for fd numbers below this: at most this many handles
// (~250 bytes each) stay allocated after their sockets closed.
static constexpr int kParkFds = 4096;

FdHandle* LookupHandle(EnvData* d, Napi::Value id) {
  double v;
  if (napi_get_value_double(id.Env(), id, &v) != napi_ok) return nullptr;
  return HandleById(d, v);
}

static double IdOf(const FdHandle* h) { return static_cast<double>(h->envData->generations[h->slot]) * (1u << kSlotBits) + h->slot; }

FdHandle* HandleById(EnvData* d, double v) {
  if (!(v >= 0)) return nullptr;
  uint64_t n = static_cast<uint64_t>(v);
  uint32_t slot = static_cast<uint32_t>(n & ((1u << kSlotBits) - 1));
  if (slot >= d->slots.size() || d->generations[slot] != (n >> kSlotBits)) return nullptr;
  return d->slots[slot];
}

// The owner was collected with its handle still open (a socket dropped without close()).
static void Finalize(napi_env env, void* data, void*) {
  auto* h = static_cast<FdHandle*>(data);
  napi_delete_reference(env, h->owner);
  h->owner = nullptr;
  h->CloseNow();
}

// Closes a handle's initialized watcher; libuv's close callback then frees the whole handle.
static void CloseWatcher(FdHandle* h) { uv_close(reinterpret_cast<uv_handle_t*>(&h->poll), reinterpret_cast<uv_close_cb>(free)); }

// A handle for `fd`: the one kept for that fd number when `reuse`, its watcher in place
// (everything else starts afresh); otherwise a new one.
static FdHandle* NewHandle(EnvData* d, int fd, bool reuse) {
  if (reuse && fd >= 0 && static_cast<size_t>(fd) < d->parked.size() && d->parked[fd] != nullptr) {
    FdHandle* h = d->parked[fd];
    d->parked[fd] = nullptr;
    // The watcher keeps its bytes in place: libuv's handle queue links to it.
    uv_poll_t watcher;
    memcpy(&watcher, &h->poll, sizeof watcher);
    new (h) FdHandle();
    memcpy(&h->poll, &watcher, sizeof watcher);
    h->polling = true;
    return h;
  }
  void* memory = malloc(sizeof(FdHandle));
  return memory ? new (memory) FdHandle() : nullptr;
}

// open(fd, owner, owned = true, ownSocket = false) -> id. The handle calls back with `this` =
// owner. A null owner makes a handle for synchronous use (a probe): no callbacks, and it lives
// until closed. `ownSocket`: the fd is one of iolib's sockets, so a handle with an owner may
// take the watcher a closed socket kept for its number. uv_poll_init checks that epoll takes
// the fd and makes it non-blocking, which a kept watcher skips: iolib's sockets are both from
// birth, but a user's fd (the multiplexer's duplicate) may be neither, and a probe's fd is
// never watched.
static Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvData* d = GetEnvData(env);
  int fd = info[0].As<Napi::Number>().Int32Value();
  bool owned = info.Length() < 3 || !info[2].IsBoolean() || info[2].As<Napi::Boolean>().Value();
  bool ownSocket = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  // When JS cannot take the error (a worker terminating), nobody would close the fd: close it.
  auto fail = [&](const char* message) {
    if (!ThrowError(env, message) && owned) close(fd);
    return Napi::Value(env, nullptr);
  };
  FdHandle* h = NewHandle(d, fd, ownSocket && info[1].IsObject());
  if (!h) return fail("out of memory");
  h->fd = fd;
  h->owned = owned;
  h->env = env;
  h->envData = d;
  if (info[1].IsObject() && napi_add_finalizer(env, info[1], h, Finalize, nullptr, &h->owner) != napi_ok) {
    if (h->polling) CloseWatcher(h);
    else free(h);
    return fail("cannot watch the owner of a handle");
  }
  uint32_t slot;
  if (!d->freeSlots.empty()) {
    slot = d->freeSlots.back();
    d->freeSlots.pop_back();
  } else {
    slot = static_cast<uint32_t>(d->slots.size());
    d->slots.push_back(nullptr);
    d->generations.push_back(1);
  }
  d->slots[slot] = h;
  h->slot = slot;
  return Num(env, IdOf(h));
}

double FdHandle::CloseNow(bool queued) {
  if (fd < 0) return 0;
  int closing = fd;
  fd = -1;  // first: no later call can reach this fd number again
  notify = active = 0;
  readMode = kNone;
  EnvData* d = envData;
  d->slots[slot] = nullptr;
  d->generations[slot]++;  // ids of this handle now name nothing
  d->freeSlots.push_back(slot);
  if (owner) {
    napi_delete_reference(env, owner);  // the finalizer will not run
    owner = nullptr;
  }
  // The watcher stops at once (dropping the fd from epoll and from the pending batch), so the
  // fd is closed after it. A parked handle waits for the next handle of its fd number; any
  // other is freed by uv_close's callback.
  bool freeNow = !polling;
  if (polling && !Park(closing)) CloseWatcher(this);
  bool closedByRing = ring != nullptr && DetachRing(owned);  // a pool thread may be sending on it
  double ticket = 0;
  if (owned && !closedByRing) {
    if (queued) ticket = QueueClose(env, d, closing);
    else close(closing);  // never retried: on Linux the fd is gone even on EINTR
  }
  if (freeNow) free(this);
  return ticket;
}

static void PlaceParked(EnvData* d, FdHandle* h, int number) {
  if (static_cast<size_t>(number) >= d->parked.size()) d->parked.resize(static_cast<size_t>(number) + 1, nullptr);
  FdHandle*& place = d->parked[number];
  if (place != nullptr) CloseWatcher(place);
  place = h;
}

// Opening a watcher costs uv_poll_init's probe (an epoll_ctl ADD and DEL) and an ioctl; a
// connection's fd number is usually one a closed socket just had, so its watcher, stopped, is
// kept for the next of iolib's sockets on that number (see Open). During a batch a Serve frame
// below may still use the closed handle (its fd < 0 ends that frame), so the handle is only
// parked for reuse once the batch has ended.
bool FdHandle::Park(int number) {
  EnvData* d = envData;
  if (d->closing || number < 0 || number >= kParkFds) return false;
  // Stopping removes the fd from the epoll set (a stopped or failed watcher may have left it
  // there, for a dup elsewhere to keep alive); a watcher never started on this fd has nothing
  // to remove.
  if (started) uv_poll_stop(&poll);
  if (d->inBatch) d->parking.emplace_back(this, number);
  else PlaceParked(d, this, number);
  return true;
}

// While the watcher works for someone it keeps the owner alive and the loop running;
// otherwise neither.
void FdHandle::Hold() {
  if (polling) {
    if (unrefd) uv_unref(reinterpret_cast<uv_handle_t*>(&poll));
    else uv_ref(reinterpret_cast<uv_handle_t*>(&poll));
  }
  if (!strong && owner) {
    strong = true;
    napi_reference_ref(env, owner, nullptr);
  }
}

void FdHandle::Release() {
  if (polling) uv_unref(reinterpret_cast<uv_handle_t*>(&poll));
  if (strong) {
    strong = false;
    napi_reference_unref(env, owner, nullptr);
  }
}

void FdHandle::StopWatcher() {
  if (polling) uv_poll_stop(&poll);
  started = false;  // the stop removed the fd from the epoll set
  active = 0;
  lingering = false;
}

int FdHandle::Update() {
  if (fd < 0) return -EBADF;
  int want = notify | (readMode != kNone ? UV_READABLE : 0);
  if (want == 0) {
    if (active == 0 || lingering) return 0;
    // The stop waits for the next event nobody wants: a wait that follows at once (the next
    // accept, the first read after a connect) then costs no epoll_ctl at all.
    lingering = true;
    Release();
    return 0;
  }
  if (!polling) {
    uv_loop_t* loop;
    napi_get_uv_event_loop(env, &loop);
    int err = uv_poll_init(loop, &poll, fd);
    if (err) return err;
    polling = true;
  }
  if (want != active) {
    int err = uv_poll_start(&poll, want, OnPoll);
    if (err) return err;
    active = want;
    started = true;
  }
  lingering = false;
  Hold();
  return 0;
}

void CallIntoJs(napi_env env, napi_async_context context, napi_value recv, napi_value fn, size_t argc, const napi_value* argv) {
  napi_value result;
  // Fails without an exception while a worker terminates (JS can no longer run): nothing to do.
  napi_make_callback(env, context, recv, fn, argc, argv, &result);
  ReportException(env);
}

void ReportException(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
}

// Inside the batch's callback scope a plain call suffices: the scope runs the microtasks and
// ticks once, after the whole batch.
void FdHandle::CallJs(Napi::FunctionReference& fn, std::initializer_list<napi_value> args) {
  FlushReads(envData);
  napi_value recv;
  if (envData->closing || !owner || napi_get_reference_value(env, owner, &recv) != napi_ok || recv == nullptr) return;
  if (!envData->dispatching) {
    CallIntoJs(env, envData->dispatchContext, recv, fn.Value(), args.size(), args.begin());
    return;
  }
  napi_value result;
  napi_call_function(env, recv, fn.Value(), args.size(), args.begin(), &result);
  ReportException(env);
}

bool FdHandle::StageRead(size_t offset, size_t length) {
  EnvData* d = envData;
  if (!d->dispatching || d->closing || owner == nullptr || d->readInfo == nullptr || d->staged.size() >= kReadBatch) return false;
  d->staged.push_back({IdOf(this), offset, length});
  return true;
}

// One call into JS for the batch's short reads: entering JS costs about as much as a small
// read's whole dispatch in JS, and a loop turn of many connections (256 echoing, say) finds
// most of them ready with a message each. A lone read takes the plain call. A handler that
// throws becomes the uncaught exception, and the reads after it still go out: JS notes in
// readInfo[kReadProgress] which read it is dispatching, and the call resumes after that one.
void FlushStagedReads(EnvData* d) {
  if (d->closing) {
    d->staged.clear();
    return;
  }
  napi_env env = d->env;
  if (d->staged.size() == 1) {
    EnvData::StagedRead r = d->staged.front();
    d->staged.clear();
    FdHandle* h = HandleById(d, r.id);
    if (h != nullptr) h->CallOnRead(r.offset, r.length, 0);
    return;
  }
  // onReads(pool, count, from, ...owners): the owners travel as arguments, since storing each
  // into a JS array through Node-API takes V8's generic element store.
  std::vector<napi_value> args(3);
  args.reserve(3 + d->staged.size());
  uint32_t count = 0;
  for (const EnvData::StagedRead& r : d->staged) {
    FdHandle* h = HandleById(d, r.id);
    napi_value recv;
    if (h == nullptr || h->owner == nullptr || napi_get_reference_value(env, h->owner, &recv) != napi_ok || recv == nullptr) continue;
    args.push_back(recv);
    d->readInfo[2 * count] = static_cast<double>(r.offset);
    d->readInfo[2 * count + 1] = static_cast<double>(r.length);
    count++;
  }
  d->staged.clear();
  napi_value fn = d->onReads.Value(), undefined, result;
  if (napi_get_undefined(env, &undefined) != napi_ok) return;
  args[0] = EnvData::ValueOf(env, d->pool);
  args[1] = Num(env, count);
  for (uint32_t from = 0; from < count && !d->closing;) {
    d->readInfo[kReadProgress] = from;
    args[2] = Num(env, from);
    if (napi_call_function(env, undefined, fn, args.size(), args.data(), &result) == napi_ok) break;
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) break;  // JS cannot run
    ReportException(env);
    from = static_cast<uint32_t>(d->readInfo[kReadProgress]) + 1;
  }
}

// Batched dispatch: a watcher that fires only notes its handle; the check phase right after
// the poll phase serves every noted handle inside one callback scope, so a loop turn that
// finds many sockets ready pays Node's per-callback work (async context, microtask and tick
// queues) once rather than once per socket. No system call is added or moved.
void FdHandle::OnPoll(uv_poll_t* poll, int status, int events) {
  // The watcher is the handle's first member; the handle is freed only by the close callback,
  // after the check phase, and the batch names handles by id, so a closed one is skipped.
  auto* self = reinterpret_cast<FdHandle*>(poll);
  if (status < 0) {
    self->active = 0;  // libuv has stopped the watcher
    self->readyStatus = status;
  } else {
    self->readyEvents |= events;
  }
  if (self->queued) return;
  self->queued = true;
  EnvData* d = self->envData;
  d->ready.push_back(IdOf(self));
}

// Takes the noted handle's events and serves them (nothing when the handle is gone).
static void ServeNoted(EnvData* d, double id) {
  FdHandle* h = HandleById(d, id);
  if (h == nullptr) return;
  int status = h->readyStatus, events = h->readyEvents;
  h->queued = false;
  h->readyStatus = h->readyEvents = 0;
  h->Serve(status, events);
}

// A batch of one handle takes plain calls instead (CallJs outside a batch: napi_make_callback,
// whose scope lives on the stack): a callback scope opened through Node-API costs two heap
// allocations and a handle scope one more, which one socket's event would pay for nothing.
static void ServeBatch(uv_check_t* check) {
  auto* d = static_cast<EnvData*>(check->data);
  if (d->ready.empty() || d->closing) return;
  d->serving.swap(d->ready);
  napi_env env = d->env;
  napi_handle_scope outer;
  napi_callback_scope scope;
  napi_value resource;
  if (napi_open_handle_scope(env, &outer) != napi_ok) return;
  d->inBatch = true;
  if (d->serving.size() == 1) {
    ServeNoted(d, d->serving.front());
  } else if (napi_get_reference_value(env, d->dispatchResource, &resource) == napi_ok &&
             napi_open_callback_scope(env, resource, d->dispatchContext, &scope) == napi_ok) {
    d->dispatching = true;
    for (double id : d->serving) {
      napi_handle_scope inner;
      if (napi_open_handle_scope(env, &inner) != napi_ok) break;
      ServeNoted(d, id);
      napi_close_handle_scope(env, inner);
      if (d->closing) break;
    }
    FlushReads(d);  // drops them instead once JS can no longer run
    d->dispatching = false;
    napi_close_callback_scope(env, scope);
  }
  napi_close_handle_scope(env, outer);
  d->serving.clear();
  d->inBatch = false;
  for (auto& [h, number] : d->parking) PlaceParked(d, h, number);
  d->parking.clear();
}

// The check handle never keeps the loop alive: the watchers do.
static void InitDispatcher(Napi::Env env, EnvData* d) {
  d->env = env;
  napi_value resource, name;
  uv_loop_t* loop;
  if (napi_create_object(env, &resource) != napi_ok || napi_create_string_latin1(env, "iolib:sockets", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_reference(env, resource, 1, &d->dispatchResource) != napi_ok || napi_async_init(env, resource, name, &d->dispatchContext) != napi_ok ||
      napi_get_uv_event_loop(env, &loop) != napi_ok) {
    NAPI_THROW_VOID(Napi::Error::New(env, "cannot set up the socket event dispatch"));
  }
  d->dispatcher = static_cast<uv_check_t*>(malloc(sizeof(uv_check_t)));
  if (d->dispatcher == nullptr || uv_check_init(loop, d->dispatcher) != 0) {
    free(d->dispatcher);
    d->dispatcher = nullptr;
    NAPI_THROW_VOID(Napi::Error::New(env, "cannot set up the socket event dispatch"));
  }
  d->dispatcher->data = d;
  uv_check_start(d->dispatcher, ServeBatch);
  uv_unref(reinterpret_cast<uv_handle_t*>(d->dispatcher));
}

void FdHandle::Serve(int status, int events) {
  if (lingering) {
    // Nobody wants events any more: stop now (on an error libuv already has).
    if (status < 0) lingering = false;
    else StopWatcher();
    return;
  }
  // Not lingering, so the owner is held strongly.
  Napi::Env env(this->env);
  if (status < 0) {
    // libuv reports POLLERR (a pending socket error: a reset, a refused connect, an ICMP
    // error) as UV_EBADF and has already stopped the handle. Let an active read pick the
    // socket error up (read/recvmmsg return it and clear it), tell JS, then restart the
    // watcher for whatever is still wanted.
    if (readMode != kNone) {
      if (readMode == kBytes) ReadBytes(env);
      else ReadMessages(env);
      if (fd < 0) return;
    }
    CallJs(envData->onEvent, {Num(env, status)});
    if (fd < 0) return;
    Update();
    if (active == 0) Release();
    return;
  }
  if ((events & UV_READABLE) && readMode != kNone) {
    // A full chunk (or batch) means more may be queued: take up to a budget of them in this
    // wakeup, as long as JS still wants them.
    if (readMode == kBytes) {
      for (int i = 0; i < kReadBudget && ReadBytes(env) && fd >= 0 && readMode == kBytes; i++) {
      }
    } else {
      unsigned batches = batch >= kMessageBudget ? 1 : kMessageBudget / batch;
      for (unsigned i = 0; i < batches && ReadMessages(env) && fd >= 0 && readMode != kNone; i++) {
      }
    }
    if (fd < 0) return;
  }
  int ev = events & (notify | UV_DISCONNECT);
  if (ev & notify) CallJs(envData->onEvent, {Num(env, ev)});
}

Napi::Value FdHandle::GetFd(const Args& info) { return Num(info.Env(), fd); }

Napi::Value FdHandle::SetNotify(const Args& info) {
  notify = info[0].As<Napi::Number>().Int32Value() & (UV_READABLE | UV_WRITABLE | UV_DISCONNECT);
  return Num(info.Env(), Update());
}

// readStart(mode, chunk, batch, wantAddrs, readMax): mode kBytes, kMessages or kRecords
// (seqpacket: a zero-length read is the end). Byte reads start at chunk and may grow to readMax
// (at most one slab) while each fills (ReadBytes).
Napi::Value FdHandle::ReadStart(const Args& info) {
  int mode = info[0].As<Napi::Number>().Int32Value();
  if (mode < kBytes || mode > kRecords) return Fail(info.Env(), EINVAL);
  readMode = mode;
  if (info.Length() > 1) chunk = info[1].As<Napi::Number>().Uint32Value();
  if (info.Length() > 2) batch = info[2].As<Napi::Number>().Uint32Value();
  if (info.Length() > 3) wantAddrs = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
  if (chunk == 0) chunk = 1;
  if (chunk > kMaxChunk) chunk = kMaxChunk;
  if (batch == 0) batch = 1;
  readMax = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Uint32Value() : 0;
  if (readMax > SlabCache::kSlabSize) readMax = SlabCache::kSlabSize;
  if (readMax < chunk) readMax = chunk;
  if (readSize < chunk || readSize > readMax) readSize = chunk;
  return Num(info.Env(), Update());
}

Napi::Value FdHandle::ReadStop(const Args& info) {
  readMode = kNone;
  return Num(info.Env(), Update());
}

Napi::Value FdHandle::Close(const Args& info) {
  Napi::Env env = info.Env();
  CloseNow();  // frees the handle unless its watcher still needs it
  return Num(env, 0);
}

// closeQueued() -> ticket: as close(), with close(2) itself on the thread pool; 0 when the fd
// was closed at once.
Napi::Value FdHandle::CloseQueued(const Args& info) {
  Napi::Env env = info.Env();
  return Num(env, CloseNow(true));
}

// setRef(ref): whether the watcher keeps the event loop alive while it works (node:net's
// ref()/unref()). An unref'd watcher still holds the owner while it works.
Napi::Value FdHandle::SetRef(const Args& info) {
  unrefd = !info[0].ToBoolean();
  if (polling) {
    auto* uvh = reinterpret_cast<uv_handle_t*>(&poll);
    if (unrefd || active == 0 || lingering) uv_unref(uvh);
    else uv_ref(uvh);
  }
  return Num(info.Env(), 0);
}

// handle.<method>(id, ...): the method of the handle `id` names; -EBADF when it names none.
template <Napi::Value (FdHandle::*Method)(const Args&)>
static Napi::Value Dispatch(const Napi::CallbackInfo& info) {
  FdHandle* h = LookupHandle(GetEnvData(info.Env()), info[0]);
  if (!h) return Fail(info.Env(), EBADF);
  return (h->*Method)(Args(info));
}

static void CleanupEnv(void* arg) {
  auto* data = static_cast<EnvData*>(arg);
  data->closing = true;
  if (data->dispatcher != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(data->dispatcher), reinterpret_cast<uv_close_cb>(free));
    data->dispatcher = nullptr;
  }
  data->ready.clear();
  for (FdHandle* h : data->slots) {
    if (h) h->CloseNow();
  }
  for (auto& [h, number] : data->parking) CloseWatcher(h);
  for (FdHandle* h : data->parked) {
    if (h) CloseWatcher(h);
  }
  data->parking.clear();
  data->parked.clear();
  EndDrains(data);
  DetachCloseQueue(data);
  if (data->slabs != nullptr) data->slabs->Detach();
  data->slabs = nullptr;
}

// setRingDrainTimeout(ms): how long a closed handle's send ring waits for a byte to leave
// before it gives up (tests shorten it).
static Napi::Value SetRingDrainTimeout(const Napi::CallbackInfo& info) {
  GetEnvData(info.Env())->drainTimeoutMs = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

// readPoolStats() -> [idle, held]: slabs cached for reuse, and in use (by read pool Buffers or send rings).
static Napi::Value ReadPoolStats(const Napi::CallbackInfo& info) {
  SlabCache* slabs = GetEnvData(info.Env())->slabs;
  return Napi::Value(info.Env(), NewArray(info.Env(), {Num(info.Env(), slabs ? static_cast<double>(slabs->Idle()) : 0), Num(info.Env(), slabs ? static_cast<double>(slabs->Held()) : 0)}));
}

// setReadPoolTrimInterval(ms): how long idle slabs are kept (tests shorten it).
static Napi::Value SetReadPoolTrimInterval(const Napi::CallbackInfo& info) {
  EnvData* d = GetEnvData(info.Env());
  d->slabTrimMs = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  if (d->slabs != nullptr) d->slabs->SetTrimInterval(d->slabTrimMs);
  return info.Env().Undefined();
}

void FdHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Object handle = Napi::Object::New(env);
  auto method = [&](const char* name, Napi::Function fn) { handle.Set(name, fn); };
  method("open", Napi::Function::New(env, Open, "open"));
  method("fd", Napi::Function::New<Dispatch<&FdHandle::GetFd>>(env, "fd"));
  method("setNotify", Napi::Function::New<Dispatch<&FdHandle::SetNotify>>(env, "setNotify"));
  method("readStart", Napi::Function::New<Dispatch<&FdHandle::ReadStart>>(env, "readStart"));
  method("readStop", Napi::Function::New<Dispatch<&FdHandle::ReadStop>>(env, "readStop"));
  method("close", Napi::Function::New<Dispatch<&FdHandle::Close>>(env, "close"));
  method("closeQueued", Napi::Function::New<Dispatch<&FdHandle::CloseQueued>>(env, "closeQueued"));
  method("setRef", Napi::Function::New<Dispatch<&FdHandle::SetRef>>(env, "setRef"));
  method("write", Napi::Function::New<Dispatch<&FdHandle::Write>>(env, "write"));
  method("writev", Napi::Function::New<Dispatch<&FdHandle::Writev>>(env, "writev"));
  method("ringWrite", Napi::Function::New<Dispatch<&FdHandle::RingWrite>>(env, "ringWrite"));
  method("ringFlush", Napi::Function::New<Dispatch<&FdHandle::RingFlush>>(env, "ringFlush"));
  method("bind", Napi::Function::New<Dispatch<&FdHandle::Bind>>(env, "bind"));
  method("connect", Napi::Function::New<Dispatch<&FdHandle::Connect>>(env, "connect"));
  method("listen", Napi::Function::New<Dispatch<&FdHandle::Listen>>(env, "listen"));
  method("accept", Napi::Function::New<Dispatch<&FdHandle::Accept>>(env, "accept"));
  method("shutdown", Napi::Function::New<Dispatch<&FdHandle::Shutdown>>(env, "shutdown"));
  method("getsockname", Napi::Function::New<Dispatch<&FdHandle::GetSockName>>(env, "getsockname"));
  method("getpeername", Napi::Function::New<Dispatch<&FdHandle::GetPeerName>>(env, "getpeername"));
  method("getsockopt", Napi::Function::New<Dispatch<&FdHandle::GetSockOpt>>(env, "getsockopt"));
  method("setsockopt", Napi::Function::New<Dispatch<&FdHandle::SetSockOpt>>(env, "setsockopt"));
  method("sendto", Napi::Function::New<Dispatch<&FdHandle::SendTo>>(env, "sendto"));
  method("recvfrom", Napi::Function::New<Dispatch<&FdHandle::RecvFrom>>(env, "recvfrom"));
  method("sendmsg", Napi::Function::New<Dispatch<&FdHandle::SendMsg>>(env, "sendmsg"));
  method("recvmsg", Napi::Function::New<Dispatch<&FdHandle::RecvMsg>>(env, "recvmsg"));
  method("sendBatch", Napi::Function::New<Dispatch<&FdHandle::SendBatch>>(env, "sendBatch"));
  exports.Set("handle", handle);
  exports.Set("readPoolStats", Napi::Function::New(env, ReadPoolStats, "readPoolStats"));
  exports.Set("setReadPoolTrimInterval", Napi::Function::New(env, SetReadPoolTrimInterval, "setReadPoolTrimInterval"));
  exports.Set("setRingDrainTimeout", Napi::Function::New(env, SetRingDrainTimeout, "setRingDrainTimeout"));
  InitDispatcher(env, GetEnvData(env));
  napi_add_env_cleanup_hook(env, CleanupEnv, GetEnvData(env));
}

void InitFdHandle(Napi::Env env, Napi::Object exports) { FdHandle::Init(env, exports); }

}  // namespace iolib
