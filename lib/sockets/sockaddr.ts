/**
 * Addresses between iolib's value objects and the native core's plain sockaddr form.
 * @internal
 * @module
 */
import { Ipv6Address, LocalAddress, type InetAddress } from '../address/index.js';
import { lookupInterface } from '../dns/interfaces.js';
import { inetAddressFromBytes } from '../address/sockaddr.js';
export { inetAddressFromBytes, inetSockaddr } from '../address/sockaddr.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { invalidArgValue, outOfRange } from '../internal/validate.js';
import { C } from '../native.js';

const SUN_PATH_MAX = C.sockaddrUnPathMax!;

/**
 * A local (Unix) socket name as native arguments: the abstract namespace has a leading NUL.
 * A filesystem name holding a NUL is refused: the kernel would use the part before it.
 */
export function localSockaddr(filename: string, abstract: boolean, name = 'filename'): Sockaddr {
  if (!abstract && filename.includes('\0')) throw invalidArgValue(name, filename, 'must not contain NUL bytes (only abstract names may)');
  const path = Buffer.from(filename);
  const bytes = abstract ? Buffer.concat([Buffer.alloc(1), path]) : path;
  if (bytes.length > SUN_PATH_MAX) throw outOfRange(name, `at most ${SUN_PATH_MAX - (abstract ? 1 : 0)} bytes long (sockaddr_un's sun_path)`, `${path.length} bytes`);
  return [1, bytes, 0, 0];
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
  return { address: nodeAddressText(name.host), family: name.host.type === 'ipv6' ? 'IPv6' : 'IPv4', port: name.port };
}

/**
 * An address as node:net's members print it: a scoped IPv6 address names its interface
 * (`fe80::1%eth0`), where the address's own text, read from the kernel, gives its index.
 */
export function nodeAddressText(host: InetAddress): string {
  const text = host.toString();
  if (!(host instanceof Ipv6Address) || host.scopeId === 0) return text;
  let name: string;
  try {
    name = lookupInterface(host.scopeId).name;
  } catch {
    return text; // an interface gone meanwhile: its index is all there is
  }
  return `${text.slice(0, text.indexOf('%'))}%${name}`;
}

/** Decodes a native sockaddr into an internet or local name; null when unnamed. */
export function decodeSockaddr([family, bytes, port, scopeId]: Sockaddr): InetName | LocalName | null {
  if (family === 4 || family === 6) return { host: inetAddressFromBytes(bytes, scopeId), port };
  if (family === 1) return decodeLocalPath(bytes);
  return null;
}

/** Where a call went, for its error: `address` and `port`, or `address` and `path` (local). */
export type Endpoint = { address: string; port: number } | { address: string; path: string };

/** The endpoint native sockaddr arguments name (abstract names print with a leading '@'). */
export function endpointOf([family, bytes, port, scopeId]: Sockaddr): Endpoint {
  if (family === 1) {
    const name = decodeLocalPath(bytes);
    const text = name.abstract ? `@${name.filename}` : name.filename;
    return { address: text, path: text };
  }
  return { address: inetAddressFromBytes(bytes, scopeId).toString(), port };
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
