/**
 * `iolib/address`: IOLib's address model in pure TypeScript — the address classes, text and
 * vector conversions, predicates, netmask arithmetic and networks. No native code.
 * @module
 */
export { AddressParseError } from '../errors.js';
export { Address, InetAddress, Ipv4Address, Ipv6Address, LocalAddress } from './address.js';
export type { AddressType } from './address.js';
export {
  IPV4_BROADCAST,
  IPV4_LOOPBACK,
  IPV4_UNSPECIFIED,
  IPV6_INTERFACE_LOCAL_ALL_NODES,
  IPV6_INTERFACE_LOCAL_ALL_ROUTERS,
  IPV6_LINK_LOCAL_ALL_NODES,
  IPV6_LINK_LOCAL_ALL_ROUTERS,
  IPV6_LOOPBACK,
  IPV6_SITE_LOCAL_ALL_ROUTERS,
  IPV6_UNSPECIFIED,
  MAX_IPV4_VALUE,
} from './constants.js';
export {
  addressEqual,
  addressEquals,
  addressToString,
  addressToVector,
  copyAddress,
  ensureAddress,
  makeAddress,
  mapIpv4AddressToIpv6,
  mapIpv6AddressToIpv4,
  stringAddressToVector,
} from './designators.js';
export type { AddressDesignator, AddressFamily, AddressVector, EnsureAddressOptions, InetAddressDesignator } from './designators.js';
export { dottedToInteger, dottedToVector, integerToDotted, integerToVector, vectorToDotted, vectorToInteger } from './ipv4.js';
export { colonSeparatedToVector, vectorToColonSeparated } from './ipv6.js';
export { ensureNetmask, hostPortion, makeNetmask, networkClass, networkPortion } from './netmask.js';
export type { MakeNetmaskOptions, NetworkClass } from './netmask.js';
export { Ipv4Network, Ipv6Network, inNetwork, inSameNetwork } from './network.js';
export type { InetNetwork } from './network.js';
export {
  addressType,
  inetAddressType,
  ipv6MulticastType,
  ipv6UnicastType,
  isAbstractAddress,
  isAddress,
  isInetAddress,
  isIpv4Address,
  isIpv6Address,
  isIpv6AdminLocalMulticast,
  isIpv6GlobalMulticast,
  isIpv6GlobalUnicast,
  isIpv6InterfaceLocalMulticast,
  isIpv6Ipv4Mapped,
  isIpv6LinkLocalMulticast,
  isIpv6LinkLocalUnicast,
  isIpv6OrganizationLocalMulticast,
  isIpv6ReservedMulticast,
  isIpv6SiteLocalMulticast,
  isIpv6SiteLocalUnicast,
  isIpv6SolicitedNodeMulticast,
  isIpv6TransientMulticast,
  isIpv6UnassignedMulticast,
  isLocalAddress,
  isLoopback,
  isMulticast,
  isPrivate,
  isUnicast,
  isUnspecified,
} from './predicates.js';
export type { InetAddressType, Ipv6MulticastType, Ipv6UnicastType, PredicateArgument } from './predicates.js';
