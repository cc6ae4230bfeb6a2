/**
 * The typed view of the addon's name-database functions (native/resolver.cc,
 * native/databases.cc, native/interfaces.cc).
 * @internal
 * @module
 */
import { native } from '../native.js';
import type { Sockaddr } from '../internal/sockaddr.js';

/** A servent: [name, port, protocol, aliases]. */
export type RawServent = [name: string, port: number, protocol: string, aliases: string[]];
/** A protoent: [name, number, aliases]. */
export type RawProtoent = [name: string, number: number, aliases: string[]];

/** One getaddrinfo result: [family, socktype, protocol, address, canonicalName]. */
export type RawAddrinfo = [family: number, type: number, protocol: number, address: Sockaddr, canonicalName: string | null];

/** A resolver answer: eai 0 and the data, or an EAI code (and errno for EAI_SYSTEM). */
export interface ResolverResult<T> {
  eai: number;
  errno?: number;
  value?: T;
}

/** One getifaddrs entry. */
export interface RawIfaddr {
  name: string;
  flags: number;
  /** Index from if_nametoindex, 0 when unknown. */
  index: number;
  /** The entry's AF_* number (0 when it has no address). */
  family: number;
  address: Sockaddr | null;
  netmask: Sockaddr | null;
  /** Broadcast address (IFF_BROADCAST) or the peer's (IFF_POINTOPOINT). */
  broadAddr: Sockaddr | null;
  /** AF_PACKET entries: the hardware address bytes and ARPHRD type. */
  hardware?: Buffer;
  hardwareType?: number;
}

/** The addon's name-database functions. Negative numbers are -errno. */
export interface DnsNative {
  getservbyname(name: string, protocol: string | null): RawServent | null | number;
  getservbyport(port: number, protocol: string | null): RawServent | null | number;
  getprotobyname(name: string): RawProtoent | null | number;
  getprotobynumber(number: number): RawProtoent | null | number;
  getaddrinfo(node: string | null, service: string | null, family: number, type: number, protocol: number, flags: number): Promise<ResolverResult<RawAddrinfo[]>>;
  getnameinfo(family: number, bytes: Uint8Array, port: number, scopeId: number, flags: number): Promise<ResolverResult<[host: string, service: string]>>;
  gaiStrerror(eai: number): string;
  resolverConstants: Record<string, number>;
  ifIndexToName(index: number): string | number;
  ifNameIndex(): [index: number, name: string][] | number;
  getifaddrs(): RawIfaddr[] | number;
  interfaceMtu(name: string): number;
  interfaceConstants: Record<string, number>;
}

/** The addon, seen through {@link DnsNative}. */
export const dnsNative = native as unknown as DnsNative;

