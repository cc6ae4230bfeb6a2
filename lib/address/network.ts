/**
 * IPv4 and IPv6 networks (IOLib's `ipv4-network`, `inet-address-in-network-p`,
 * `inet-addresses-in-same-network-p`; IPv6 networks are an addition).
 *
 * A network is a prefix: an address whose host bits are cleared (IOLib stores the network
 * portion, so `10.1.2.3/16` is `10.1.0.0/16`) and a prefix length. Networks are immutable.
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType } from '../internal/validate.js';
import { Address, InetAddress, Ipv4Address, Ipv6Address, LocalAddress, ipv4Bytes, ipv6Words } from './address.js';
import { isInetDesignatorType, parseInetDesignator, requireInetAddress } from './designators.js';
import { parseIpv4 } from './ipv4.js';
import { parseIpv6 } from './ipv6.js';
import { ipv4MaskBytes, ipv6MaskWords, maskPrefix } from './netmask.js';

/** Either kind of network. */
export type InetNetwork = Ipv4Network | Ipv6Network;

type Family = 'ipv4' | 'ipv6';
type Vec = Uint8Array | Uint16Array;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const PREFIX_TEXT = /^(?:0|[1-9][0-9]{0,2})$/;

function bitsOf(family: Family): 32 | 128 {
  return family === 'ipv4' ? 32 : 128;
}

function familyName(family: Family): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

function parseText(family: Family, text: string): Vec | null {
  return family === 'ipv4' ? parseIpv4(text) : parseIpv6(text);
}

function bad(datum: unknown, family: Family, why: string): AddressParseError {
  const shown = typeof datum === 'string' ? JSON.stringify(datum) : String(datum);
  return new AddressParseError(datum, `Invalid ${familyName(family)} network: ${shown} (${why})`);
}

/** The prefix length a mask text names ('16', or an address mask), or -1. */
function prefixFromText(family: Family, text: string): number {
  if (PREFIX_TEXT.test(text)) {
    const n = Number(text);
    return n <= bitsOf(family) ? n : -1;
  }
  const mask = parseText(family, text);
  return mask === null ? -1 : maskPrefix(mask, family === 'ipv4' ? 8 : 16);
}

/** Why prefixFromText refused `text`. */
function prefixProblem(family: Family, text: string): string {
  if (PREFIX_TEXT.test(text)) return `prefix length must be 0..${bitsOf(family)}`;
  return parseText(family, text) === null ? 'bad netmask' : 'netmask is not contiguous';
}

/** The network vector of an address argument (2-argument form). */
function addressVector(family: Family, address: unknown): Vec {
  const Cls = family === 'ipv4' ? Ipv4Address : Ipv6Address;
  if (address instanceof Address) {
    if (!(address instanceof Cls)) throw invalidArgType('address', `an ${familyName(family)} address`, address);
  } else if (!isInetDesignatorType(address)) {
    throw invalidArgType('address', `an ${familyName(family)} address designator`, address);
  }
  const a = parseInetDesignator(address, false);
  if (!(a instanceof Cls)) throw bad(address, family, `not an ${familyName(family)} address`);
  return a instanceof Ipv4Address ? ipv4Bytes(a) : ipv6Words(a as Ipv6Address);
}

/** The prefix length of a netmask argument (2-argument form). */
function netmaskPrefix(family: Family, netmask: unknown): number {
  const max = bitsOf(family);
  if (typeof netmask === 'number') {
    if (!Number.isInteger(netmask) || netmask < 0 || netmask > max) throw bad(netmask, family, `prefix length must be 0..${max}`);
    return netmask;
  }
  if (netmask instanceof Uint8Array && netmask.length === 4) netmask = new Ipv4Address(netmask);
  else if (netmask instanceof Uint16Array && netmask.length === 8) netmask = new Ipv6Address(netmask);
  if (netmask instanceof Address) {
    if (family === 'ipv4' && netmask instanceof Ipv4Address) {
      const p = maskPrefix(ipv4Bytes(netmask), 8);
      if (p < 0) throw bad(netmask.toString(), family, 'netmask is not contiguous');
      return p;
    }
    if (family === 'ipv6' && netmask instanceof Ipv6Address) {
      const p = maskPrefix(ipv6Words(netmask), 16);
      if (p < 0) throw bad(netmask.toString(), family, 'netmask is not contiguous');
      return p;
    }
    throw invalidArgType('netmask', `an ${familyName(family)} netmask or a prefix length`, netmask);
  }
  if (typeof netmask === 'string') {
    if (family === 'ipv4' && (netmask === 'a' || netmask === 'b' || netmask === 'c')) return { a: 8, b: 16, c: 24 }[netmask];
    const p = prefixFromText(family, netmask);
    if (p < 0) throw bad(netmask, family, prefixProblem(family, netmask));
    return p;
  }
  throw invalidArgType('netmask', `an ${familyName(family)} netmask or a prefix length`, netmask);
}

/** Vector and prefix length of a network from the constructor's arguments, host bits cleared. */
function build(family: Family, address: unknown, netmask: unknown): { vector: Vec; prefix: number } {
  let vector: Vec;
  let prefix: number;
  if (netmask === undefined) {
    if (typeof address !== 'string') {
      throw invalidArgType('address', `a network string ('10.1.0.0/16'), or an address given with a netmask`, address);
    }
    const slash = address.indexOf('/');
    if (slash < 0) throw bad(address, family, 'no /prefix');
    const v = parseText(family, address.slice(0, slash));
    if (v === null) throw bad(address, family, `not an ${familyName(family)} address`);
    prefix = prefixFromText(family, address.slice(slash + 1));
    if (prefix < 0) throw bad(address, family, prefixProblem(family, address.slice(slash + 1)));
    vector = v;
  } else {
    vector = addressVector(family, address);
    prefix = netmaskPrefix(family, netmask);
  }
  const mask = family === 'ipv4' ? ipv4MaskBytes(prefix) : ipv6MaskWords(prefix);
  const out = family === 'ipv4' ? new Uint8Array(4) : new Uint16Array(8);
  for (let i = 0; i < out.length; i++) out[i] = vector[i]! & mask[i]!;
  return { vector: out, prefix };
}

/** True when `vector` has the first `prefix` bits of `network`. */
function matches(vector: Vec, network: Vec, prefix: number, bitsPer: 8 | 16): boolean {
  const full = Math.floor(prefix / bitsPer);
  for (let i = 0; i < full; i++) if (vector[i] !== network[i]) return false;
  const rest = prefix - full * bitsPer;
  if (rest === 0) return true;
  const m = ((1 << bitsPer) - 1) ^ ((1 << (bitsPer - rest)) - 1);
  return (vector[full]! & m) === network[full];
}

/** The address an argument of contains() stands for; null for a LocalAddress. */
function containsArgument(address: unknown): InetAddress | null {
  if (address instanceof LocalAddress) return null;
  return requireInetAddress(address);
}

/**
 * IOLib's `ipv4-network`: an IPv4 prefix.
 * @example new Ipv4Network('10.1.2.3/16').toString() // '10.1.0.0/16'
 * @example new Ipv4Network('10.0.0.0', '255.0.0.0').prefixLength // 8
 */
export class Ipv4Network {
  readonly #address: Ipv4Address;
  readonly #prefix: number;

  /**
   * `new Ipv4Network('10.1.0.0/16')` (the part after `/` may also be a dotted netmask), or
   * `new Ipv4Network(address, netmask)` where `address` is an Ipv4Address or IPv4 designator and
   * `netmask` a prefix length 0..32, a contiguous netmask (Ipv4Address, dotted text or
   * `Uint8Array(4)`) or a class `'a'`/`'b'`/`'c'`. Host bits are cleared.
   * @throws AddressParseError for text without `/prefix`, a bad address or prefix, or a
   *   non-contiguous netmask; TypeError for arguments of the wrong type (an IPv6 address
   *   object included).
   */
  constructor(cidr: string);
  constructor(address: Ipv4Address | string | number | Uint8Array, netmask: Ipv4Address | string | number | Uint8Array);
  constructor(address: Ipv4Address | string | number | Uint8Array, netmask?: Ipv4Address | string | number | Uint8Array) {
    const { vector, prefix } = build('ipv4', address, netmask);
    this.#address = new Ipv4Address(vector as Uint8Array);
    this.#prefix = prefix;
  }

  /** The network address (host bits clear). */
  get address(): Ipv4Address {
    return this.#address;
  }

  /** The netmask (`255.255.0.0` for /16). */
  get netmask(): Ipv4Address {
    return new Ipv4Address(ipv4MaskBytes(this.#prefix));
  }

  /** The prefix length, 0..32 (IOLib's `cidr`). */
  get prefixLength(): number {
    return this.#prefix;
  }

  /** How many addresses the prefix holds, network and broadcast included: 2^(32 - prefix). */
  get addressCount(): number {
    return 2 ** (32 - this.#prefix);
  }

  /**
   * The directed broadcast address: every host bit set. For /31 (RFC 3021, no broadcast) and
   * /32 this is simply the last address of the prefix.
   */
  get broadcast(): Ipv4Address {
    const a = ipv4Bytes(this.#address);
    const m = ipv4MaskBytes(this.#prefix);
    return new Ipv4Address(new Uint8Array([a[0]! | (~m[0]! & 0xff), a[1]! | (~m[1]! & 0xff), a[2]! | (~m[2]! & 0xff), a[3]! | (~m[3]! & 0xff)]));
  }

  /**
   * True when `address` (an Ipv4Address or IPv4 designator) is in this network; false for IPv6
   * (IPv4-mapped ones included) and local addresses.
   * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
   */
  contains(address: Address | string | number | Uint8Array | Uint16Array): boolean {
    const a = containsArgument(address);
    return a instanceof Ipv4Address && matches(ipv4Bytes(a), ipv4Bytes(this.#address), this.#prefix, 8);
  }

  /** IOLib's `ipv4-network=`: same network address and prefix length. */
  equals(other: unknown): boolean {
    return other instanceof Ipv4Network && other.#prefix === this.#prefix && other.#address.equals(this.#address);
  }

  /** `address/prefix`, e.g. `10.1.0.0/16`. */
  toString(): string {
    return `${this.#address.toString()}/${this.#prefix}`;
  }

  /** `JSON.stringify` gives the text form. */
  toJSON(): string {
    return this.toString();
  }

  /** `util.inspect` shows the class and the text form. */
  [INSPECT](): string {
    return `Ipv4Network<${this.toString()}>`;
  }
}

/**
 * An IPv6 prefix (IOLib has no IPv6 network class; this is its counterpart of `ipv4-network`).
 * Networks carry no scope id: a zone in the text is refused, and a scoped address's scope is
 * ignored.
 * @example new Ipv6Network('2001:db8::1/32').toString() // '2001:db8::/32'
 */
export class Ipv6Network {
  readonly #address: Ipv6Address;
  readonly #prefix: number;

  /**
   * `new Ipv6Network('2001:db8::/32')`, or `new Ipv6Network(address, netmask)` where `address`
   * is an Ipv6Address or IPv6 designator and `netmask` a prefix length 0..128 or a contiguous
   * IPv6 netmask (Ipv6Address, text or `Uint16Array(8)`). Host bits are cleared.
   * @throws AddressParseError for text without `/prefix`, a bad address or prefix, or a
   *   non-contiguous netmask; TypeError for arguments of the wrong type.
   */
  constructor(cidr: string);
  constructor(address: Ipv6Address | string | Uint16Array, netmask: Ipv6Address | string | number | Uint16Array);
  constructor(address: Ipv6Address | string | Uint16Array, netmask?: Ipv6Address | string | number | Uint16Array) {
    const { vector, prefix } = build('ipv6', address, netmask);
    this.#address = new Ipv6Address(vector as Uint16Array);
    this.#prefix = prefix;
  }

  /** The network address (host bits clear, no scope). */
  get address(): Ipv6Address {
    return this.#address;
  }

  /** The netmask as an IPv6 address (`ffff:ffff::` for /32). */
  get netmask(): Ipv6Address {
    return new Ipv6Address(ipv6MaskWords(this.#prefix));
  }

  /** The prefix length, 0..128. */
  get prefixLength(): number {
    return this.#prefix;
  }

  /** How many addresses the prefix holds, as a bigint: 2^(128 - prefix). */
  get addressCount(): bigint {
    return 1n << BigInt(128 - this.#prefix);
  }

  /**
   * True when `address` (an Ipv6Address or IPv6 designator; its scope id is ignored) is in this
   * network; false for IPv4 and local addresses.
   * @throws AddressParseError for an invalid designator; TypeError for a non-designator.
   */
  contains(address: Address | string | number | Uint8Array | Uint16Array): boolean {
    const a = containsArgument(address);
    return a instanceof Ipv6Address && matches(ipv6Words(a), ipv6Words(this.#address), this.#prefix, 16);
  }

  /** Same network address and prefix length. */
  equals(other: unknown): boolean {
    return other instanceof Ipv6Network && other.#prefix === this.#prefix && other.#address.equals(this.#address);
  }

  /** `address/prefix` with the address in RFC 5952 text, e.g. `2001:db8::/32`. */
  toString(): string {
    return `${this.#address.toString()}/${this.#prefix}`;
  }

  /** `JSON.stringify` gives the text form. */
  toJSON(): string {
    return this.toString();
  }

  /** `util.inspect` shows the class and the text form. */
  [INSPECT](): string {
    return `Ipv6Network<${this.toString()}>`;
  }
}

/** A network argument: a network object, or CIDR text (IPv6 when it has a colon). */
function toNetwork(network: unknown): InetNetwork {
  if (network instanceof Ipv4Network || network instanceof Ipv6Network) return network;
  if (typeof network === 'string') return network.includes(':') ? new Ipv6Network(network) : new Ipv4Network(network);
  throw invalidArgType('network', 'an Ipv4Network, an Ipv6Network or CIDR text', network);
}

/**
 * IOLib's `inet-address-in-network-p`: true when `address` is in `network` (a network object or
 * CIDR text such as `'10.0.0.0/8'`). An address of the other family is not in the network.
 * @throws AddressParseError for an invalid address or network text; TypeError for bad types.
 */
export function inNetwork(address: Address | string | number | Uint8Array | Uint16Array, network: InetNetwork | string): boolean {
  return toNetwork(network).contains(address);
}

/**
 * IOLib's `inet-addresses-in-same-network-p`: true when both addresses are in `network`.
 * @throws AddressParseError for an invalid address or network text; TypeError for bad types.
 */
export function inSameNetwork(
  address1: Address | string | number | Uint8Array | Uint16Array,
  address2: Address | string | number | Uint8Array | Uint16Array,
  network: InetNetwork | string,
): boolean {
  const n = toNetwork(network);
  const in1 = n.contains(address1);
  const in2 = n.contains(address2);
  return in1 && in2;
}
