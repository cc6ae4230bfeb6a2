/**
 * Making addresses from designators, and the functions that take designators (IOLib's
 * `make-address`, `ensure-address`, `address-to-vector`, `string-address-to-vector`,
 * `address-to-string`, `copy-address`, `address=`, `address-equal-p`,
 * `map-ipv4-address-to-ipv6`, `map-ipv6-address-to-ipv4`).
 *
 * An internet address designator is an {@link InetAddress}, IPv4 or IPv6 text (IPv6 with an
 * optional `%zone` where an address is made), a uint32 number (IPv4), a `Uint8Array` of length
 * 4 or a `Uint16Array` of length 8. A local address designator is a {@link LocalAddress} or a
 * file name.
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType, invalidArgValue, validateBoolean, validateObject, validateOneOf, validateString, show } from '../internal/validate.js';
import { Address, InetAddress, Ipv4Address, Ipv6Address, LocalAddress, ipv4Bytes, ipv6Words, validateAddress } from './address.js';
import { MAX_IPV4_VALUE, integerToBytes, parseIpv4 } from './ipv4.js';
import { parseIpv6 } from './ipv6.js';
import { v6Ipv4Mapped } from './kinds.js';
import { parseScopedIpv6 } from './zone.js';

/** Anything {@link ensureAddress} turns into an internet address. */
export type InetAddressDesignator = InetAddress | string | number | Uint8Array | Uint16Array;

/** Anything {@link ensureAddress} turns into an address of either family. */
export type AddressDesignator = Address | string | number | Uint8Array | Uint16Array;

/** `'internet'` (IPv4 or IPv6) or `'local'` (Unix domain; `'file'` is accepted as a synonym). */
export type AddressFamily = 'internet' | 'local' | 'file';

/** Options of {@link ensureAddress}. */
export interface EnsureAddressOptions {
  /** Which family the designator is read in (default `'internet'`). */
  family?: AddressFamily | undefined;
  /** For `'local'`: make a string an abstract-namespace address (default false). */
  abstract?: boolean | undefined;
  /** Throw on an invalid designator (default true); false returns null instead. */
  errorp?: boolean | undefined;
}

/** What {@link addressToVector} returns. */
export type AddressVector =
  | {
      /** The 4 bytes, network order (a new array). */
      vector: Uint8Array;
      /** The family of the vector. */
      type: 'ipv4';
    }
  | {
      /** The 8 words, most significant first (a new array). */
      vector: Uint16Array;
      /** The family of the vector. */
      type: 'ipv6';
    };

const INET_DESIGNATOR = 'an InetAddress, an address string, a uint32 number, a Uint8Array of length 4 or a Uint16Array of length 8';

/** True for the JS types an internet designator can have. @internal */
export function isInetDesignatorType(x: unknown): boolean {
  return typeof x === 'string' || typeof x === 'number' || x instanceof Uint8Array || x instanceof Uint16Array || x instanceof InetAddress;
}

/**
 * The internet address a designator stands for, or null when it stands for none. Text may
 * carry a `%zone` when `zones` is true.
 * @internal
 */
export function parseInetDesignator(x: unknown, zones = true): InetAddress | null {
  if (x instanceof InetAddress) return x;
  if (typeof x === 'string') {
    const v4 = parseIpv4(x);
    if (v4 !== null) return new Ipv4Address(v4);
    if (zones) {
      const v6 = parseScopedIpv6(x);
      return v6 === null ? null : new Ipv6Address(v6.words, v6.scopeId, v6.zone);
    }
    const w = parseIpv6(x);
    return w === null ? null : new Ipv6Address(w);
  }
  if (typeof x === 'number') {
    return Number.isInteger(x) && x >= 0 && x <= MAX_IPV4_VALUE ? new Ipv4Address(integerToBytes(x)) : null;
  }
  if (x instanceof Uint8Array) return x.length === 4 ? new Ipv4Address(x) : null;
  if (x instanceof Uint16Array) return x.length === 8 ? new Ipv6Address(x) : null;
  return null;
}

/**
 * An internet address from a designator, for functions that take one.
 * @throws TypeError for a value of another type (a LocalAddress included); AddressParseError
 *   for a designator of the right type that names no address.
 * @internal
 */
export function requireInetAddress(x: unknown, name = 'address'): InetAddress {
  if (x instanceof InetAddress) return x;
  if (!isInetDesignatorType(x)) throw invalidArgType(name, INET_DESIGNATOR, x);
  const a = parseInetDesignator(x);
  if (a === null) throw new AddressParseError(x, `Invalid internet address: ${describeDatum(x)}`);
  return a;
}

function describeDatum(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (x instanceof Uint8Array || x instanceof Uint16Array) return `${x.constructor.name}(${x.length}) [${Array.from(x).join(', ')}]`;
  return show(x);
}

/**
 * IOLib's `make-address`: a `Uint8Array` of length 4 makes an {@link Ipv4Address}, a
 * `Uint16Array` of length 8 an {@link Ipv6Address}, a string a {@link LocalAddress}. The vector
 * is copied.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for anything else.
 */
export function makeAddress(name: Uint8Array): Ipv4Address;
export function makeAddress(name: Uint16Array): Ipv6Address;
export function makeAddress(name: string): LocalAddress;
export function makeAddress(name: Uint8Array | Uint16Array | string): Address;
export function makeAddress(name: Uint8Array | Uint16Array | string): Address {
  if (name instanceof Uint8Array && name.length === 4) return new Ipv4Address(name);
  if (name instanceof Uint16Array && name.length === 8) return new Ipv6Address(name);
  if (typeof name === 'string') return new LocalAddress(name);
  throw invalidArgType('name', 'a Uint8Array of length 4, a Uint16Array of length 8 or a string', name);
}

/**
 * IOLib's `ensure-address`: the address a designator stands for.
 *
 * - `family: 'internet'` (default): an {@link InetAddress} is returned as is; a string is read as
 *   strict IPv4 text, else as IPv6 text with an optional `%zone` (digits = scope id, a name =
 *   that interface's index); a uint32 number or a `Uint8Array(4)` makes an IPv4 address, a
 *   `Uint16Array(8)` an IPv6 one.
 * - `family: 'local'` (or `'file'`): a {@link LocalAddress} is returned as is; a string becomes
 *   a LocalAddress (abstract when `abstract` is true).
 *
 * When the designator names no address: with `errorp` (the default) an
 * {@link AddressParseError} is thrown (its `datum` is the designator), else null is returned.
 * A value of a type that can never be a designator of the family (an object, a LocalAddress
 * for `'internet'`, ...) throws TypeError with `errorp`, and gives null without it. Bad options
 * always throw TypeError.
 * @example ensureAddress('::1') // Ipv6Address ::1
 * @example ensureAddress('0127.0.0.1', { errorp: false }) // null
 */
export function ensureAddress(address: unknown, options: { family: 'local' | 'file'; abstract?: boolean; errorp: false }): LocalAddress | null;
export function ensureAddress(address: unknown, options: { family: 'local' | 'file'; abstract?: boolean; errorp?: true }): LocalAddress;
export function ensureAddress(address: unknown, options: { family?: 'internet'; abstract?: boolean; errorp: false }): InetAddress | null;
export function ensureAddress(address: unknown, options?: { family?: 'internet'; abstract?: boolean; errorp?: true }): InetAddress;
export function ensureAddress(address: unknown, options?: EnsureAddressOptions): Address | null;
export function ensureAddress(address: unknown, options?: EnsureAddressOptions): Address | null {
  let family: AddressFamily = 'internet';
  let abstract = false;
  let errorp = true;
  if (options !== undefined) {
    validateObject(options, 'options');
    if (options.family !== undefined) {
      validateOneOf(options.family, 'options.family', ['internet', 'local', 'file'] as const);
      family = options.family;
    }
    if (options.abstract !== undefined) {
      validateBoolean(options.abstract, 'options.abstract');
      abstract = options.abstract;
    }
    if (options.errorp !== undefined) {
      validateBoolean(options.errorp, 'options.errorp');
      errorp = options.errorp;
    }
  }
  if (family === 'internet') {
    if (address instanceof InetAddress) return address;
    if (!isInetDesignatorType(address)) {
      if (!errorp) return null;
      throw invalidArgType('address', INET_DESIGNATOR, address);
    }
    const a = parseInetDesignator(address);
    if (a !== null) return a;
    if (!errorp) return null;
    throw new AddressParseError(address, `Invalid internet address: ${describeDatum(address)}`);
  }
  if (address instanceof LocalAddress) return address;
  if (typeof address === 'string') return new LocalAddress(address, abstract);
  if (!errorp) return null;
  throw invalidArgType('address', 'a LocalAddress or a string', address);
}

/**
 * IOLib's `string-address-to-vector`: strict IPv4 text to a `Uint8Array(4)`, IPv6 text to a
 * `Uint16Array(8)`, anything else (a `%zone` included) to null.
 * @throws TypeError when `address` is not a string.
 */
export function stringAddressToVector(address: string): Uint8Array | Uint16Array | null {
  validateString(address, 'address');
  return parseIpv4(address) ?? parseIpv6(address);
}

/**
 * IOLib's `address-to-vector`: `{ vector, type }` for a uint32 number, IPv4 or IPv6 text (no
 * zone), a `Uint8Array(4)`, a `Uint16Array(8)` or an {@link InetAddress} (whose scope id is not
 * part of the vector); null for anything else. The vector is always a new array.
 */
export function addressToVector(address: unknown): AddressVector | null {
  if (address instanceof Ipv4Address) return { vector: address.name, type: 'ipv4' };
  if (address instanceof Ipv6Address) return { vector: address.name, type: 'ipv6' };
  if (typeof address === 'string') {
    const v4 = parseIpv4(address);
    if (v4 !== null) return { vector: v4, type: 'ipv4' };
    const v6 = parseIpv6(address);
    return v6 === null ? null : { vector: v6, type: 'ipv6' };
  }
  if (typeof address === 'number') {
    return Number.isInteger(address) && address >= 0 && address <= MAX_IPV4_VALUE ? { vector: integerToBytes(address), type: 'ipv4' } : null;
  }
  if (address instanceof Uint8Array && address.length === 4) return { vector: new Uint8Array(address), type: 'ipv4' };
  if (address instanceof Uint16Array && address.length === 8) return { vector: new Uint16Array(address), type: 'ipv6' };
  return null;
}

/**
 * IOLib's `address-to-string`: the text form of an address (dotted quad; RFC 5952 with
 * `%zone`; a file name, `@name` when abstract). Same as `address.toString()`.
 * @throws TypeError unless `address` is an Address.
 */
export function addressToString(address: Address): string {
  validateAddress(address);
  return address.toString();
}

/**
 * IOLib's `copy-address`: a new address equal to `address`.
 * @throws TypeError unless `address` is an Address.
 */
export function copyAddress<T extends Address>(address: T): T {
  validateAddress(address);
  return address.copy() as T;
}

/**
 * IOLib's `address=`: true when two addresses are equal (see {@link Address.equals}). Unlike
 * IOLib this also compares the IPv6 scope id and the local `abstract` flag, and answers false
 * (rather than failing) for addresses of different classes.
 * @throws TypeError unless both are Address objects.
 */
export function addressEquals(a: Address, b: Address): boolean {
  validateAddress(a, 'a');
  validateAddress(b, 'b');
  return a.equals(b);
}

/**
 * IOLib's `address-equal-p`: true when two designators stand for the same address of `family`
 * (default `'internet'`): `addressEqual('127.0.0.1', 0x7f000001)` is true.
 * @throws AddressParseError / TypeError as {@link ensureAddress} does for either designator.
 */
export function addressEqual(a: unknown, b: unknown, family: AddressFamily = 'internet'): boolean {
  validateOneOf(family, 'family', ['internet', 'local', 'file'] as const);
  const x = ensureAddress(a, { family, errorp: true }) as Address;
  const y = ensureAddress(b, { family, errorp: true }) as Address;
  return x.equals(y);
}

/**
 * IOLib's `map-ipv4-address-to-ipv6`: the IPv4-mapped IPv6 address `::ffff:a.b.c.d`.
 * @param address an {@link Ipv4Address} or an IPv4 designator.
 * @throws TypeError unless it is IPv4; AddressParseError for an invalid designator.
 */
export function mapIpv4AddressToIpv6(address: Ipv4Address | string | number | Uint8Array): Ipv6Address {
  const a = requireInetAddress(address);
  if (!(a instanceof Ipv4Address)) throw invalidArgType('address', 'an IPv4 address', address);
  const b = ipv4Bytes(a);
  return new Ipv6Address(new Uint16Array([0, 0, 0, 0, 0, 0xffff, (b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!]));
}

/**
 * IOLib's `map-ipv6-address-to-ipv4`: the IPv4 address inside an IPv4-mapped IPv6 address.
 * @param address an {@link Ipv6Address} or an IPv6 designator.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) unless IPv6; TypeError (ERR_INVALID_ARG_VALUE)
 *   unless IPv4-mapped; AddressParseError for an invalid designator.
 */
export function mapIpv6AddressToIpv4(address: Ipv6Address | string | Uint16Array): Ipv4Address {
  const a = requireInetAddress(address);
  if (!(a instanceof Ipv6Address)) throw invalidArgType('address', 'an IPv6 address', address);
  const w = ipv6Words(a);
  if (!v6Ipv4Mapped(w)) throw invalidArgValue('address', a.toString(), 'must be an IPv4-mapped IPv6 address');
  return new Ipv4Address(new Uint8Array([w[6]! >>> 8, w[6]! & 0xff, w[7]! >>> 8, w[7]! & 0xff]));
}
