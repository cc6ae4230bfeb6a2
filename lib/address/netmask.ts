/**
 * Netmask arithmetic (IOLib's address-arithmetic.lisp: `make-netmask`, `ensure-netmask`,
 * `inet-address-network-portion`, `inet-address-host-portion`, `inet-address-network-class`).
 * IOLib stops at IPv4; here the portions also work on IPv6 addresses with IPv6 masks (a prefix
 * length up to 128 or an Ipv6Address).
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType, invalidArgValue, validateBoolean, validateInteger, validateObject } from '../internal/validate.js';
import { InetAddress, Ipv4Address, Ipv6Address, ipv4Bytes, ipv6Words } from './address.js';
import { parseInetDesignator, requireInetAddress } from './designators.js';

/** IOLib's network classes by leading bits (RFC 791 classful addressing). */
export type NetworkClass = 'a' | 'b' | 'c' | 'd' | 'e';

/** Options of {@link makeNetmask}: a CIDR prefix length or a class. */
export interface MakeNetmaskOptions {
  /** Prefix length: 0..32 (0..128 with `ipv6`). Takes precedence over `class`, as in IOLib. */
  cidr?: number | undefined;
  /** Classful mask: 'a' = /8, 'b' = /16, 'c' = /24 (IPv4 only). */
  class?: 'a' | 'b' | 'c' | undefined;
  /** Make an IPv6 mask (an Ipv6Address) from `cidr` (default false). */
  ipv6?: boolean | undefined;
}

const CLASS_PREFIX = { a: 8, b: 16, c: 24 } as const;

/** 4 mask bytes for a prefix length 0..32. @internal */
export function ipv4MaskBytes(prefix: number): Uint8Array {
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (0xff00 >>> bits) & 0xff;
  }
  return out;
}

/** 8 mask words for a prefix length 0..128. @internal */
export function ipv6MaskWords(prefix: number): Uint16Array {
  const out = new Uint16Array(8);
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    out[i] = (0xffff0000 >>> bits) & 0xffff;
  }
  return out;
}

/** The prefix length of a contiguous mask vector (8- or 16-bit elements), or -1. @internal */
export function maskPrefix(mask: ArrayLike<number>, bitsPer: 8 | 16): number {
  const full = bitsPer === 8 ? 0xff : 0xffff;
  let prefix = 0;
  let i = 0;
  while (i < mask.length && mask[i] === full) {
    prefix += bitsPer;
    i++;
  }
  if (i < mask.length) {
    const x = mask[i]!;
    // x must be ones followed by zeros: its complement (within bitsPer) must be 2^k - 1.
    const inv = ~x & full;
    if ((inv & (inv + 1)) !== 0) return -1;
    prefix += bitsPer - Math.log2(inv + 1);
    for (i++; i < mask.length; i++) if (mask[i] !== 0) return -1;
  }
  return prefix;
}

/**
 * IOLib's `make-netmask`: `{ cidr: n }` (0..32) or `{ class: 'a' | 'b' | 'c' }` gives the IPv4
 * netmask as an {@link Ipv4Address}; `{ cidr: n, ipv6: true }` (0..128) gives an IPv6 mask as
 * an {@link Ipv6Address}. With both, `cidr` wins (as in IOLib).
 * @example makeNetmask({ cidr: 20 }).toString() // '255.255.240.0'
 * @throws TypeError when neither is given or a value has the wrong type; RangeError for a
 *   prefix out of range.
 */
export function makeNetmask(options: { cidr: number; class?: 'a' | 'b' | 'c'; ipv6?: false } | { class: 'a' | 'b' | 'c'; ipv6?: false }): Ipv4Address;
export function makeNetmask(options: { cidr: number; ipv6: true }): Ipv6Address;
export function makeNetmask(options: MakeNetmaskOptions): Ipv4Address | Ipv6Address;
export function makeNetmask(options: MakeNetmaskOptions): Ipv4Address | Ipv6Address {
  validateObject(options, 'options');
  const ipv6 = options.ipv6 ?? false;
  validateBoolean(ipv6, 'options.ipv6');
  if (options.cidr !== undefined) {
    validateInteger(options.cidr, 'options.cidr', 0, ipv6 ? 128 : 32);
    return ipv6 ? new Ipv6Address(ipv6MaskWords(options.cidr)) : new Ipv4Address(ipv4MaskBytes(options.cidr));
  }
  if (options.class !== undefined) {
    if (ipv6) throw invalidArgValue('options.class', options.class, 'has no meaning for IPv6');
    const cls: unknown = options.class;
    if (cls !== 'a' && cls !== 'b' && cls !== 'c') throw invalidArgValue('options.class', cls, "must be one of 'a', 'b', 'c'");
    return new Ipv4Address(ipv4MaskBytes(CLASS_PREFIX[cls]));
  }
  throw invalidArgValue('options', options, 'must have a cidr or a class');
}

/**
 * IOLib's `ensure-netmask`: an {@link Ipv4Address} (or {@link Ipv6Address}) is returned as is,
 * `'a'`/`'b'`/`'c'` is that class's mask, a number is a CIDR prefix length (0..32), and address
 * text (`'255.255.0.0'`) or a mask vector (`Uint8Array(4)`, `Uint16Array(8)`) is made an address. The mask is not checked for contiguity (as in
 * IOLib); networks do check.
 * @throws TypeError for another type; RangeError for a prefix out of range; AddressParseError for
 *   text that is neither a class nor an address.
 */
export function ensureNetmask(netmask: Ipv4Address | 'a' | 'b' | 'c' | number | Uint8Array): Ipv4Address;
export function ensureNetmask(netmask: Ipv6Address | Uint16Array): Ipv6Address;
export function ensureNetmask(netmask: Ipv4Address | Ipv6Address | number | string | Uint8Array | Uint16Array): Ipv4Address | Ipv6Address;
export function ensureNetmask(netmask: Ipv4Address | Ipv6Address | number | string | Uint8Array | Uint16Array): Ipv4Address | Ipv6Address {
  return netmaskFor(netmask, null, 'netmask');
}

/**
 * A netmask argument for an address of `family` (null: IPv4 unless the mask says otherwise).
 * @internal
 */
export function netmaskFor(netmask: unknown, family: 'ipv4' | 'ipv6' | null, name: string): Ipv4Address | Ipv6Address {
  if (netmask instanceof Ipv4Address || netmask instanceof Ipv6Address) {
    if (family !== null && netmask.type !== family) throw invalidArgType(name, `an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} netmask`, netmask);
    return netmask;
  }
  if (netmask instanceof Uint8Array && netmask.length === 4) return netmaskFor(new Ipv4Address(netmask), family, name);
  if (netmask instanceof Uint16Array && netmask.length === 8) return netmaskFor(new Ipv6Address(netmask), family, name);
  if (typeof netmask === 'number') {
    const v6 = family === 'ipv6';
    validateInteger(netmask, name, 0, v6 ? 128 : 32);
    return v6 ? new Ipv6Address(ipv6MaskWords(netmask)) : new Ipv4Address(ipv4MaskBytes(netmask));
  }
  if (typeof netmask === 'string') {
    if (netmask === 'a' || netmask === 'b' || netmask === 'c') {
      if (family === 'ipv6') throw invalidArgValue(name, netmask, 'is a class, which has no meaning for IPv6');
      return new Ipv4Address(ipv4MaskBytes(CLASS_PREFIX[netmask]));
    }
    const a = parseInetDesignator(netmask, false);
    if (a === null) throw new AddressParseError(netmask, `Invalid netmask: ${JSON.stringify(netmask)}`);
    return netmaskFor(a, family, name);
  }
  throw invalidArgType(name, "an address, a mask vector, a prefix length or one of 'a', 'b', 'c'", netmask);
}

function portion(address: unknown, netmask: unknown, host: boolean): InetAddress {
  const a = requireInetAddress(address);
  const m = netmaskFor(netmask, a.type, 'netmask');
  if (a instanceof Ipv4Address) {
    const av = ipv4Bytes(a);
    const mv = ipv4Bytes(m as Ipv4Address);
    const out = new Uint8Array(4);
    for (let i = 0; i < 4; i++) out[i] = av[i]! & (host ? ~mv[i]! : mv[i]!);
    return new Ipv4Address(out);
  }
  const av = ipv6Words(a as Ipv6Address);
  const mv = ipv6Words(m as Ipv6Address);
  const out = new Uint16Array(8);
  for (let i = 0; i < 8; i++) out[i] = av[i]! & (host ? ~mv[i]! : mv[i]!);
  return new Ipv6Address(out);
}

/**
 * IOLib's `inet-address-network-portion`: `address AND netmask`. The mask is anything
 * {@link ensureNetmask} takes; for an IPv6 address a number is an IPv6 prefix length (0..128)
 * and a mask address or vector must be IPv6 (a `Uint16Array(8)`). The result has no scope id.
 * @example networkPortion('192.168.7.9', 16).toString() // '192.168.0.0'
 * @throws TypeError / RangeError / AddressParseError for bad arguments or mixed families.
 */
export function networkPortion(address: Ipv4Address | string | number | Uint8Array, netmask: Ipv4Address | string | number | Uint8Array): Ipv4Address;
export function networkPortion(address: Ipv6Address | Uint16Array, netmask: Ipv6Address | string | number | Uint16Array): Ipv6Address;
export function networkPortion(address: InetAddress | string | number | Uint8Array | Uint16Array, netmask: InetAddress | string | number | Uint8Array | Uint16Array): InetAddress;
export function networkPortion(address: unknown, netmask: unknown): InetAddress {
  return portion(address, netmask, false);
}

/**
 * IOLib's `inet-address-host-portion`: `address AND NOT netmask`. Arguments as for
 * {@link networkPortion}.
 * @example hostPortion('192.168.7.9', 16).toString() // '0.0.7.9'
 * @throws TypeError / RangeError / AddressParseError for bad arguments or mixed families.
 */
export function hostPortion(address: Ipv4Address | string | number | Uint8Array, netmask: Ipv4Address | string | number | Uint8Array): Ipv4Address;
export function hostPortion(address: Ipv6Address | Uint16Array, netmask: Ipv6Address | string | number | Uint16Array): Ipv6Address;
export function hostPortion(address: InetAddress | string | number | Uint8Array | Uint16Array, netmask: InetAddress | string | number | Uint8Array | Uint16Array): InetAddress;
export function hostPortion(address: unknown, netmask: unknown): InetAddress {
  return portion(address, netmask, true);
}

/**
 * IOLib's `inet-address-network-class`: the classful network class of an IPv4 address by its
 * leading bits: `'a'` (0.0.0.0–127.255.255.255), `'b'` (128–191), `'c'` (192–223), `'d'`
 * (224–239, multicast), `'e'` (240–255).
 * @throws TypeError for an IPv6 address or a non-designator; AddressParseError for an invalid one.
 */
export function networkClass(address: Ipv4Address | string | number | Uint8Array): NetworkClass {
  const a = requireInetAddress(address);
  if (!(a instanceof Ipv4Address)) {
    // An IPv6 address object is of the wrong type; IPv6 text is a string of the wrong value.
    throw typeof address === 'string' ? invalidArgValue('address', address, 'is not an IPv4 address') : invalidArgType('address', 'an IPv4 address', address);
  }
  const b0 = ipv4Bytes(a)[0]!;
  if (b0 < 0x80) return 'a';
  if (b0 < 0xc0) return 'b';
  if (b0 < 0xe0) return 'c';
  if (b0 < 0xf0) return 'd';
  return 'e';
}
