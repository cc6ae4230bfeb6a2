/**
 * Host and port designators, as makeSocket, connect and bindAddress take them.
 * @internal
 * @module
 */
import { InetAddress, ensureAddress } from '../address/index.js';
import { AddressParseError } from '../errors.js';
import { invalidArgType, outOfRange } from '../internal/validate.js';
import { lookupService } from '../dns/services.js';
import { lookupHostname } from '../dns/hosts.js';

/** A host designator: an address object, literal text, a host name, a vector or a uint32. */
export type HostDesignator = InetAddress | string | Uint8Array | Uint16Array | number;
/** A port designator: a number or a service name. */
export type PortDesignator = number | string;

/** Parses a literal host designator; null when it is a name that needs a look-up. */
export function literalHost(host: HostDesignator, argName: string): InetAddress | null {
  if (host instanceof InetAddress) return host;
  if (typeof host === 'string' || typeof host === 'number' || host instanceof Uint8Array || host instanceof Uint16Array) {
    const address = ensureAddress(host, { errorp: false });
    if (address instanceof InetAddress) return address;
    if (typeof host === 'string' && host.length > 0) return null;
    throw new AddressParseError(host, `Invalid ${argName}: ${String(host)}`);
  }
  throw invalidArgType(argName, 'an InetAddress, a string, a Uint8Array(4), a Uint16Array(8) or a number', host);
}

/** Resolves a host designator to every address it names, in the resolver's order. */
export async function resolveHost(host: HostDesignator, ipv6: boolean | 'only' | undefined, argName: string): Promise<InetAddress[]> {
  const literal = literalHost(host, argName);
  return literal ? [literal] : lookUp(host as string, ipv6, undefined);
}

/** Every address a host name has, in the resolver's order. */
async function lookUp(name: string, ipv6: boolean | 'only' | undefined, signal: AbortSignal | undefined): Promise<InetAddress[]> {
  const entry = await lookupHostname(name, { ipv6: ipv6 ?? true, signal });
  return [entry.address, ...entry.addresses];
}

/** A host and a port designator resolved: every address the host names, in the resolver's order, and the port. */
export interface ResolvedEndpoint {
  /** The host's addresses: the literal one, or every one its name has. */
  readonly hosts: InetAddress[];
  /** The port number. */
  readonly port: number;
}

/**
 * Resolves a host and a port designator together, the one place makeSocket and connect do:
 * both are checked first; the host resolves at once for a literal address (no trip through the
 * microtask queue), after the look-up for a name, which `signal` aborts. `argNames` name the two
 * in errors; a `remote` endpoint needs a port (see {@link resolveRemotePort}).
 */
export function resolveEndpoint(
  host: HostDesignator,
  port: PortDesignator | undefined,
  ipv6: boolean | 'only' | undefined,
  protocol: 'tcp' | 'udp' | 'any',
  argNames: readonly [host: string, port: string],
  remote = false,
  signal?: AbortSignal,
): ResolvedEndpoint | Promise<ResolvedEndpoint> {
  const literal = literalHost(host, argNames[0]);
  const portNumber = remote ? resolveRemotePort(port, argNames[1], protocol) : resolvePort(port, argNames[1], protocol);
  if (literal) return { hosts: [literal], port: portNumber };
  return lookUp(host as string, ipv6, signal).then((hosts) => ({ hosts, port: portNumber }));
}

/**
 * Resolves the port of a peer (connect, send): as {@link resolvePort}, but one must be given and
 * it cannot be 0, where nothing listens (Linux would connect a UDP socket there).
 */
export function resolveRemotePort(port: PortDesignator | undefined, argName: string, protocol: 'tcp' | 'udp' | 'any'): number {
  if (port === undefined) throw invalidArgType(argName, 'a port number or a service name', port);
  const n = resolvePort(port, argName, protocol);
  if (n === 0) throw outOfRange(argName, 'a port >= 1 and <= 65535', n);
  return n;
}

/** Resolves a port designator: an integer 0-65535 or a service name for `protocol`. */
export function resolvePort(port: PortDesignator | undefined, argName: string, protocol: 'tcp' | 'udp' | 'any' = 'tcp'): number {
  if (port === undefined) return 0;
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw outOfRange(argName, 'an integer >= 0 and <= 65535', port);
    return port;
  }
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return resolvePort(Number(port), argName);
    return lookupService(port, protocol).port;
  }
  throw invalidArgType(argName, 'a number or a service name', port);
}
