/**
 * Addresses between iolib's value objects and the native core's plain sockaddr form.
 * @internal
 * @module
 */
import { Ipv4Address, Ipv6Address, LocalAddress, type InetAddress } from '../address/index.js';
import type { RawSockaddr } from '../native.js';
import { invalidArgValue } from '../internal/validate.js';

/** The plain form native calls take: family (4, 6, 1), bytes, port, scope id. */
export interface SockaddrArgs {
  family: 4 | 6 | 1;
  bytes: Uint8Array;
  /** The port. */
  port: number;
  scopeId: number;
}

/** An internet address and port as native arguments. */
export function inetSockaddr(host: InetAddress, port: number): SockaddrArgs {
  if (host instanceof Ipv4Address) return { family: 4, bytes: host.name, port, scopeId: 0 };
  const v6 = host as Ipv6Address;
  const words = v6.name;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i]! >> 8;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return { family: 6, bytes, port, scopeId: v6.scopeId };
}

/**
 * A local (Unix) socket name as native arguments: the abstract namespace has a leading NUL.
 * A filesystem name holding a NUL is refused: the kernel would use the part before it.
 */
export function localSockaddr(filename: string, abstract: boolean, name = 'filename'): SockaddrArgs {
  if (!abstract && filename.includes('\0')) throw invalidArgValue(name, filename, 'must not contain NUL bytes (only abstract names may)');
  const path = Buffer.from(filename);
  const bytes = abstract ? Buffer.concat([Buffer.alloc(1), path]) : path;
  return { family: 1, bytes, port: 0, scopeId: 0 };
}

/** An internet socket's name: host and port. */
export interface InetName {
  /** The address. */
  host: InetAddress;
  /** The port. */
  port: number;
}

/** A local socket's name: filename (empty when unnamed) and whether it is abstract. */
export interface LocalName {
  /** The name (the path, or the abstract name without its NUL). */
  filename: string;
  /** True for a name in the Linux abstract namespace. */
  abstract: boolean;
}

/** An internet socket's address as node:net's `address()` gives it. */
export interface NetAddress {
  /** The address as text ('127.0.0.1', '::1'). */
  address: string;
  /** 'IPv4' or 'IPv6'. */
  family: 'IPv4' | 'IPv6';
  /** The port. */
  port: number;
}

/** node:net's form of an internet name. */
export function netAddressOf(name: InetName): NetAddress {
  return { address: name.host.toString(), family: name.host.type === 'ipv6' ? 'IPv6' : 'IPv4', port: name.port };
}

/** Builds the address object for raw address bytes (4 or 16 of them). */
export function inetAddressFromBytes(bytes: Uint8Array, scopeId = 0): InetAddress {
  if (bytes.length === 4) return new Ipv4Address(bytes);
  const words = new Uint16Array(8);
  for (let i = 0; i < 8; i++) words[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  return new Ipv6Address(words, scopeId);
}

/** Decodes a native sockaddr into an internet or local name; null when unnamed. */
export function decodeSockaddr(raw: RawSockaddr): InetName | LocalName | null {
  const [family, bytes, port, scopeId] = raw;
  if (family === 4 || family === 6) return { host: inetAddressFromBytes(bytes, scopeId), port };
  if (family === 1) return decodeLocalPath(bytes);
  return null;
}

/** Where a call went, for its error: `address` and `port`, or `address` and `path` (local). */
export type Endpoint = { address: string; port: number } | { address: string; path: string };

/** The endpoint native sockaddr arguments name (abstract names print with a leading '@'). */
export function endpointOf(sa: SockaddrArgs): Endpoint {
  if (sa.family === 1) {
    const name = decodeLocalPath(sa.bytes);
    const text = name.abstract ? `@${name.filename}` : name.filename;
    return { address: text, path: text };
  }
  return { address: inetAddressFromBytes(sa.bytes, sa.scopeId).toString(), port: sa.port };
}

/** Decodes sun_path bytes: a leading NUL marks the abstract namespace. */
export function decodeLocalPath(bytes: Uint8Array): LocalName {
  if (bytes.length > 0 && bytes[0] === 0) return { filename: Buffer.from(bytes.subarray(1)).toString(), abstract: true };
  return { filename: Buffer.from(bytes).toString(), abstract: false };
}

/** A LocalAddress for a local name. */
export function localAddressOf(name: LocalName): LocalAddress {
  return new LocalAddress(name.filename, name.abstract);
}
