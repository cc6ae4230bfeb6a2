/**
 * The address classes (IOLib's `address`, `inet-address`, `ipv4-address`, `ipv6-address`,
 * `local-address`).
 *
 * Addresses are immutable value objects. Their state is private; `name` returns a fresh copy
 * of the vector on every access (one small allocation), so no caller — and in particular no
 * user of the frozen constants such as {@link IPV4_LOOPBACK} — can change an address in place.
 * Compare addresses with {@link Address.equals}, never with `===`.
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType, invalidArgValue, validateBoolean, validateInteger, validateString } from '../internal/validate.js';
import { bytesToInteger, formatIpv4, integerToBytes, parseIpv4, toIpv4Vector, validateIpv4Integer } from './ipv4.js';
import { formatIpv6, toIpv6Vector } from './ipv6.js';
import { v4Loopback, v4Multicast, v4Unicast, v4Unspecified, v6Loopback, v6Multicast, v6Unicast, v6Unspecified } from './kinds.js';
import { parseScopedIpv6 } from './zone.js';

/** What {@link Address.type} and {@link addressType} answer. */
export type AddressType = 'ipv4' | 'ipv6' | 'local';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * IOLib's `address`: the base class of every socket address. Abstract: make instances with
 * the subclasses' constructors, {@link makeAddress} or {@link ensureAddress}.
 */
export abstract class Address {
  /** `'ipv4'`, `'ipv6'` or `'local'`. */
  abstract get type(): AddressType;
  /** The address as text (IOLib's `address-to-string`). */
  abstract toString(): string;
  /**
   * True when `other` is an address of the same class with the same vector (and, for IPv6,
   * the same scope id; for local addresses, the same `abstract` flag). An IPv4 address never
   * equals its IPv4-mapped IPv6 form.
   */
  abstract equals(other: unknown): boolean;
  /** A new address equal to this one (IOLib's `copy-address`). */
  abstract copy(): Address;
  /** `JSON.stringify` gives the text form. */
  toJSON(): string {
    return this.toString();
  }
  /** `util.inspect` shows the class and the text form. */
  [INSPECT](): string {
    return `${this.constructor.name}<${this.toString()}>`;
  }
}

/**
 * IOLib's `inet-address`: the base class of {@link Ipv4Address} and {@link Ipv6Address}.
 */
export abstract class InetAddress extends Address {
  abstract override get type(): 'ipv4' | 'ipv6';
  /** The address vector: a fresh copy on every access. */
  abstract get name(): Uint8Array | Uint16Array;
  abstract override copy(): InetAddress;
  /** See {@link isLoopback}: 127.0.0.0/8 or ::1. */
  abstract isLoopback(): boolean;
  /** See {@link isMulticast}: 224.0.0.0/4 or ff00::/8. */
  abstract isMulticast(): boolean;
  /** See {@link isUnicast}. */
  abstract isUnicast(): boolean;
  /** See {@link isUnspecified}: 0.0.0.0 or ::. */
  abstract isUnspecified(): boolean;
}

let ipv4Raw: (a: Ipv4Address) => Uint8Array;
let ipv6Raw: (a: Ipv6Address) => Uint16Array;

/**
 * IOLib's `ipv4-address`. `name` is its 4 bytes in network order.
 * @example new Ipv4Address(new Uint8Array([127, 0, 0, 1])).toString() // '127.0.0.1'
 */
export class Ipv4Address extends InetAddress {
  readonly #bytes: Uint8Array;

  /**
   * @param bytes a `Uint8Array` of length 4 (or an array of 4 bytes); it is copied.
   * @throws TypeError / RangeError for anything else.
   */
  constructor(bytes: Uint8Array | readonly number[]) {
    super();
    this.#bytes = toIpv4Vector(bytes, 'bytes');
  }

  static {
    ipv4Raw = (a) => a.#bytes;
  }

  /**
   * Parses strict dotted-quad text (as `inet_pton`).
   * @throws AddressParseError when the text is not an IPv4 address; TypeError when not a string.
   */
  static fromString(text: string): Ipv4Address {
    validateString(text, 'text');
    const v = parseIpv4(text);
    if (v === null) throw new AddressParseError(text, `Invalid IPv4 address: ${JSON.stringify(text)}`);
    return new Ipv4Address(v);
  }

  /**
   * The address whose uint32 value is `integer` (`0x7f000001` is 127.0.0.1).
   * @throws TypeError unless a number; RangeError unless an integer in 0..MAX_IPV4_VALUE.
   */
  static fromInteger(integer: number): Ipv4Address {
    validateIpv4Integer(integer);
    return new Ipv4Address(integerToBytes(integer));
  }

  /** Always `'ipv4'`. */
  override get type(): 'ipv4' {
    return 'ipv4';
  }

  /** The 4 bytes, network order: a fresh copy on every access. */
  override get name(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }

  /** The uint32 value (IOLib's `vector-to-integer` of the name): 0..4294967295. */
  toInteger(): number {
    return bytesToInteger(this.#bytes);
  }

  /** Dotted-quad text. */
  override toString(): string {
    return formatIpv4(this.#bytes);
  }

  override equals(other: unknown): boolean {
    if (!(other instanceof Ipv4Address)) return false;
    const a = this.#bytes;
    const b = other.#bytes;
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
  }

  override copy(): Ipv4Address {
    return new Ipv4Address(this.#bytes);
  }

  override isLoopback(): boolean {
    return v4Loopback(this.#bytes);
  }
  override isMulticast(): boolean {
    return v4Multicast(this.#bytes);
  }
  override isUnicast(): boolean {
    return v4Unicast(this.#bytes);
  }
  override isUnspecified(): boolean {
    return v4Unspecified(this.#bytes);
  }
}

/**
 * IOLib's `ipv6-address`. `name` is its 8 16-bit words, most significant first (the numeric
 * value of each group as written, not network byte order); `scopeId` is the interface index of
 * the zone (0 = none).
 *
 * Text output is RFC 5952; a non-zero scope prints after `%` as the zone text it was parsed
 * from (`fe80::1%eth0` stays `%eth0`, `%2` stays `%2`), else as its number (an address made
 * from a kernel sockaddr): printing never reads the system.
 */
export class Ipv6Address extends InetAddress {
  readonly #words: Uint16Array;
  readonly #scopeId: number;
  readonly #zone: string | null;

  /**
   * @param words a `Uint16Array` of length 8 (or an array of 8 integers 0..65535); it is copied.
   * @param scopeId the zone's interface index, 0 (none) to 2^32 - 1.
   * @param zone the zone as text (an interface name), printed after `%` in place of the number.
   * @throws TypeError / RangeError for a bad vector, scope id or zone.
   */
  constructor(words: Uint16Array | readonly number[], scopeId = 0, zone?: string) {
    super();
    this.#words = toIpv6Vector(words, 'words');
    validateInteger(scopeId, 'scopeId', 0, 0xffffffff);
    if (zone !== undefined) {
      validateString(zone, 'zone');
      if (zone === '' || zone.includes('%')) throw invalidArgValue('zone', zone, 'must be a non-empty zone without %');
    }
    this.#scopeId = scopeId;
    this.#zone = scopeId === 0 ? null : zone ?? null;
  }

  static {
    ipv6Raw = (a) => a.#words;
  }

  /**
   * Parses IPv6 text as `inet_pton` does, plus an optional `%zone`: all digits are the scope id,
   * anything else must name an existing interface (if_nametoindex, when the text is parsed).
   * @example Ipv6Address.fromString('fe80::1%lo').scopeId // 1 on Linux
   * @throws AddressParseError when the text is not an IPv6 address or the zone names no
   *   interface; TypeError when not a string.
   */
  static fromString(text: string): Ipv6Address {
    validateString(text, 'text');
    const r = parseScopedIpv6(text);
    if (r === null) throw new AddressParseError(text, `Invalid IPv6 address: ${JSON.stringify(text)}`);
    return new Ipv6Address(r.words, r.scopeId, r.zone);
  }

  /** Always `'ipv6'`. */
  override get type(): 'ipv6' {
    return 'ipv6';
  }

  /** The 8 words: a fresh copy on every access. */
  override get name(): Uint16Array {
    return new Uint16Array(this.#words);
  }

  /** The zone's interface index; 0 when there is none. */
  get scopeId(): number {
    return this.#scopeId;
  }

  /** RFC 5952 text, with `%zone` when `scopeId` is not 0: the zone's text as parsed, or the number. */
  override toString(): string {
    const s = formatIpv6(this.#words);
    return this.#scopeId === 0 ? s : `${s}%${this.#zone ?? this.#scopeId}`;
  }

  override equals(other: unknown): boolean {
    if (!(other instanceof Ipv6Address) || other.#scopeId !== this.#scopeId) return false;
    const a = this.#words;
    const b = other.#words;
    for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  override copy(): Ipv6Address {
    return new Ipv6Address(this.#words, this.#scopeId, this.#zone ?? undefined);
  }

  override isLoopback(): boolean {
    return v6Loopback(this.#words);
  }
  override isMulticast(): boolean {
    return v6Multicast(this.#words);
  }
  override isUnicast(): boolean {
    return v6Unicast(this.#words);
  }
  override isUnspecified(): boolean {
    return v6Unspecified(this.#words);
  }
}

/**
 * IOLib's `local-address`: a Unix-domain socket address. `name` is the file name, or with
 * `abstract` set, the name in Linux's abstract namespace (without the leading NUL byte).
 * `toString()` gives the name, prefixed with `@` when abstract (as `ss` and `netstat` print
 * them; IOLib prints the name in quotes).
 */
export class LocalAddress extends Address {
  readonly #name: string;
  readonly #abstract: boolean;

  /**
   * @param name the file name (or abstract name).
   * @param abstract true for Linux's abstract namespace.
   * @throws TypeError when `name` is not a string or `abstract` not a boolean.
   */
  constructor(name: string, abstract = false) {
    super();
    validateString(name, 'name');
    validateBoolean(abstract, 'abstract');
    this.#name = name;
    this.#abstract = abstract;
  }

  /** Always `'local'`. */
  override get type(): 'local' {
    return 'local';
  }

  /** The file name or abstract name. */
  get name(): string {
    return this.#name;
  }

  /** True for an address in Linux's abstract namespace (IOLib's `abstract-address-p`). */
  get abstract(): boolean {
    return this.#abstract;
  }

  /** The name, with a leading `@` when abstract. */
  override toString(): string {
    return this.#abstract ? `@${this.#name}` : this.#name;
  }

  override equals(other: unknown): boolean {
    return other instanceof LocalAddress && other.#name === this.#name && other.#abstract === this.#abstract;
  }

  override copy(): LocalAddress {
    return new LocalAddress(this.#name, this.#abstract);
  }
}

/**
 * The live 4 bytes of an Ipv4Address, without a copy. Callers must not modify them.
 * @internal
 */
export function ipv4Bytes(address: Ipv4Address): Uint8Array {
  return ipv4Raw(address);
}

/**
 * The live 8 words of an Ipv6Address, without a copy. Callers must not modify them.
 * @internal
 */
export function ipv6Words(address: Ipv6Address): Uint16Array {
  return ipv6Raw(address);
}

/** Throws TypeError (ERR_INVALID_ARG_TYPE) unless `value` is an Address. @internal */
export function validateAddress(value: unknown, name = 'address'): asserts value is Address {
  if (!(value instanceof Address)) throw invalidArgType(name, 'an instance of Address', value);
}
