/**
 * Address predicates (IOLib's address-predicates.lisp and `inet-address-private-p`).
 *
 * The inet predicates take an {@link InetAddress} or any internet designator (text, uint32,
 * vector); a {@link LocalAddress} is none of these kinds and answers false (IOLib signals
 * no-applicable-method). They follow the RFCs, which in several places is broader or more exact
 * than IOLib's checks; each function says where. IPv4-mapped IPv6 addresses are IPv6 addresses
 * here: `isLoopback('::ffff:127.0.0.1')` is false; map them down with
 * {@link mapIpv6AddressToIpv4} to ask about the IPv4 address.
 * @module
 */
import { invalidArgType } from '../internal/validate.js';
import { Address, InetAddress, Ipv4Address, Ipv6Address, LocalAddress, ipv4Bytes, ipv6Words } from './address.js';
import type { AddressType } from './address.js';
import { requireInetAddress } from './designators.js';
import type { Ipv6MulticastType, Ipv6UnicastType } from './kinds.js';
import {
  ipv6MulticastKind,
  ipv6UnicastKind,
  v4Broadcast,
  v4Loopback,
  v4Multicast,
  v4Private,
  v4Unspecified,
  v6GlobalUnicast,
  v6Ipv4Mapped,
  v6LinkLocalUnicast,
  v6Loopback,
  v6MulticastScope,
  v6Multicast,
  v6SiteLocalUnicast,
  v6SolicitedNodeMulticast,
  v6TransientMulticast,
  v6UniqueLocalUnicast,
  v6Unspecified,
} from './kinds.js';

export type { Ipv6MulticastType, Ipv6UnicastType } from './kinds.js';

/** What {@link inetAddressType} returns. */
export interface InetAddressType {
  /** `'ipv4'` or `'ipv6'`. */
  protocol: 'ipv4' | 'ipv6';
  /**
   * `'unspecified'`, `'loopback'`, `'multicast'` or `'unicast'`; and `'broadcast'` for the IPv4
   * limited broadcast 255.255.255.255, which is none of the others.
   */
  kind: 'unspecified' | 'loopback' | 'multicast' | 'unicast' | 'broadcast';
  /** IPv6 only: {@link ipv6UnicastType} or {@link ipv6MulticastType} of the address. */
  subtype?: Ipv6UnicastType | Ipv6MulticastType;
}

// ---- type predicates (objects only, as IOLib's) ----

/** IOLib's `addressp`: true for an {@link Address} object (not for text or vectors). */
export function isAddress(x: unknown): x is Address {
  return x instanceof Address;
}

/** IOLib's `inet-address-p`: true for an {@link InetAddress} object. */
export function isInetAddress(x: unknown): x is InetAddress {
  return x instanceof InetAddress;
}

/** IOLib's `ipv4-address-p`: true for an {@link Ipv4Address} object. */
export function isIpv4Address(x: unknown): x is Ipv4Address {
  return x instanceof Ipv4Address;
}

/** IOLib's `ipv6-address-p`: true for an {@link Ipv6Address} object. */
export function isIpv6Address(x: unknown): x is Ipv6Address {
  return x instanceof Ipv6Address;
}

/** IOLib's `local-address-p`: true for a {@link LocalAddress} object. */
export function isLocalAddress(x: unknown): x is LocalAddress {
  return x instanceof LocalAddress;
}

/** IOLib's `abstract-address-p`: true for a LocalAddress in Linux's abstract namespace. */
export function isAbstractAddress(x: unknown): x is LocalAddress {
  return x instanceof LocalAddress && x.abstract;
}

/** IOLib's `address-type`: `'ipv4'`, `'ipv6'` or `'local'` for an Address object, else null. */
export function addressType(x: unknown): AddressType | null {
  return x instanceof Address ? x.type : null;
}

// ---- inet predicates ----

/** An inet address for a predicate, or null for a LocalAddress. */
function inet(x: unknown): InetAddress | null {
  if (x instanceof InetAddress) return x;
  if (x instanceof LocalAddress) return null;
  return requireInetAddress(x);
}

/** An IPv6 address's words for an IPv6-only predicate, or null for anything else that is valid. */
function v6(x: unknown): Uint16Array | null {
  const a = inet(x);
  return a instanceof Ipv6Address ? ipv6Words(a) : null;
}

/** What the inet predicates accept. */
export type PredicateArgument = Address | string | number | Uint8Array | Uint16Array;

/**
 * IOLib's `inet-address-unspecified-p`: 0.0.0.0 or ::.
 * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
 */
export function isUnspecified(address: PredicateArgument): boolean {
  const a = inet(address);
  return a !== null && a.isUnspecified();
}

/**
 * IOLib's `inet-address-loopback-p`: 127.0.0.0/8 (RFC 1122 3.2.1.3) or ::1 (RFC 4291).
 * IOLib only recognises 127.0.0.1 itself.
 * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
 */
export function isLoopback(address: PredicateArgument): boolean {
  const a = inet(address);
  return a !== null && a.isLoopback();
}

/**
 * IOLib's `inet-address-multicast-p`: 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291). IOLib
 * tests the IPv4 top three bits, which wrongly takes in 240.0.0.0/4 and 255.255.255.255.
 * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
 */
export function isMulticast(address: PredicateArgument): boolean {
  const a = inet(address);
  return a !== null && a.isMulticast();
}

/**
 * IOLib's `inet-address-unicast-p`: an address that is not unspecified, loopback or multicast
 * (and, for IPv4, not the limited broadcast 255.255.255.255). Like IOLib, the loopback
 * addresses are counted as their own kind, not as unicast; link-local addresses are unicast.
 * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
 */
export function isUnicast(address: PredicateArgument): boolean {
  const a = inet(address);
  return a !== null && a.isUnicast();
}

/**
 * IOLib's `inet-address-private-p`: for IPv4 the RFC 1918 blocks 10.0.0.0/8, 172.16.0.0/12 and
 * 192.168.0.0/16; for IPv6 (where IOLib always answers false) the unique local addresses
 * fc00::/7 (RFC 4193), IPv6's counterpart. Link-local, loopback and shared (100.64.0.0/10)
 * addresses are not private in this sense. False for a LocalAddress.
 * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
 */
export function isPrivate(address: PredicateArgument): boolean {
  const a = inet(address);
  if (a instanceof Ipv4Address) return v4Private(ipv4Bytes(a));
  if (a instanceof Ipv6Address) return v6UniqueLocalUnicast(ipv6Words(a));
  return false;
}

/**
 * IOLib's `inet-address-type`: `{ protocol, kind, subtype? }` where `subtype` is, for IPv6
 * unicast and multicast addresses, {@link ipv6UnicastType} / {@link ipv6MulticastType}.
 * `kind` is `'broadcast'` for 255.255.255.255 (IOLib calls it multicast).
 * @example inetAddressType('fe80::1') // { protocol: 'ipv6', kind: 'unicast', subtype: 'link-local' }
 * @throws TypeError for a LocalAddress or a non-designator; AddressParseError for an invalid one.
 */
export function inetAddressType(address: PredicateArgument): InetAddressType {
  const a = inet(address);
  if (a instanceof Ipv4Address) {
    const b = ipv4Bytes(a);
    const kind = v4Unspecified(b)
      ? 'unspecified'
      : v4Loopback(b)
        ? 'loopback'
        : v4Multicast(b)
          ? 'multicast'
          : v4Broadcast(b)
            ? 'broadcast'
            : 'unicast';
    return { protocol: 'ipv4', kind };
  }
  if (a instanceof Ipv6Address) {
    const w = ipv6Words(a);
    if (v6Unspecified(w)) return { protocol: 'ipv6', kind: 'unspecified' };
    if (v6Loopback(w)) return { protocol: 'ipv6', kind: 'loopback' };
    if (v6Multicast(w)) return { protocol: 'ipv6', kind: 'multicast', subtype: ipv6MulticastKind(w)! };
    return { protocol: 'ipv6', kind: 'unicast', subtype: ipv6UnicastKind(w)! };
  }
  throw invalidArgType('address', 'an internet address', address);
}

// ---- IPv6 kinds ----

/**
 * IOLib's `ipv6-multicast-type`: the scope of an IPv6 multicast address (RFC 4291 2.7):
 * `'interface-local'` (1), `'link-local'` (2), `'admin-local'` (4), `'site-local'` (5),
 * `'organization-local'` (8), `'global'` (e), `'reserved'` (0, 3, f; RFC 7346 has since named 3
 * realm-local) or `'unassigned'` (6, 7, 9–d). Null when not an IPv6 multicast address (IOLib
 * fails for IPv4 addresses).
 */
export function ipv6MulticastType(address: PredicateArgument): Ipv6MulticastType | null {
  const w = v6(address);
  return w === null ? null : ipv6MulticastKind(w);
}

/**
 * IOLib's `ipv6-unicast-type`, most specific first: `'ipv4-mapped'` (::ffff:0:0/96),
 * `'link-local'` (fe80::/10), `'site-local'` (fec0::/10, deprecated), `'unique-local'`
 * (fc00::/7), else `'global'`. IOLib has only link-local (fe80::/16 exactly), site-local and
 * global; the IPv4-mapped and unique-local types are additions. Null when not an IPv6 unicast
 * address (unspecified, loopback and multicast are not unicast).
 */
export function ipv6UnicastType(address: PredicateArgument): Ipv6UnicastType | null {
  const w = v6(address);
  return w === null ? null : ipv6UnicastKind(w);
}

function scopeIs(address: PredicateArgument, scopes: readonly number[]): boolean {
  const w = v6(address);
  return w !== null && scopes.includes(v6MulticastScope(w));
}

/**
 * IOLib's `ipv6-ipv4-mapped-p`: ::ffff:0:0/96 (RFC 4291 2.5.5.2). False for anything not IPv6.
 */
export function isIpv6Ipv4Mapped(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6Ipv4Mapped(w);
}

/**
 * IOLib's `ipv6-link-local-unicast-p`: fe80::/10 (RFC 4291 2.5.6). IOLib only matches a first
 * group of exactly fe80. False for anything not IPv6 (IOLib fails).
 */
export function isIpv6LinkLocalUnicast(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6LinkLocalUnicast(w);
}

/**
 * IOLib's `ipv6-site-local-unicast-p`: fec0::/10 (RFC 3513; deprecated by RFC 3879). IOLib only
 * matches a first group of exactly fec0. False for anything not IPv6.
 */
export function isIpv6SiteLocalUnicast(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6SiteLocalUnicast(w);
}

/**
 * IOLib's `ipv6-global-unicast-p`: as RFC 4291 2.4 defines Global Unicast, every address that
 * is not unspecified, loopback, multicast or link-local (fe80::/10). Site-local, unique-local
 * and IPv4-mapped addresses are global unicast by this definition, as in IOLib;
 * {@link ipv6UnicastType} names them more precisely. False for anything not IPv6.
 */
export function isIpv6GlobalUnicast(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6GlobalUnicast(w);
}

/** IOLib's `ipv6-interface-local-multicast-p`: ff01::/16 with any flags (scope 1). */
export function isIpv6InterfaceLocalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x1]);
}

/** IOLib's `ipv6-link-local-multicast-p`: ff02::/16 with any flags (scope 2). */
export function isIpv6LinkLocalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x2]);
}

/** IOLib's `ipv6-admin-local-multicast-p`: ff04::/16 with any flags (scope 4). */
export function isIpv6AdminLocalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x4]);
}

/** IOLib's `ipv6-site-local-multicast-p`: ff05::/16 with any flags (scope 5). */
export function isIpv6SiteLocalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x5]);
}

/** IOLib's `ipv6-organization-local-multicast-p`: ff08::/16 with any flags (scope 8). */
export function isIpv6OrganizationLocalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x8]);
}

/** IOLib's `ipv6-global-multicast-p`: ff0e::/16 with any flags (scope e). */
export function isIpv6GlobalMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0xe]);
}

/**
 * IOLib's `ipv6-reserved-multicast-p`: multicast scope 0, 3 or f (RFC 4291 2.7; scope 3 is
 * realm-local since RFC 7346, kept reserved here as in IOLib).
 */
export function isIpv6ReservedMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x0, 0x3, 0xf]);
}

/** IOLib's `ipv6-unassigned-multicast-p`: multicast scope 6, 7, 9, a, b, c or d. */
export function isIpv6UnassignedMulticast(address: PredicateArgument): boolean {
  return scopeIs(address, [0x6, 0x7, 0x9, 0xa, 0xb, 0xc, 0xd]);
}

/**
 * IOLib's `ipv6-transient-multicast-p`: a multicast address with the T flag set (ff10::/12,
 * RFC 4291 2.7): not permanently assigned by IANA.
 */
export function isIpv6TransientMulticast(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6TransientMulticast(w);
}

/**
 * IOLib's `ipv6-solicited-node-multicast-p`: ff02::1:ff00:0/104 (RFC 4291 2.7.1). IOLib does
 * not check that groups 2–5 are zero; this does.
 */
export function isIpv6SolicitedNodeMulticast(address: PredicateArgument): boolean {
  const w = v6(address);
  return w !== null && v6SolicitedNodeMulticast(w);
}
