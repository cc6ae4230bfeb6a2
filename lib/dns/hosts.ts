/**
 * Host names and addresses (IOLib's lookup-hostname and ensure-hostname), getaddrinfo's
 * whole answer ({@link lookupAddresses}) and getnameinfo ({@link lookupName}). The C
 * resolver runs on libuv's thread pool; literal addresses answer without a look-up.
 * @module
 */
import { C } from '../native.js';
import { InetAddress, Ipv4Address, Ipv6Address, IPV4_LOOPBACK, IPV6_LOOPBACK, ensureAddress } from '../address/index.js';
import type { InetAddressDesignator } from '../address/index.js';
import { inetAddressFromBytes, inetSockaddr } from '../address/sockaddr.js';
import {
  invalidArgType,
  invalidArgValue,
  outOfRange,
  validateBoolean,
  validateObject,
  validateOneOf,
  validateSignal,
  validateTimeout,
} from '../internal/validate.js';
import { dnsNative } from './binding.js';
import type { RawAddrinfo } from './binding.js';
import { ResolverError } from './errors.js';
import { lookupProtocol } from './protocols.js';
import { isLenientNumericHost, isLocalhostName, noName, resolverError } from './resolver.js';
import { bounded } from './wait.js';
import type { WaitOptions } from './wait.js';

const EAI_SERVICE = dnsNative.resolverConstants.EAI_SERVICE;

/** Which address families a host look-up answers: both (true), IPv4 only (false), IPv6 only ('only'). */
export type Ipv6Mode = boolean | 'only';

/** What {@link lookupHostname} answers (IOLib's four values as one object). */
export interface HostEntry {
  /** The first address. */
  address: InetAddress;
  /** The other addresses, in the resolver's order (empty when there is one). */
  addresses: InetAddress[];
  /** The host's canonical name (for a literal address: its text form). */
  canonicalName: string;
  /** Every name of the host with its addresses: the canonical name, and the name asked for when it differs. */
  aliases: [name: string, addresses: InetAddress[]][];
}

/** Options of {@link lookupHostname}. */
export interface LookupHostnameOptions extends WaitOptions {
  /** true (default): IPv4 and IPv6 addresses; false: IPv4 only; 'only': IPv6 only. */
  ipv6?: Ipv6Mode | undefined;
}

/** Options of {@link ensureHostname}. */
export interface EnsureHostnameOptions extends LookupHostnameOptions {
  /** When false, a failed look-up resolves to null instead of rejecting (default true). */
  errorp?: boolean | undefined;
}

/** getaddrinfo's flags, by name. */
export interface AddressInfoFlags {
  /** AI_PASSIVE: with a null node, the wildcard address (for binding). */
  passive?: boolean;
  /** AI_CANONNAME: the first result carries the canonical name. */
  canonicalName?: boolean;
  /** AI_NUMERICHOST: the node must be a literal address; no look-up. */
  numericHost?: boolean;
  /** AI_NUMERICSERV: the service must be a port number. */
  numericService?: boolean;
  /** AI_V4MAPPED: with family 'ipv6', IPv4 addresses as IPv4-mapped IPv6 ones when there is no IPv6 one. */
  v4Mapped?: boolean;
  /** AI_ALL: with v4Mapped, both the IPv6 and the mapped IPv4 addresses. */
  all?: boolean;
  /** AI_ADDRCONFIG: only families the host has a (non-loopback) address of. */
  addressConfig?: boolean;
}

/** Socket types as iolib names them. */
export type AddressInfoType = 'stream' | 'datagram' | 'seqpacket' | 'raw';

/** Options of {@link lookupAddresses}. */
export interface LookupAddressesOptions extends WaitOptions {
  /** Address family wanted (default 'any'). */
  family?: 'ipv4' | 'ipv6' | 'local' | 'any' | undefined;
  /** Socket type wanted (default: every type). */
  type?: AddressInfoType | undefined;
  /** Protocol wanted: a name of the protocols database ('tcp') or a number (default: any). */
  protocol?: string | number | undefined;
  /** getaddrinfo's flags. */
  flags?: AddressInfoFlags | undefined;
}

/** One entry of getaddrinfo's answer. */
export interface AddressInfo {
  /** The address's family. */
  family: 'ipv4' | 'ipv6';
  /** The socket type this entry is for. */
  type: AddressInfoType;
  /** The protocol number (6 for TCP, 17 for UDP, 0 for raw). */
  protocol: number;
  /** The address (an IPv6 one keeps its scope id). */
  address: InetAddress;
  /** The service's port (0 when no service was given). */
  port: number;
  /** Only on the first entry, and only with the `canonicalName` flag. */
  canonicalName?: string;
}

/** getnameinfo's flags, by name. */
export interface NameInfoFlags {
  /** NI_NUMERICHOST: the address as text, no look-up. */
  numericHost?: boolean;
  /** NI_NUMERICSERV: the port as digits, no look-up. */
  numericService?: boolean;
  /** NI_NAMEREQD: fail (ResolverNoNameError) rather than answer the address as text. */
  nameRequired?: boolean;
  /** NI_DGRAM: the service is a datagram (udp) one. */
  datagram?: boolean;
  /** NI_NOFQDN: only the host part of local names. */
  noFqdn?: boolean;
}

/** Options of {@link lookupName}. */
export interface LookupNameOptions extends WaitOptions {
  /** The port whose service name is wanted (default 0). */
  port?: number | undefined;
  /** getnameinfo's flags. */
  flags?: NameInfoFlags | undefined;
}

/** What {@link lookupName} answers. */
export interface NameInfo {
  /** The host name, or the address as text. */
  host: string;
  /** The service name, or the port as digits. */
  service: string;
}

const AI_FLAGS: Record<keyof AddressInfoFlags, string> = {
  passive: 'AI_PASSIVE',
  canonicalName: 'AI_CANONNAME',
  numericHost: 'AI_NUMERICHOST',
  numericService: 'AI_NUMERICSERV',
  v4Mapped: 'AI_V4MAPPED',
  all: 'AI_ALL',
  addressConfig: 'AI_ADDRCONFIG',
};

const NI_FLAGS: Record<keyof NameInfoFlags, string> = {
  numericHost: 'NI_NUMERICHOST',
  numericService: 'NI_NUMERICSERV',
  nameRequired: 'NI_NAMEREQD',
  datagram: 'NI_DGRAM',
  noFqdn: 'NI_NOFQDN',
};

const FAMILIES: Record<NonNullable<LookupAddressesOptions['family']>, string> = {
  ipv4: 'AF_INET',
  ipv6: 'AF_INET6',
  local: 'AF_UNIX',
  any: 'AF_UNSPEC',
};

const TYPES: Record<AddressInfoType, string> = {
  stream: 'SOCK_STREAM',
  datagram: 'SOCK_DGRAM',
  seqpacket: 'SOCK_SEQPACKET',
  raw: 'SOCK_RAW',
};

const TYPE_NAMES = new Map<number, AddressInfoType>(
  (Object.entries(TYPES) as [AddressInfoType, string][]).map(([name, c]) => [C[c]!, name]),
);

function flagBits(flags: unknown, table: Record<string, string>, argName: string): number {
  if (flags === undefined) return 0;
  validateObject(flags, argName);
  let bits = 0;
  for (const [key, value] of Object.entries(flags)) {
    const cName = table[key];
    if (cName === undefined) throw invalidArgValue(`${argName}.${key}`, value, `is not a known flag (known: ${Object.keys(table).join(', ')})`);
    if (value === undefined) continue;
    validateBoolean(value, `${argName}.${key}`);
    if (value) bits |= C[cName] ?? 0;
  }
  return bits;
}

function validateWait(options: WaitOptions): void {
  validateTimeout(options.timeout, 'options.timeout');
  validateSignal(options.signal, 'options.signal');
}

function validateIpv6(ipv6: unknown): asserts ipv6 is Ipv6Mode {
  if (ipv6 !== true && ipv6 !== false && ipv6 !== 'only') throw invalidArgValue('options.ipv6', ipv6, "must be true, false or 'only'");
}

/** A host designator that is a literal address, or null when it is a name to look up. */
function literal(host: unknown, argName: string): InetAddress | null {
  if (host instanceof InetAddress) return host;
  if (typeof host === 'string') return host.length > 0 ? ensureAddress(host, { errorp: false }) : null;
  if (typeof host === 'number' || host instanceof Uint8Array || host instanceof Uint16Array) return ensureAddress(host);
  throw invalidArgType(argName, 'a host name, an InetAddress, a Uint8Array(4), a Uint16Array(8) or a number', host);
}

/** Runs getaddrinfo on the thread pool; rejects with the typed ResolverError. */
async function getaddrinfo(node: string | null, service: string | null, family: number, type: number, protocol: number, flags: number, datum: unknown, wait: WaitOptions): Promise<RawAddrinfo[]> {
  const answer = await bounded(dnsNative.getaddrinfo(node, service, family, type, protocol, flags), 'getaddrinfo', wait);
  if (answer.eai === EAI_SERVICE && service !== null) throw resolverError(answer.eai, 0, service, 'Service look-up');
  if (answer.eai !== 0) throw resolverError(answer.eai, answer.errno ?? 0, datum, 'Host look-up');
  return answer.value!;
}

function pushUnique(list: InetAddress[], a: InetAddress): void {
  if (!list.some((b) => b.equals(a))) list.push(a);
}

/**
 * Looks a host up by name (IOLib's `lookup-hostname`): its first address, the others, its
 * canonical name and its names with their addresses. A literal address (text, vector,
 * integer or InetAddress) answers at once, without a look-up. Rejects with a
 * {@link ResolverError} subclass when the name is not known.
 *
 * `localhost` and names under `.localhost` always answer the loopback address of every family
 * asked for (RFC 6761): when the system's hosts file lacks one (often `::1`), it is added
 * after the system's answer.
 *
 * Text that C's resolver would read as a lenient numeric IPv4 address (`0127.0.0.1`, `127.1`)
 * is refused with ResolverNoNameError: it is neither a strict address nor a host name.
 *
 * @example (await lookupHostname('localhost', { ipv6: false })).address // Ipv4Address<127.0.0.1>
 */
export async function lookupHostname(host: InetAddressDesignator, options: LookupHostnameOptions = {}): Promise<HostEntry> {
  validateObject(options, 'options');
  const { ipv6 = true } = options;
  validateIpv6(ipv6);
  validateWait(options);
  const lit = literal(host, 'host');
  if (lit) {
    if (options.signal?.aborted) await bounded(Promise.resolve(), 'getaddrinfo', options);
    return { address: lit, addresses: [], canonicalName: lit.toString(), aliases: [] };
  }
  const name = host as string;
  if (isLenientNumericHost(name)) throw noName(name, 'Host look-up', 'not a strict IPv4 address, and not a host name');
  const family = ipv6 === false ? C.AF_INET : ipv6 === 'only' ? C.AF_INET6 : C.AF_UNSPEC;
  const found: InetAddress[] = [];
  let canonicalName: string | null = null;
  try {
    const list = await getaddrinfo(name, null, family, C.SOCK_STREAM, 0, C.AI_CANONNAME, name, options);
    for (const [, , , [fam, bytes, , scopeId], canon] of list) {
      if (canonicalName === null && canon) canonicalName = canon;
      if (fam === 4 || fam === 6) pushUnique(found, inetAddressFromBytes(bytes, scopeId));
    }
  } catch (err) {
    if (!(isLocalhostName(name) && err instanceof ResolverError && err.code !== 'EAI_AGAIN')) throw err;
  }
  if (isLocalhostName(name)) {
    if (ipv6 !== 'only' && !found.some((a) => a instanceof Ipv4Address)) found.push(IPV4_LOOPBACK);
    if (ipv6 !== false && !found.some((a) => a instanceof Ipv6Address)) found.push(IPV6_LOOPBACK);
  }
  if (found.length === 0) throw noName(name, 'Host look-up', 'no address of the family asked for');
  const canonical = canonicalName ?? name;
  const aliases: [string, InetAddress[]][] = [[canonical, found.slice()]];
  if (canonical.toLowerCase() !== name.toLowerCase()) aliases.push([name, found.slice()]);
  return { address: found[0]!, addresses: found.slice(1), canonicalName: canonical, aliases };
}

/** What {@link ensureHostname} resolves with: IOLib's two values. */
export interface EnsuredHost {
  /** The address (the first one, for a name). */
  address: InetAddress;
  /** The name's other addresses, in order; none for an address designator. */
  addresses: InetAddress[];
}

/**
 * IOLib's `ensure-hostname`: an address designator as its InetAddress, or a host name as its
 * first address with the others beside it. With `errorp: false`, a resolver failure resolves
 * to null.
 */
export async function ensureHostname(host: InetAddressDesignator, options: EnsureHostnameOptions = {}): Promise<EnsuredHost | null> {
  validateObject(options, 'options');
  const { errorp = true, ...rest } = options;
  validateBoolean(errorp, 'options.errorp');
  try {
    const { address, addresses } = await lookupHostname(host, rest);
    return { address, addresses };
  } catch (err) {
    if (!errorp && err instanceof ResolverError) return null;
    throw err;
  }
}

/**
 * getaddrinfo's whole answer for `node` and `service`, in its order. `node` may be null
 * (with `flags.passive`: the wildcard addresses, for binding; without: the loopback ones);
 * `service` is a service name, a port number or null. Rejects with a {@link ResolverError}
 * subclass when the resolver fails.
 *
 * @example await lookupAddresses(null, 80, { flags: { passive: true }, type: 'stream' })
 */
export async function lookupAddresses(node: string | InetAddress | null, service?: string | number | null, options: LookupAddressesOptions = {}): Promise<AddressInfo[]> {
  validateObject(options, 'options');
  validateWait(options);
  let nodeText: string | null;
  if (node === null || node === undefined) nodeText = null;
  else if (node instanceof InetAddress) nodeText = node.toString();
  else if (typeof node === 'string') nodeText = node;
  else throw invalidArgType('node', 'a host name, an InetAddress or null', node);
  let serviceText: string | null;
  if (service === null || service === undefined) serviceText = null;
  else if (typeof service === 'number') {
    if (!Number.isInteger(service) || service < 0 || service > 65535) throw outOfRange('service', 'an integer >= 0 and <= 65535', service);
    serviceText = String(service);
  } else if (typeof service === 'string') serviceText = service;
  else throw invalidArgType('service', 'a service name, a port number or null', service);
  const { family = 'any', type, protocol, flags } = options;
  validateOneOf(family, 'options.family', Object.keys(FAMILIES) as (keyof typeof FAMILIES)[]);
  if (type !== undefined) validateOneOf(type, 'options.type', Object.keys(TYPES) as AddressInfoType[]);
  let protocolNumber = 0;
  if (typeof protocol === 'number') {
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) throw outOfRange('options.protocol', 'an integer >= 0 and <= 255', protocol);
    protocolNumber = protocol;
  } else if (typeof protocol === 'string') {
    protocolNumber = lookupProtocol(protocol).number;
  } else if (protocol !== undefined) {
    throw invalidArgType('options.protocol', 'a protocol name or number', protocol);
  }
  const bits = flagBits(flags, AI_FLAGS, 'options.flags');
  // The error's datum is what was looked up: the node, or the service when there is no node.
  const datum = nodeText ?? serviceText;
  if (nodeText !== null && ensureAddress(nodeText, { errorp: false }) === null && isLenientNumericHost(nodeText)) {
    throw noName(datum, 'Address look-up', 'not a strict IPv4 address, and not a host name');
  }
  const list = await getaddrinfo(nodeText, serviceText, C[FAMILIES[family]]!, type ? C[TYPES[type]]! : 0, protocolNumber, bits, datum, options);
  const out: AddressInfo[] = [];
  for (const [, sockType, proto, [fam, bytes, port, scopeId], canon] of list) {
    if (fam !== 4 && fam !== 6) continue;
    const entry: AddressInfo = {
      family: fam === 4 ? 'ipv4' : 'ipv6',
      type: TYPE_NAMES.get(sockType) ?? 'raw',
      protocol: proto,
      address: inetAddressFromBytes(bytes, scopeId),
      port,
    };
    if (canon !== null) entry.canonicalName = canon;
    out.push(entry);
  }
  return out;
}

/**
 * getnameinfo: the host name and service name of an address and port. Without
 * `flags.nameRequired`, an address without a name answers its text; a port without a service
 * name answers its digits. Rejects with a {@link ResolverError} subclass on failure.
 *
 * @example await lookupName('127.0.0.1', { port: 22 }) // { host: 'localhost', service: 'ssh' }
 */
export async function lookupName(address: InetAddressDesignator, options: LookupNameOptions = {}): Promise<NameInfo> {
  validateObject(options, 'options');
  validateWait(options);
  const { port = 0, flags } = options;
  if (typeof port !== 'number') throw invalidArgType('options.port', 'of type number', port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw outOfRange('options.port', 'an integer >= 0 and <= 65535', port);
  const bits = flagBits(flags, NI_FLAGS, 'options.flags');
  const host = address instanceof InetAddress ? address : ensureAddress(address);
  const answer = await bounded(dnsNative.getnameinfo(...inetSockaddr(host, port), bits), 'getnameinfo', options);
  if (answer.eai !== 0) throw resolverError(answer.eai, answer.errno ?? 0, host, 'Name look-up');
  const [hostName, service] = answer.value!;
  return { host: hostName, service };
}
