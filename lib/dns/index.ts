/**
 * `iolib/dns`: the name databases — hosts (getaddrinfo / getnameinfo on libuv's thread
 * pool), services, protocols, network interfaces and adapters.
 * @module
 */
export { IolibError, SyscallError, PollTimeoutError, AddressParseError, AbortError } from '../errors.js';
export {
  ResolverError,
  ResolverAgainError,
  ResolverFailError,
  ResolverNoNameError,
  ResolverUnknownError,
  UnknownServiceError,
  UnknownProtocolError,
  UnknownInterfaceError,
} from './errors.js';
export { lookupHostname, ensureHostname, lookupAddresses, lookupName, type EnsuredHost } from './hosts.js';
export type {
  HostEntry,
  Ipv6Mode,
  LookupHostnameOptions,
  EnsureHostnameOptions,
  AddressInfo,
  AddressInfoFlags,
  AddressInfoType,
  LookupAddressesOptions,
  NameInfo,
  NameInfoFlags,
  LookupNameOptions,
} from './hosts.js';
export type { WaitOptions } from './wait.js';
export { lookupService } from './services.js';
export type { ServiceEntry, ServiceProtocol } from './services.js';
export { lookupProtocol } from './protocols.js';
export type { ProtocolEntry } from './protocols.js';
export { interfaceIndex, interfaceName, makeInterface, lookupInterface, listNetworkInterfaces } from './interfaces.js';
export type { NetworkInterface, InterfaceDesignator } from './interfaces.js';
export { listAdapters } from './adapters.js';
export type { Adapter, AdapterAddress, AdapterFlags } from './adapters.js';
