// The platform's numbers for the names TypeScript uses; absent ones are simply not exported.
#include "fd_handle.h"
#include <cerrno>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/icmp.h>
#endif

namespace iolib {

#define C(name) out.Set(#name, Napi::Number::New(env, name))

void InitConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object out = Napi::Object::New(env);
  C(AF_UNSPEC); C(AF_INET); C(AF_INET6); C(AF_UNIX);
  C(SOCK_STREAM); C(SOCK_DGRAM); C(SOCK_SEQPACKET); C(SOCK_RAW);
  C(SHUT_RD); C(SHUT_WR); C(SHUT_RDWR);
  C(MSG_OOB); C(MSG_PEEK); C(MSG_WAITALL); C(MSG_DONTWAIT); C(MSG_DONTROUTE); C(MSG_TRUNC); C(MSG_CTRUNC);
#ifdef MSG_CONFIRM
  C(MSG_CONFIRM);
#endif
#ifdef MSG_MORE
  C(MSG_MORE);
#endif
#ifdef MSG_EOR
  C(MSG_EOR);
#endif
  C(SOMAXCONN);
#ifdef __linux__
  C(UDP_SEGMENT);
#endif
  C(SOL_SOCKET); C(IPPROTO_IP); C(IPPROTO_IPV6); C(IPPROTO_TCP); C(IPPROTO_UDP); C(IPPROTO_ICMP); C(IPPROTO_ICMPV6); C(IPPROTO_RAW);
  C(SO_REUSEADDR); C(SO_KEEPALIVE); C(SO_BROADCAST); C(SO_DEBUG); C(SO_DONTROUTE); C(SO_OOBINLINE); C(SO_LINGER);
  C(SO_RCVBUF); C(SO_SNDBUF); C(SO_RCVLOWAT); C(SO_SNDLOWAT); C(SO_RCVTIMEO); C(SO_SNDTIMEO); C(SO_ERROR); C(SO_TYPE);
  C(SO_ACCEPTCONN);
#ifdef SO_REUSEPORT
  C(SO_REUSEPORT);
#endif
#ifdef SO_BINDTODEVICE
  C(SO_BINDTODEVICE);
#endif
#ifdef SO_PRIORITY
  C(SO_PRIORITY);
#endif
#ifdef SO_PASSCRED
  C(SO_PASSCRED); C(SO_PEERCRED);
#endif
#ifdef SO_DOMAIN
  C(SO_DOMAIN); C(SO_PROTOCOL);
#endif
#ifdef SO_NOSIGPIPE
  C(SO_NOSIGPIPE);
#endif
  C(TCP_NODELAY); C(TCP_MAXSEG);
#ifdef TCP_CORK
  C(TCP_CORK);
#endif
#ifdef TCP_KEEPIDLE
  C(TCP_KEEPIDLE); C(TCP_KEEPINTVL); C(TCP_KEEPCNT);
#endif
#ifdef TCP_USER_TIMEOUT
  C(TCP_USER_TIMEOUT);
#endif
#ifdef TCP_QUICKACK
  C(TCP_QUICKACK);
#endif
#ifdef TCP_DEFER_ACCEPT
  C(TCP_DEFER_ACCEPT);
#endif
#ifdef TCP_FASTOPEN
  C(TCP_FASTOPEN);
#endif
#ifdef TCP_LINGER2
  C(TCP_LINGER2); C(TCP_SYNCNT); C(TCP_WINDOW_CLAMP);
#endif
  C(IP_TTL); C(IP_TOS); C(IP_MULTICAST_TTL); C(IP_MULTICAST_LOOP); C(IP_MULTICAST_IF); C(IP_ADD_MEMBERSHIP); C(IP_DROP_MEMBERSHIP);
  C(IP_HDRINCL);
#ifdef IP_RECVERR
  C(IP_RECVERR);
#endif
  C(IPV6_V6ONLY); C(IPV6_UNICAST_HOPS); C(IPV6_MULTICAST_HOPS); C(IPV6_MULTICAST_LOOP); C(IPV6_MULTICAST_IF);
  C(IPV6_JOIN_GROUP); C(IPV6_LEAVE_GROUP);
#ifdef ICMP_FILTER
  C(ICMP_FILTER);
#endif
  C(POLLIN); C(POLLOUT); C(POLLERR); C(POLLHUP); C(POLLNVAL); C(POLLPRI);
  C(UV_READABLE); C(UV_WRITABLE); C(UV_DISCONNECT);
  C(EAGAIN); C(EINPROGRESS); C(EINTR); C(EBADF); C(ENOTCONN); C(ECONNABORTED); C(EPROTO); C(ENOENT); C(ECONNREFUSED);
  C(EIO); C(EINVAL); C(EMSGSIZE); C(EAFNOSUPPORT); C(ENOTSUP); C(ENODEV); C(ENXIO);
  C(AI_PASSIVE); C(AI_CANONNAME); C(AI_NUMERICHOST); C(AI_NUMERICSERV); C(AI_V4MAPPED); C(AI_ALL); C(AI_ADDRCONFIG);
  C(NI_NUMERICHOST); C(NI_NUMERICSERV); C(NI_NAMEREQD); C(NI_DGRAM); C(NI_NOFQDN);
  C(IF_NAMESIZE);
  out.Set("sockaddrUnPathMax", Napi::Number::New(env, sizeof(sockaddr_un::sun_path)));
  // The read contract: FdHandle's read modes, the end-of-stream status, the sender record.
  out.Set("READ_BYTES", Napi::Number::New(env, FdHandle::kBytes));
  out.Set("READ_MESSAGES", Napi::Number::New(env, FdHandle::kMessages));
  out.Set("READ_RECORDS", Napi::Number::New(env, FdHandle::kRecords));
  out.Set("READ_STATUS_END", Napi::Number::New(env, FdHandle::kStatusEnd));
  out.Set("ADDR_RECORD_SIZE", Napi::Number::New(env, static_cast<double>(kAddrRecord)));
  out.Set("ADDR_RECORD_FAMILY_OFFSET", Napi::Number::New(env, static_cast<double>(kAddrRecordFamily)));
  out.Set("ADDR_RECORD_LENGTH_OFFSET", Napi::Number::New(env, static_cast<double>(kAddrRecordLength)));
  out.Set("ADDR_RECORD_PORT_OFFSET", Napi::Number::New(env, static_cast<double>(kAddrRecordPort)));
  out.Set("ADDR_RECORD_SCOPE_OFFSET", Napi::Number::New(env, static_cast<double>(kAddrRecordScope)));
  out.Set("ADDR_RECORD_ADDRESS_OFFSET", Napi::Number::New(env, static_cast<double>(kAddrRecordAddress)));
  exports.Set("constants", out);
}

}  // namespace iolib
