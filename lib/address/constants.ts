/**
 * Well-known addresses (IOLib's `+ipv4-unspecified+` and friends), as frozen Address objects.
 * They cannot be changed: the objects are frozen and an address's `name` is a fresh copy on
 * every access (see {@link Address}). Compare with `equals`, e.g.
 * `address.equals(IPV6_LOOPBACK)`.
 * @module
 */
import { Ipv4Address, Ipv6Address } from './address.js';

export { MAX_IPV4_VALUE } from './ipv4.js';

function v4(a: number, b: number, c: number, d: number): Ipv4Address {
  const address = new Ipv4Address(new Uint8Array([a, b, c, d]));
  Object.freeze(address);
  return address;
}

function v6(...words: number[]): Ipv6Address {
  const address = new Ipv6Address(new Uint16Array(words));
  Object.freeze(address);
  return address;
}

/** The unspecified IPv4 address, 0.0.0.0 (IOLib's `+ipv4-unspecified+`). */
export const IPV4_UNSPECIFIED: Ipv4Address = v4(0, 0, 0, 0);
/** The IPv4 loopback address, 127.0.0.1 (IOLib's `+ipv4-loopback+`). */
export const IPV4_LOOPBACK: Ipv4Address = v4(127, 0, 0, 1);
/** The IPv4 limited broadcast address, 255.255.255.255. */
export const IPV4_BROADCAST: Ipv4Address = v4(255, 255, 255, 255);
/** The unspecified IPv6 address, :: (IOLib's `+ipv6-unspecified+`). */
export const IPV6_UNSPECIFIED: Ipv6Address = v6(0, 0, 0, 0, 0, 0, 0, 0);
/** The IPv6 loopback address, ::1 (IOLib's `+ipv6-loopback+`). */
export const IPV6_LOOPBACK: Ipv6Address = v6(0, 0, 0, 0, 0, 0, 0, 1);
/** Interface-local all-nodes multicast, ff01::1. */
export const IPV6_INTERFACE_LOCAL_ALL_NODES: Ipv6Address = v6(0xff01, 0, 0, 0, 0, 0, 0, 1);
/** Interface-local all-routers multicast, ff01::2. */
export const IPV6_INTERFACE_LOCAL_ALL_ROUTERS: Ipv6Address = v6(0xff01, 0, 0, 0, 0, 0, 0, 2);
/** Link-local all-nodes multicast, ff02::1. */
export const IPV6_LINK_LOCAL_ALL_NODES: Ipv6Address = v6(0xff02, 0, 0, 0, 0, 0, 0, 1);
/** Link-local all-routers multicast, ff02::2. */
export const IPV6_LINK_LOCAL_ALL_ROUTERS: Ipv6Address = v6(0xff02, 0, 0, 0, 0, 0, 0, 2);
/** Site-local all-routers multicast, ff05::2. */
export const IPV6_SITE_LOCAL_ALL_ROUTERS: Ipv6Address = v6(0xff05, 0, 0, 0, 0, 0, 0, 2);
