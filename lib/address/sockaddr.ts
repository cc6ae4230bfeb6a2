/**
 * Internet addresses to and from the plain sockaddr form the native core takes and answers
 * (family, address bytes, port, scope id): pure conversions, no I/O.
 * @internal
 * @module
 */
import { Ipv4Address, Ipv6Address, type InetAddress } from './address.js';
import type { Sockaddr } from '../internal/sockaddr.js';

/** An internet address and port as native arguments. */
export function inetSockaddr(host: InetAddress, port: number): Sockaddr {
  if (host instanceof Ipv4Address) return [4, host.name, port, 0];
  const v6 = host as Ipv6Address;
  const words = v6.name;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i]! >> 8;
    bytes[2 * i + 1] = words[i]! & 0xff;
  }
  return [6, bytes, port, v6.scopeId];
}

/** Builds the address object for raw address bytes (4 or 16 of them). */
export function inetAddressFromBytes(bytes: Uint8Array, scopeId = 0): InetAddress {
  if (bytes.length === 4) return new Ipv4Address(bytes);
  const words = new Uint16Array(8);
  for (let i = 0; i < 8; i++) words[i] = (bytes[2 * i]! << 8) | bytes[2 * i + 1]!;
  return new Ipv6Address(words, scopeId);
}

