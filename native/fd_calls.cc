// One system call each. Every socket is created non-blocking and close-on-exec.
#include "fd_handle.h"
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

namespace iolib {

int MakeNonblockCloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return errno;
  int fdfl = fcntl(fd, F_GETFD);
  if (fdfl < 0 || fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) < 0) return errno;
  return 0;
}

// Portable path for kernels without SOCK_NONBLOCK/SOCK_CLOEXEC; also sets SO_NOSIGPIPE.
static int Prepare(int fd) {
  int err = MakeNonblockCloexec(fd);
#ifdef SO_NOSIGPIPE
  int on = 1;
  if (!err && setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) < 0) err = errno;
#endif
  return err;
}

// socket(domain, type, protocol) -> fd | -errno
static Napi::Value Socket(const Napi::CallbackInfo& info) {
  int domain = info[0].As<Napi::Number>().Int32Value();
  int type = info[1].As<Napi::Number>().Int32Value();
  int protocol = info[2].As<Napi::Number>().Int32Value();
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return Fail(info.Env(), errno);
#else
  int fd = socket(domain, type, protocol);
  if (fd < 0) return Fail(info.Env(), errno);
  if (int err = Prepare(fd)) {
    close(fd);
    return Fail(info.Env(), err);
  }
#endif
  return Num(info.Env(), fd);
}

// socketpair(domain, type, protocol) -> [fd, fd] | -errno
static Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  int domain = info[0].As<Napi::Number>().Int32Value();
  int type = info[1].As<Napi::Number>().Int32Value();
  int protocol = info[2].As<Napi::Number>().Int32Value();
  int fds[2];
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  if (socketpair(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol, fds) < 0) return Fail(info.Env(), errno);
#else
  if (socketpair(domain, type, protocol, fds) < 0) return Fail(info.Env(), errno);
  int err = Prepare(fds[0]);
  if (!err) err = Prepare(fds[1]);
  if (err) {
    close(fds[0]);
    close(fds[1]);
    return Fail(info.Env(), err);
  }
#endif
  napi_value out = NewArray(info.Env(), {Num(info.Env(), fds[0]), Num(info.Env(), fds[1])});
  if (out == nullptr) {
    // JS cannot run (a worker terminating): nobody would ever close them.
    close(fds[0]);
    close(fds[1]);
  }
  return Napi::Value(info.Env(), out);
}

// adoptFd(fd) -> 0 | -errno: makes a foreign fd non-blocking and close-on-exec.
static Napi::Value AdoptFd(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int err = Prepare(fd);
  return Num(info.Env(), err ? -err : 0);
}

// dupFd(fd) -> new fd (close-on-exec) | -errno
static Napi::Value DupFd(const Napi::CallbackInfo& info) {
  int fd = fcntl(info[0].As<Napi::Number>().Int32Value(), F_DUPFD_CLOEXEC, 0);
  return Num(info.Env(), fd < 0 ? -errno : fd);
}

// closeFd(fd) -> 0 | -errno: for fds no handle owns yet (received, or failed set-up).
static Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  return Num(info.Env(), close(info[0].As<Napi::Number>().Int32Value()) < 0 ? -errno : 0);
}

// fdOwned(fd) -> whether an open handle of this environment owns `fd` (adopting it twice would
// close it twice).
static Napi::Value FdOwned(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  for (FdHandle* h : GetEnvData(info.Env())->slots) {
    if (h && h->fd == fd && h->owned) return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);
}

#define CHECK_OPEN() \
  if (fd < 0) return Fail(info.Env(), EBADF)

Napi::Value FdHandle::Bind(const Args& info) {
  CHECK_OPEN();
  sockaddr_storage ss;
  socklen_t len;
  if (!SockaddrFromJs(info, 0, &ss, &len)) return Fail(info.Env(), EINVAL);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) return Fail(info.Env(), errno);
  return Num(info.Env(), 0);
}

// connect(...) -> 0 | -errno; -EINPROGRESS means wait for writable, then read SO_ERROR.
Napi::Value FdHandle::Connect(const Args& info) {
  CHECK_OPEN();
  sockaddr_storage ss;
  socklen_t len;
  if (info[0].As<Napi::Number>().Int32Value() == 0) {
    ss = {};
    ss.ss_family = AF_UNSPEC;  // dissolves a datagram association
    len = sizeof(ss);
  } else if (!SockaddrFromJs(info, 0, &ss, &len)) {
    return Fail(info.Env(), EINVAL);
  }
  int r;
  do r = connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  while (r < 0 && errno == EINTR);
  return Num(info.Env(), r < 0 ? -errno : 0);
}

Napi::Value FdHandle::Listen(const Args& info) {
  CHECK_OPEN();
  if (listen(fd, info[0].As<Napi::Number>().Int32Value()) < 0) return Fail(info.Env(), errno);
  return Num(info.Env(), 0);
}

// accept() -> fd | -errno (-EAGAIN when nothing is pending)
Napi::Value FdHandle::Accept(const Args& info) {
  CHECK_OPEN();
  int conn;
#ifdef __linux__
  do conn = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
#else
  do conn = accept(fd, nullptr, nullptr);
  while (conn < 0 && errno == EINTR);
  if (conn < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  if (int err = Prepare(conn)) {
    close(conn);
    return Fail(info.Env(), err);
  }
#endif
  return Num(info.Env(), conn);
}

Napi::Value FdHandle::Shutdown(const Args& info) {
  CHECK_OPEN();
  if (shutdown(fd, info[0].As<Napi::Number>().Int32Value()) < 0) return Fail(info.Env(), errno);
  return Num(info.Env(), 0);
}

Napi::Value FdHandle::GetSockName(const Args& info) {
  CHECK_OPEN();
  sockaddr_storage ss = {};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return Fail(info.Env(), errno);
  return SockaddrToJs(info.Env(), &ss, len);
}

Napi::Value FdHandle::GetPeerName(const Args& info) {
  CHECK_OPEN();
  sockaddr_storage ss = {};
  socklen_t len = sizeof(ss);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return Fail(info.Env(), errno);
  return SockaddrToJs(info.Env(), &ss, len);
}

// getsockopt(level, name, size) -> Buffer of the bytes the kernel wrote | -errno.
// Values are encoded and decoded in TypeScript, which knows each option's type.
Napi::Value FdHandle::GetSockOpt(const Args& info) {
  CHECK_OPEN();
  int level = info[0].As<Napi::Number>().Int32Value();
  int name = info[1].As<Napi::Number>().Int32Value();
  socklen_t len = info[2].As<Napi::Number>().Uint32Value();
  std::vector<char> buf(len ? len : 1);
  if (getsockopt(fd, level, name, buf.data(), &len) < 0) return Fail(info.Env(), errno);
  return Napi::Value(info.Env(), CopyBuffer(info.Env(), buf.data(), len));
}

// setsockopt(level, name, bytes) -> 0 | -errno
Napi::Value FdHandle::SetSockOpt(const Args& info) {
  CHECK_OPEN();
  int level = info[0].As<Napi::Number>().Int32Value();
  int name = info[1].As<Napi::Number>().Int32Value();
  iovec value;
  if (!BytesOf(info.Env(), info[2], &value)) return Fail(info.Env(), EINVAL);
  if (setsockopt(fd, level, name, value.iov_base, static_cast<socklen_t>(value.iov_len)) < 0) return Fail(info.Env(), errno);
  return Num(info.Env(), 0);
}

// sendto(buffer, start, end, flags[, family, bytes, port, scope]) -> bytes | -errno
Napi::Value FdHandle::SendTo(const Args& info) {
  CHECK_OPEN();
  iovec region;
  if (!RegionOf(info, &region)) return Fail(info.Env(), EINVAL);
  int flags = info[3].As<Napi::Number>().Int32Value() | IOLIB_SEND_FLAGS;
  sockaddr_storage ss;
  socklen_t len = 0;
  if (info.Length() > 5 && !info[4].IsUndefined() && !SockaddrFromJs(info, 4, &ss, &len)) return Fail(info.Env(), EINVAL);
  ssize_t n;
  do n = sendto(fd, region.iov_base, region.iov_len, flags, len ? reinterpret_cast<sockaddr*>(&ss) : nullptr, len);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(n));
}

// recvfrom(buffer, start, end, flags) -> [bytes, msgFlags, family, addrBytes, port, scope] | -errno
// (recvmsg answers the same fields in the same order, then the fds)
Napi::Value FdHandle::RecvFrom(const Args& info) {
  CHECK_OPEN();
  iovec iov;
  if (!RegionOf(info, &iov)) return Fail(info.Env(), EINVAL);
  int flags = info[3].As<Napi::Number>().Int32Value();
  sockaddr_storage ss = {};
  msghdr msg = {};
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof(ss);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do n = recvmsg(fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  napi_value v[6];
  v[0] = Num(info.Env(), static_cast<double>(n));
  v[1] = Num(info.Env(), msg.msg_flags);
  if (!SockaddrValues(info.Env(), &ss, msg.msg_namelen, v + 2)) return Napi::Value(info.Env(), nullptr);
  return Napi::Value(info.Env(), NewArray(info.Env(), v, 6));
}

void InitFdCalls(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("socketpair", Napi::Function::New(env, SocketPair, "socketpair"));
  exports.Set("adoptFd", Napi::Function::New(env, AdoptFd, "adoptFd"));
  exports.Set("dupFd", Napi::Function::New(env, DupFd, "dupFd"));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd, "closeFd"));
  exports.Set("fdOwned", Napi::Function::New(env, FdOwned, "fdOwned"));
}

}  // namespace iolib
