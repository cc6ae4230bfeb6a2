#include "fd_handle.h"
#include <cerrno>
#include <cstdlib>
#include <unistd.h>

namespace iolib {

static constexpr int kReadBudget = 16;  // byte chunks per wakeup, as libuv reads

Napi::Function FdHandle::Define(Napi::Env env) {
  return DefineClass(env, "FdHandle", {
    InstanceAccessor<&FdHandle::GetFd>("fd"),
    InstanceMethod<&FdHandle::SetNotify>("setNotify"),
    InstanceMethod<&FdHandle::ReadStart>("readStart"),
    InstanceMethod<&FdHandle::ReadStop>("readStop"),
    InstanceMethod<&FdHandle::Close>("close"),
    InstanceMethod<&FdHandle::Write>("write"),
    InstanceMethod<&FdHandle::Writev>("writev"),
    InstanceMethod<&FdHandle::Bind>("bind"),
    InstanceMethod<&FdHandle::Connect>("connect"),
    InstanceMethod<&FdHandle::Listen>("listen"),
    InstanceMethod<&FdHandle::Accept>("accept"),
    InstanceMethod<&FdHandle::Shutdown>("shutdown"),
    InstanceMethod<&FdHandle::GetSockName>("getsockname"),
    InstanceMethod<&FdHandle::GetPeerName>("getpeername"),
    InstanceMethod<&FdHandle::GetSockOpt>("getsockopt"),
    InstanceMethod<&FdHandle::SetSockOpt>("setsockopt"),
    InstanceMethod<&FdHandle::SendTo>("sendto"),
    InstanceMethod<&FdHandle::RecvFrom>("recvfrom"),
    InstanceMethod<&FdHandle::SendMsg>("sendmsg"),
    InstanceMethod<&FdHandle::RecvMsg>("recvmsg"),
    InstanceMethod<&FdHandle::SendBatch>("sendBatch"),
  });
}

FdHandle::FdHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FdHandle>(info) {
  fd_ = info[0].As<Napi::Number>().Int32Value();
  // The owner rides on the handle's object as a plain property (the slot napi_wrap's property
  // array already has room for): callbacks go to the handle and JS forwards them, so a socket
  // costs one reference, not two.
  info.This().As<Napi::Object>().Set("owner", info[1]);
  owned_ = info.Length() < 3 || info[2].ToBoolean();
  envData_ = GetEnvData(info.Env());
  next_ = envData_->handles;
  if (next_) next_->prev_ = this;
  envData_->handles = this;
}

FdHandle::~FdHandle() { CloseNow(); }

void FdHandle::CloseNow() {
  if (fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;  // first: no later call can reach this fd number again
  notify_ = active_ = 0;
  readMode_ = kNone;
  if (prev_) prev_->next_ = next_;
  else envData_->handles = next_;
  if (next_) next_->prev_ = prev_;
  prev_ = next_ = nullptr;
  if (poll_) {
    // uv_close stops the watcher at once (dropping the fd from epoll and from the pending
    // batch), so the fd may be closed right after; the handle memory lives until the close
    // callback. No uv_poll_stop first: each stop costs an epoll_ctl.
    // The close callback is libc's free, not a function of this addon: a worker's teardown
    // unloads the addon before libuv runs the callbacks of handles closed during it.
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), reinterpret_cast<uv_close_cb>(free));
    poll_ = nullptr;
  }
  if (owned_) close(fd);  // never retried: on Linux the fd is gone even on EINTR
  if (strong_) {
    strong_ = false;
    Unref();
  }
}

// While the watcher works for someone it keeps this handle (and so its owner) alive and the
// loop running; otherwise neither.
void FdHandle::Hold() {
  if (poll_) uv_ref(reinterpret_cast<uv_handle_t*>(poll_));
  if (!strong_) {
    strong_ = true;
    Ref();
  }
}

void FdHandle::Release() {
  if (poll_) uv_unref(reinterpret_cast<uv_handle_t*>(poll_));
  if (strong_) {
    strong_ = false;
    Unref();
  }
}

void FdHandle::StopWatcher() {
  if (poll_) uv_poll_stop(poll_);
  active_ = 0;
  lingering_ = false;
}

int FdHandle::Update() {
  if (fd_ < 0) return -EBADF;
  int want = notify_ | (readMode_ != kNone ? UV_READABLE : 0);
  if (want == 0) {
    if (active_ == 0 || lingering_) return 0;
    // The stop waits for the next event nobody wants: a wait that follows at once (the next
    // accept, the first read after a connect) then costs no epoll_ctl at all.
    lingering_ = true;
    Release();
    return 0;
  }
  if (!poll_) {
    uv_loop_t* loop;
    napi_get_uv_event_loop(Env(), &loop);
    poll_ = static_cast<uv_poll_t*>(malloc(sizeof(uv_poll_t)));
    if (!poll_) return UV_ENOMEM;
    int err = uv_poll_init(loop, poll_, fd_);
    if (err) {
      free(poll_);
      poll_ = nullptr;
      return err;
    }
    poll_->data = this;
  }
  if (want != active_) {
    int err = uv_poll_start(poll_, want, OnPoll);
    if (err) return err;
    active_ = want;
  }
  lingering_ = false;
  Hold();
  return 0;
}

void FdHandle::CallJs(Napi::FunctionReference& fn, std::initializer_list<napi_value> args) {
  napi_env env = Env();
  napi_value result;
  // Fails without an exception while a worker terminates (JS can no longer run): nothing to do.
  napi_make_callback(env, nullptr, Value(), fn.Value(), args.size(), args.begin(), &result);
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
}

void FdHandle::OnPoll(uv_poll_t* poll, int status, int events) {
  auto* self = static_cast<FdHandle*>(poll->data);
  if (self->lingering_) {
    // Nobody wants events any more: stop now (on an error libuv already has).
    if (status < 0) {
      self->active_ = 0;
      self->lingering_ = false;
    } else {
      self->StopWatcher();
    }
    return;
  }
  // Not lingering, so this handle's object (and through it the owner) is held strongly.
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  if (status < 0) {
    // libuv reports POLLERR (a pending socket error: a reset, a refused connect, an ICMP
    // error) as UV_EBADF and has already stopped the handle. Note that, let an active read
    // pick the socket error up (read/recvmmsg return it and clear it), tell JS, then restart
    // the watcher for whatever is still wanted.
    self->active_ = 0;
    if (self->readMode_ != kNone) {
      if (self->readMode_ == kBytes) self->ReadBytes(env);
      else self->ReadMessages(env);
      if (self->fd_ < 0) return;
    }
    self->CallJs(self->envData_->onEvent, {Num(env, status)});
    if (self->fd_ < 0) return;
    self->Update();
    if (self->active_ == 0) self->Release();
    return;
  }
  if ((events & UV_READABLE) && self->readMode_ != kNone) {
    if (self->readMode_ == kBytes) {
      // A full chunk means more may be queued: take up to a budget of chunks in this wakeup,
      // as long as JS still wants them.
      for (int i = 0; i < kReadBudget && self->ReadBytes(env) && self->fd_ >= 0 && self->readMode_ == kBytes; i++) {
      }
    } else {
      self->ReadMessages(env);
    }
    if (self->fd_ < 0) return;
  }
  int ev = events & (self->notify_ | UV_DISCONNECT);
  if (ev & self->notify_) self->CallJs(self->envData_->onEvent, {Num(env, ev)});
}

Napi::Value FdHandle::GetFd(const Napi::CallbackInfo& info) { return Num(info.Env(), fd_); }

Napi::Value FdHandle::SetNotify(const Napi::CallbackInfo& info) {
  notify_ = info[0].As<Napi::Number>().Int32Value() & (UV_READABLE | UV_WRITABLE | UV_DISCONNECT);
  return Num(info.Env(), Update());
}

// readStart(mode, chunk, batch, wantAddrs): mode 1 bytes, 2 messages, 3 records (seqpacket:
// a zero-length read is the end).
Napi::Value FdHandle::ReadStart(const Napi::CallbackInfo& info) {
  int mode = info[0].As<Napi::Number>().Int32Value();
  if (mode < kBytes || mode > kRecords) return Fail(info.Env(), EINVAL);
  readMode_ = static_cast<ReadMode>(mode);
  if (info.Length() > 1) chunk_ = info[1].As<Napi::Number>().Uint32Value();
  if (info.Length() > 2) batch_ = info[2].As<Napi::Number>().Uint32Value();
  if (info.Length() > 3) wantAddrs_ = info[3].ToBoolean();
  if (chunk_ == 0) chunk_ = 1;
  if (batch_ == 0) batch_ = 1;
  return Num(info.Env(), Update());
}

Napi::Value FdHandle::ReadStop(const Napi::CallbackInfo& info) {
  readMode_ = kNone;
  return Num(info.Env(), Update());
}

Napi::Value FdHandle::Close(const Napi::CallbackInfo& info) {
  CloseNow();
  return Num(info.Env(), 0);
}

static void CleanupEnv(void* arg) {
  auto* data = static_cast<EnvData*>(arg);
  while (data->handles) data->handles->CloseNow();
}

void InitFdHandle(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = FdHandle::Define(env);
  GetEnvData(env)->handleCtor = Napi::Persistent(ctor);
  exports.Set("FdHandle", ctor);
  napi_add_env_cleanup_hook(env, CleanupEnv, GetEnvData(env));
}

}  // namespace iolib
