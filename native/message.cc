// Ancillary data (SCM_RIGHTS) and batched datagram sends.
#include "fd_handle.h"
#include <cerrno>
#include <cstring>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0
#endif

namespace iolib {

static constexpr int kMaxFds = 253;  // Linux's SCM_MAX_FD

#ifdef __linux__
static constexpr size_t kMaxUdpPayload = 65507;  // one GSO send is one IPv4 packet before it is split
// A cmsghdr followed by its uint16 segment size, aligned as CMSG_SPACE wants.
union SegmentControl {
  cmsghdr header;
  char space[CMSG_SPACE(sizeof(uint16_t))];
};
#endif

// sendmsg(chunks, fds, flags[, family, bytes, port, scope]) -> bytes | -errno
Napi::Value FdHandle::SendMsg(const Args& info) {
  if (fd < 0) return Fail(info.Env(), EBADF);
  napi_env env = info.Env();
  napi_value chunks = info[0];
  napi_value fds = info[1];
  int flags = info[2].As<Napi::Number>().Int32Value() | IOLIB_SEND_FLAGS;
  uint32_t nfds = ArrayLength(env, fds);
  if (nfds > kMaxFds) return Fail(info.Env(), EINVAL);
  std::vector<iovec> iov(ArrayLength(env, chunks));
  for (uint32_t i = 0; i < iov.size(); i++) {
    if (!BytesOf(env, ElementAt(env, chunks, i), &iov[i])) return Fail(info.Env(), EINVAL);
  }
  msghdr msg = {};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  sockaddr_storage ss;
  socklen_t len = 0;
  if (info.Length() > 4 && !info[3].IsUndefined()) {
    if (!SockaddrFromJs(info, 3, &ss, &len)) return Fail(info.Env(), EINVAL);
    msg.msg_name = &ss;
    msg.msg_namelen = len;
  }
  std::vector<char> control;
  if (nfds) {
    control.assign(CMSG_SPACE(nfds * sizeof(int)), 0);
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    int* out = reinterpret_cast<int*>(CMSG_DATA(cm));
    for (uint32_t i = 0; i < nfds; i++) {
      napi_value v = ElementAt(env, fds, i);
      if (v == nullptr || napi_get_value_int32(env, v, &out[i]) != napi_ok) return Fail(info.Env(), EINVAL);
    }
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(info.Env(), errno == EWOULDBLOCK ? EAGAIN : errno);
  return Num(info.Env(), static_cast<double>(n));
}

// recvmsg(buffer, start, end, flags) ->
//   [bytes, msgFlags, family, addrBytes, port, scope, fds] | -errno (recvfrom's fields, then the fds)
// Every fd the kernel passed is returned (close-on-exec); the caller closes those it does not
// keep, so none leaks.
Napi::Value FdHandle::RecvMsg(const Args& info) {
  Napi::Env env = info.Env();
  if (fd < 0) return Fail(env, EBADF);
  iovec iov;
  if (!RegionOf(info, &iov)) return Fail(env, EINVAL);
  int flags = info[3].As<Napi::Number>().Int32Value() | MSG_CMSG_CLOEXEC;
  sockaddr_storage ss = {};
  std::vector<char> control(CMSG_SPACE(kMaxFds * sizeof(int)));
  msghdr msg = {};
  msg.msg_name = &ss;
  msg.msg_namelen = sizeof(ss);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n;
  do n = recvmsg(fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return Fail(env, errno == EWOULDBLOCK ? EAGAIN : errno);
  std::vector<int> fds;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const int* in = reinterpret_cast<const int*>(CMSG_DATA(cm));
    for (size_t i = 0; i < count; i++) {
      int received;
      memcpy(&received, in + i, sizeof(int));
#if !defined(__linux__)
      MakeNonblockCloexec(received);  // no MSG_CMSG_CLOEXEC: set it now, before anyone can fork
#endif
      fds.push_back(received);
    }
  }
  std::vector<napi_value> fdValues(fds.size());
  for (size_t i = 0; i < fds.size(); i++) fdValues[i] = Num(env, fds[i]);
  napi_value v[7];
  v[0] = Num(env, static_cast<double>(n));
  v[1] = Num(env, msg.msg_flags);
  v[6] = NewArray(env, fdValues.data(), fdValues.size());
  napi_value out = v[6] != nullptr && SockaddrValues(env, &ss, msg.msg_namelen, v + 2) ? NewArray(env, v, 7) : nullptr;
  if (out == nullptr) {
    for (int received : fds) close(received);  // JS cannot take them (a worker terminating)
  }
  return Napi::Value(env, out);
}

// sendBatch(buffers, addresses?, segments?) -> messages sent | -errno. `addresses[i]` is
// [family, bytes, port, scope] or undefined (the connected peer). With segments > 1 (Linux UDP
// only), each run of up to that many addressless messages of one length (the last may be
// shorter) leaves as one UDP_SEGMENT send: the kernel splits it into the same datagrams.
Napi::Value FdHandle::SendBatch(const Args& info) {
  Napi::Env env = info.Env();
  if (fd < 0) return Fail(env, EBADF);
  napi_value bufs = info[0];
  bool named = info.Length() > 1 && info[1].IsArray();
  napi_value addrs = named ? static_cast<napi_value>(info[1]) : nullptr;
  uint32_t segments = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 0;
  uint32_t count = ArrayLength(env, bufs);
  if (count == 0) return Num(env, 0);
  std::vector<iovec> iov(count);
  std::vector<sockaddr_storage> names(named ? count : 0);
  std::vector<mmsghdr> msgs(count);
  std::vector<uint32_t> runs(count);  // messages in each mmsghdr
  std::vector<socklen_t> nameLens(count);  // 0: to the connected peer
  for (uint32_t i = 0; i < count; i++) {
    if (!BytesOf(env, ElementAt(env, bufs, i), &iov[i])) return Fail(env, EINVAL);
    if (!named) continue;
    napi_value a = ElementAt(env, addrs, i);
    bool isArray = false;
    if (a == nullptr || napi_is_array(env, a, &isArray) != napi_ok || !isArray) continue;
    napi_value parts[4];
    for (uint32_t k = 0; k < 4; k++) {
      if ((parts[k] = ElementAt(env, a, k)) == nullptr) return Fail(env, EINVAL);
    }
    if (!SockaddrFromValues(Napi::Value(env, parts[0]), Napi::Value(env, parts[1]), Napi::Value(env, parts[2]), Napi::Value(env, parts[3]), &names[i], &nameLens[i])) return Fail(env, EINVAL);
  }
  uint32_t headers = 0;
#ifdef __linux__
  std::vector<SegmentControl> controls(segments > 1 ? count : 0);
#endif
  for (uint32_t i = 0; i < count; headers++) {
    mmsghdr& m = msgs[headers];
    m = {};
    m.msg_hdr.msg_iov = &iov[i];
    m.msg_hdr.msg_iovlen = 1;
    uint32_t run = 1;
    if (nameLens[i] > 0) {
      m.msg_hdr.msg_name = &names[i];
      m.msg_hdr.msg_namelen = nameLens[i];
    }
#ifdef __linux__
    size_t size = iov[i].iov_len;
    if (segments > 1 && m.msg_hdr.msg_name == nullptr && size > 0) {
      size_t total = size;
      while (i + run < count && run < segments && total + iov[i + run].iov_len <= kMaxUdpPayload &&
             iov[i + run].iov_len > 0 && iov[i + run].iov_len <= size &&
             nameLens[i + run] == 0) {
        total += iov[i + run].iov_len;
        if (iov[i + run++].iov_len < size) break;
      }
      if (run > 1) {
        SegmentControl& c = controls[headers];
        c = {};
        c.header.cmsg_len = CMSG_LEN(sizeof(uint16_t));
        c.header.cmsg_level = SOL_UDP;
        c.header.cmsg_type = UDP_SEGMENT;
        uint16_t gso = static_cast<uint16_t>(size);
        memcpy(CMSG_DATA(&c.header), &gso, sizeof gso);
        m.msg_hdr.msg_iovlen = run;
        m.msg_hdr.msg_control = &c;
        m.msg_hdr.msg_controllen = CMSG_SPACE(sizeof(uint16_t));
      }
    }
#endif
    runs[headers] = run;
    i += run;
  }
#ifdef __linux__
  int sent;
  do sent = sendmmsg(fd, msgs.data(), headers, IOLIB_SEND_FLAGS);
  while (sent < 0 && errno == EINTR);
  if (sent < 0) return Fail(env, errno == EWOULDBLOCK ? EAGAIN : errno);
#else
  int sent = 0;
  for (; sent < static_cast<int>(headers); sent++) {
    ssize_t n;
    do n = sendmsg(fd, &msgs[sent].msg_hdr, IOLIB_SEND_FLAGS);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (sent == 0) return Fail(env, errno == EWOULDBLOCK ? EAGAIN : errno);
      break;
    }
  }
#endif
  uint32_t messages = 0;
  for (int k = 0; k < sent; k++) messages += runs[k];
  return Num(env, messages);
}

}  // namespace iolib
