// Network interfaces: if_nametoindex, if_indextoname, if_nameindex, getifaddrs and the
// SIOCGIFMTU ioctl. All local and quick, so synchronous. Negative numbers are -errno.
#include "iolib.h"
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <map>
#include <net/if.h>
#include <netinet/in.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

namespace iolib {

namespace {

bool NameArg(const Napi::CallbackInfo& info, std::string* out) {
  if (!info[0].IsString()) return false;
  *out = info[0].As<Napi::String>().Utf8Value();
  return out->size() < IF_NAMESIZE && out->find('\0') == std::string::npos;
}

// ifNameToIndex(name) -> index | -errno (ENODEV/ENXIO when there is no such interface)
Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!NameArg(info, &name)) return Fail(env, ENODEV);
  errno = 0;
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) return Fail(env, errno ? errno : ENODEV);
  return Num(env, index);
}

// ifIndexToName(index) -> name | -errno (ENXIO when there is no such interface)
Napi::Value IfIndexToName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) return Fail(env, EINVAL);
  double index = info[0].As<Napi::Number>().DoubleValue();
  if (!(index >= 1 && index <= 4294967295.0)) return Fail(env, ENXIO);
  char name[IF_NAMESIZE + 1];
  if (!if_indextoname(static_cast<unsigned>(index), name)) return Fail(env, errno ? errno : ENXIO);
  return Napi::String::New(env, name);
}

// ifNameIndex() -> [index, name][] | -errno
Napi::Value IfNameIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  struct if_nameindex* list = if_nameindex();
  if (!list) return Fail(env, errno);
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (struct if_nameindex* p = list; p->if_index != 0 && p->if_name != nullptr; ++p) {
    Napi::Array pair = Napi::Array::New(env, 2);
    SetAt(env, pair, 0u, Num(env, p->if_index));
    SetAt(env, pair, 1u, Napi::String::New(env, p->if_name));
    SetAt(env, out, n++, pair);
  }
  if_freenameindex(list);
  return out;
}

Napi::Value Sockaddr(Napi::Env env, const sockaddr* sa) {
  if (!sa) return env.Null();
  socklen_t len;
  switch (sa->sa_family) {
    case AF_INET: len = sizeof(sockaddr_in); break;
    case AF_INET6: len = sizeof(sockaddr_in6); break;
    default: return env.Null();
  }
  sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, sa, len);
  return SockaddrToJs(env, &ss, len);
}

// getifaddrs() -> { name, flags, index, family, address, netmask, broadAddr, hardware?, hardwareType? }[]
//   family is the entry's AF_* number (0 when it has no address).
Napi::Value GetIfAddrs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) < 0) return Fail(env, errno);
  std::map<std::string, unsigned> indexes;
  Napi::Array out = Napi::Array::New(env);
  uint32_t n = 0;
  for (ifaddrs* p = list; p; p = p->ifa_next) {
    Napi::Object entry = Napi::Object::New(env);
    std::string name = p->ifa_name ? p->ifa_name : "";
    auto it = indexes.find(name);
    if (it == indexes.end()) it = indexes.emplace(name, if_nametoindex(name.c_str())).first;
    SetNamed(env, entry, "name", Napi::String::New(env, name));
    SetNamed(env, entry, "flags", Num(env, p->ifa_flags));
    SetNamed(env, entry, "index", Num(env, it->second));
    SetNamed(env, entry, "family", Num(env, p->ifa_addr ? p->ifa_addr->sa_family : 0));
    SetNamed(env, entry, "address", Sockaddr(env, p->ifa_addr));
    SetNamed(env, entry, "netmask", Sockaddr(env, p->ifa_netmask));
    SetNamed(env, entry, "broadAddr", Sockaddr(env, p->ifa_broadaddr));
#ifdef __linux__
    if (p->ifa_addr && p->ifa_addr->sa_family == AF_PACKET) {
      auto* ll = reinterpret_cast<const sockaddr_ll*>(p->ifa_addr);
      size_t halen = ll->sll_halen;
      if (halen > sizeof(ll->sll_addr)) halen = sizeof(ll->sll_addr);
      SetNamed(env, entry, "hardware", CopyBuffer(env, ll->sll_addr, halen));
      SetNamed(env, entry, "hardwareType", Num(env, ll->sll_hatype));
      if (ll->sll_ifindex > 0) SetNamed(env, entry, "index", Num(env, ll->sll_ifindex));
    }
#endif
    SetAt(env, out, n++, entry);
  }
  freeifaddrs(list);
  return out;
}

// interfaceMtu(name) -> mtu | -errno (SIOCGIFMTU on a throwaway datagram socket)
Napi::Value InterfaceMtu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!NameArg(info, &name)) return Fail(env, ENODEV);
#ifdef SIOCGIFMTU
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(env, errno);
  ifreq req;
  memset(&req, 0, sizeof(req));
  memcpy(req.ifr_name, name.c_str(), name.size());
  int rc = ioctl(fd, SIOCGIFMTU, &req);
  int err = errno;
  close(fd);
  if (rc < 0) return Fail(env, err);
  return Num(env, req.ifr_mtu);
#else
  return Fail(env, ENOSYS);
#endif
}

}  // namespace

#define IFF(name) consts.Set(#name, Napi::Number::New(env, name))

void InitInterfaces(Napi::Env env, Napi::Object exports) {
  exports.Set("ifNameToIndex", Napi::Function::New(env, IfNameToIndex, "ifNameToIndex"));
  exports.Set("ifIndexToName", Napi::Function::New(env, IfIndexToName, "ifIndexToName"));
  exports.Set("ifNameIndex", Napi::Function::New(env, IfNameIndex, "ifNameIndex"));
  exports.Set("getifaddrs", Napi::Function::New(env, GetIfAddrs, "getifaddrs"));
  exports.Set("interfaceMtu", Napi::Function::New(env, InterfaceMtu, "interfaceMtu"));
  Napi::Object consts = Napi::Object::New(env);
  IFF(IFF_UP); IFF(IFF_BROADCAST); IFF(IFF_DEBUG); IFF(IFF_LOOPBACK); IFF(IFF_POINTOPOINT); IFF(IFF_RUNNING);
  IFF(IFF_NOARP); IFF(IFF_PROMISC); IFF(IFF_ALLMULTI); IFF(IFF_MULTICAST);
#ifdef IFF_NOTRAILERS
  IFF(IFF_NOTRAILERS);
#endif
#ifdef __linux__
  IFF(IFF_MASTER); IFF(IFF_SLAVE); IFF(IFF_PORTSEL); IFF(IFF_AUTOMEDIA); IFF(IFF_DYNAMIC);
  // <linux/if.h> has these but conflicts with <net/if.h>; the values are the kernel ABI.
  consts.Set("IFF_LOWER_UP", Napi::Number::New(env, 1 << 16));
  consts.Set("IFF_DORMANT", Napi::Number::New(env, 1 << 17));
  consts.Set("IFF_ECHO", Napi::Number::New(env, 1 << 18));
  IFF(AF_PACKET);
#endif
  exports.Set("interfaceConstants", consts);
}

}  // namespace iolib
