/**
 * Multicast group membership on internet datagram sockets (ip_mreqn / ipv6_mreq).
 * @internal
 * @module
 */
import { H, C } from '../native.js';
import { Ipv4Address, Ipv6Address, InetAddress, ensureAddress, isMulticast } from '../address/index.js';
import { interfaceIndexOf } from '../internal/interface-index.js';
import { AddressParseError } from '../errors.js';
import { invalidArgType, invalidArgValue, validateObject, show } from '../internal/validate.js';
import { check } from './syscall.js';
import { inetSockaddr } from './sockaddr.js';
import type { ActiveSocketBase } from './active.js';

/** Options of joinMulticastGroup / leaveMulticastGroup. */
export interface MulticastOptions {
  /** The interface: an IPv4 address of it (IPv4 only), its name, or its index. */
  interface?: string | number | InetAddress | undefined;
}

function groupAddress(group: unknown): InetAddress {
  const designator = group instanceof InetAddress || typeof group === 'string' || typeof group === 'number' || group instanceof Uint8Array || group instanceof Uint16Array;
  if (!designator) throw invalidArgType('group', 'an address designator (InetAddress, string, Uint8Array(4), Uint16Array(8) or number)', group);
  const address = group instanceof InetAddress ? group : ensureAddress(group, { errorp: false });
  if (!(address instanceof InetAddress)) throw new AddressParseError(group, `Invalid multicast group: ${show(group)}`);
  if (!isMulticast(address)) throw invalidArgValue('group', address.toString(), 'is not a multicast address');
  return address;
}

function interfaceIndex(iface: string | number): number {
  if (typeof iface === 'number') {
    if (!Number.isInteger(iface) || iface < 0) throw invalidArgValue('options.interface', iface, 'is not an interface index');
    return iface;
  }
  const index = interfaceIndexOf(iface);
  if (index === 0) throw invalidArgValue('options.interface', iface, 'is not a network interface');
  return check(index, 'if_nametoindex');
}

/** Joins (`join` true) or leaves a multicast group. */
export function setMembership(socket: ActiveSocketBase, group: unknown, options: MulticastOptions, join: boolean): void {
  validateObject(options, 'options');
  const h = socket._open('setsockopt');
  const address = groupAddress(group);
  const iface = options.interface;
  if (iface !== undefined && typeof iface !== 'string' && typeof iface !== 'number' && !(iface instanceof InetAddress)) {
    throw invalidArgType('options.interface', 'an address, a name or an index', iface);
  }
  if (address instanceof Ipv4Address && !socket.ipv6) {
    const mreqn = Buffer.alloc(12);
    mreqn.set(address.name, 0);
    const ifAddress = iface instanceof InetAddress ? iface : typeof iface === 'string' ? ensureAddress(iface, { errorp: false }) : null;
    if (ifAddress instanceof Ipv4Address) mreqn.set(ifAddress.name, 4);
    else if (ifAddress) throw invalidArgValue('options.interface', show(iface), 'must be an IPv4 address for an IPv4 group');
    else if (iface !== undefined) mreqn.writeInt32LE(interfaceIndex(iface as string | number), 8);
    check(H.setsockopt(h, C.IPPROTO_IP, join ? C.IP_ADD_MEMBERSHIP : C.IP_DROP_MEMBERSHIP, mreqn), 'setsockopt');
    return;
  }
  if (!(address instanceof Ipv6Address) || !socket.ipv6) {
    throw invalidArgValue('group', address.toString(), `is not an ${socket.ipv6 ? 'IPv6' : 'IPv4'} group, as the socket is`);
  }
  if (iface instanceof InetAddress) throw invalidArgValue('options.interface', iface.toString(), 'must be a name or index for an IPv6 group');
  const mreq = Buffer.alloc(20);
  mreq.set(inetSockaddr(address, 0)[1], 0);
  mreq.writeUInt32LE(iface === undefined ? address.scopeId : interfaceIndex(iface), 16);
  check(H.setsockopt(h, C.IPPROTO_IPV6, join ? C.IPV6_JOIN_GROUP : C.IPV6_LEAVE_GROUP, mreq), 'setsockopt');
}
