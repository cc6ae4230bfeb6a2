#include "iolib.h"
#include <netinet/in.h>
#include <sys/un.h>
#include <cstddef>
#include <cstring>

namespace iolib {

bool SockaddrFromValues(Napi::Value fam, Napi::Value addr, Napi::Value portv, Napi::Value scopev, sockaddr_storage* ss, socklen_t* len) {
  memset(ss, 0, sizeof(*ss));
  iovec bytes;
  if (!fam.IsNumber() || !BytesOf(addr.Env(), addr, &bytes)) return false;
  int family = fam.As<Napi::Number>().Int32Value();
  uint32_t port = portv.IsNumber() ? portv.As<Napi::Number>().Uint32Value() : 0;
  uint32_t scope = scopev.IsNumber() ? scopev.As<Napi::Number>().Uint32Value() : 0;
  if (family == 4 && bytes.iov_len == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<uint16_t>(port));
    memcpy(&sin->sin_addr, bytes.iov_base, 4);
    *len = sizeof(sockaddr_in);
    return true;
  }
  if (family == 6 && bytes.iov_len == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<uint16_t>(port));
    sin6->sin6_scope_id = scope;
    memcpy(&sin6->sin6_addr, bytes.iov_base, 16);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  if (family == 1) {
    auto* sun = reinterpret_cast<sockaddr_un*>(ss);
    if (bytes.iov_len > sizeof(sun->sun_path)) return false;
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, bytes.iov_base, bytes.iov_len);
    *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + bytes.iov_len);
    // A filesystem path keeps its terminating NUL in the length, as most callers pass it.
    if (bytes.iov_len > 0 && static_cast<const char*>(bytes.iov_base)[0] != 0 && bytes.iov_len < sizeof(sun->sun_path)) *len += 1;
    return true;
  }
  return false;
}

// Extracts (family, bytes, port, scope) into plain fields; path bytes for AF_UNIX.
static int Decode(const sockaddr_storage* ss, socklen_t len, const uint8_t** bytes, size_t* n, uint16_t* port, uint32_t* scope) {
  *port = 0;
  *scope = 0;
  switch (ss->ss_family) {
    case AF_INET: {
      auto* sin = reinterpret_cast<const sockaddr_in*>(ss);
      *bytes = reinterpret_cast<const uint8_t*>(&sin->sin_addr);
      *n = 4;
      *port = ntohs(sin->sin_port);
      return 4;
    }
    case AF_INET6: {
      auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ss);
      *bytes = reinterpret_cast<const uint8_t*>(&sin6->sin6_addr);
      *n = 16;
      *port = ntohs(sin6->sin6_port);
      *scope = sin6->sin6_scope_id;
      return 6;
    }
    case AF_UNIX: {
      auto* sun = reinterpret_cast<const sockaddr_un*>(ss);
      size_t pathlen = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
      if (pathlen > sizeof(sun->sun_path)) pathlen = sizeof(sun->sun_path);
      // Filesystem paths end at the first NUL; abstract names keep every byte of the length.
      if (pathlen > 0 && sun->sun_path[0] != 0) pathlen = strnlen(sun->sun_path, pathlen);
      *bytes = reinterpret_cast<const uint8_t*>(sun->sun_path);
      *n = pathlen;
      return 1;
    }
    default:
      *bytes = nullptr;
      *n = 0;
      return 0;
  }
}

bool SockaddrValues(napi_env env, const sockaddr_storage* ss, socklen_t len, napi_value out[4]) {
  const uint8_t* bytes = nullptr;
  size_t n = 0;
  uint16_t port = 0;
  uint32_t scope = 0;
  int family = len == 0 ? 0 : Decode(ss, len, &bytes, &n, &port, &scope);
  static const uint8_t kNone = 0;
  out[0] = Num(env, family);
  out[1] = CopyBuffer(env, family ? bytes : &kNone, family ? n : 0);
  out[2] = Num(env, family ? port : 0);
  out[3] = Num(env, family ? scope : 0);
  return out[1] != nullptr;
}

Napi::Value SockaddrToJs(Napi::Env env, const sockaddr_storage* ss, socklen_t len) {
  napi_value values[4];
  if (!SockaddrValues(env, ss, len, values)) return Napi::Value(env, nullptr);
  return Napi::Value(env, NewArray(env, values, 4));
}

// The record layout is in iolib.h (kAddrRecord*).
void PackSockaddr(const sockaddr_storage* ss, socklen_t len, uint8_t* out) {
  const uint8_t* bytes = nullptr;
  size_t n = 0;
  uint16_t port;
  uint32_t scope;
  int family = len == 0 ? 0 : Decode(ss, len, &bytes, &n, &port, &scope);
  if (n > kAddrRecord - kAddrRecordAddress) n = kAddrRecord - kAddrRecordAddress;
  out[kAddrRecordFamily] = static_cast<uint8_t>(family);
  out[kAddrRecordLength] = static_cast<uint8_t>(family ? n : 0);
  out[kAddrRecordPort] = port >> 8;
  out[kAddrRecordPort + 1] = port & 0xff;
  memcpy(out + kAddrRecordScope, &scope, 4);
  if (family && n) memcpy(out + kAddrRecordAddress, bytes, n);
}

}  // namespace iolib
