/**
 * Address classification on raw vectors, shared by the classes and the public predicates.
 * Definitions follow the RFCs (RFC 1122, 1918, 5771, 919 for IPv4; RFC 4291, 3879, 4193 for
 * IPv6); where IOLib's checks are narrower or wrong the public docs say so.
 * @internal
 * @module
 */

/** IPv6 unicast types, as `ipv6UnicastType()` returns them. */
export type Ipv6UnicastType = 'ipv4-mapped' | 'link-local' | 'site-local' | 'unique-local' | 'global';

/** IPv6 multicast scopes, as `ipv6MulticastType()` returns them. */
export type Ipv6MulticastType =
  | 'interface-local'
  | 'link-local'
  | 'admin-local'
  | 'site-local'
  | 'organization-local'
  | 'global'
  | 'reserved'
  | 'unassigned';

// ---- IPv4 (4 bytes) ----

/** 0.0.0.0 @internal */
export const v4Unspecified = (b: Uint8Array): boolean => b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0;
/** 127.0.0.0/8 (RFC 1122 3.2.1.3) @internal */
export const v4Loopback = (b: Uint8Array): boolean => b[0] === 127;
/** 224.0.0.0/4 (RFC 5771) @internal */
export const v4Multicast = (b: Uint8Array): boolean => (b[0]! & 0xf0) === 0xe0;
/** 255.255.255.255, the limited broadcast (RFC 919) @internal */
export const v4Broadcast = (b: Uint8Array): boolean => b[0] === 255 && b[1] === 255 && b[2] === 255 && b[3] === 255;
/** Neither unspecified, loopback, multicast nor the limited broadcast. @internal */
export const v4Unicast = (b: Uint8Array): boolean => !v4Unspecified(b) && !v4Loopback(b) && !v4Multicast(b) && !v4Broadcast(b);
/** 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) @internal */
export const v4Private = (b: Uint8Array): boolean =>
  b[0] === 10 || (b[0] === 172 && (b[1]! & 0xf0) === 16) || (b[0] === 192 && b[1] === 168);

// ---- IPv6 (8 words) ----

/** :: @internal */
export const v6Unspecified = (w: Uint16Array): boolean => w.every((x) => x === 0);
/** ::1 @internal */
export const v6Loopback = (w: Uint16Array): boolean =>
  w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0 && w[6] === 0 && w[7] === 1;
/** ff00::/8 @internal */
export const v6Multicast = (w: Uint16Array): boolean => (w[0]! & 0xff00) === 0xff00;
/** Neither unspecified, loopback nor multicast. @internal */
export const v6Unicast = (w: Uint16Array): boolean => !v6Multicast(w) && !v6Unspecified(w) && !v6Loopback(w);
/** ::ffff:0:0/96 @internal */
export const v6Ipv4Mapped = (w: Uint16Array): boolean =>
  w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff;
/** fe80::/10 @internal */
export const v6LinkLocalUnicast = (w: Uint16Array): boolean => (w[0]! & 0xffc0) === 0xfe80;
/** fec0::/10 (deprecated by RFC 3879) @internal */
export const v6SiteLocalUnicast = (w: Uint16Array): boolean => (w[0]! & 0xffc0) === 0xfec0;
/** fc00::/7 (RFC 4193) @internal */
export const v6UniqueLocalUnicast = (w: Uint16Array): boolean => (w[0]! & 0xfe00) === 0xfc00;
/** RFC 4291 2.4: every address but unspecified, loopback, multicast and link-local. @internal */
export const v6GlobalUnicast = (w: Uint16Array): boolean => v6Unicast(w) && !v6LinkLocalUnicast(w);

/** The multicast scope nibble, or -1 when not multicast. @internal */
export const v6MulticastScope = (w: Uint16Array): number => (v6Multicast(w) ? w[0]! & 0x000f : -1);
/** The T flag: a transient (not IANA-assigned) group (RFC 4291 2.7). @internal */
export const v6TransientMulticast = (w: Uint16Array): boolean => (w[0]! & 0xff10) === 0xff10;
/** ff02::1:ff00:0/104 (RFC 4291 2.7.1) @internal */
export const v6SolicitedNodeMulticast = (w: Uint16Array): boolean =>
  w[0] === 0xff02 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 1 && (w[6]! & 0xff00) === 0xff00;

const SCOPES: readonly Ipv6MulticastType[] = [
  'reserved', // 0
  'interface-local', // 1
  'link-local', // 2
  'reserved', // 3 (RFC 7346 has since named it realm-local)
  'admin-local', // 4
  'site-local', // 5
  'unassigned', // 6
  'unassigned', // 7
  'organization-local', // 8
  'unassigned', // 9
  'unassigned', // a
  'unassigned', // b
  'unassigned', // c
  'unassigned', // d
  'global', // e
  'reserved', // f
];

/** The multicast scope's name, or null when not multicast. @internal */
export function ipv6MulticastKind(w: Uint16Array): Ipv6MulticastType | null {
  const scope = v6MulticastScope(w);
  return scope < 0 ? null : SCOPES[scope]!;
}

/** The unicast type, most specific first, or null when not unicast. @internal */
export function ipv6UnicastKind(w: Uint16Array): Ipv6UnicastType | null {
  if (!v6Unicast(w)) return null;
  if (v6Ipv4Mapped(w)) return 'ipv4-mapped';
  if (v6LinkLocalUnicast(w)) return 'link-local';
  if (v6SiteLocalUnicast(w)) return 'site-local';
  if (v6UniqueLocalUnicast(w)) return 'unique-local';
  return 'global';
}
