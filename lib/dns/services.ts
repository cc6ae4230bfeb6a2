/**
 * The services database (IOLib's lookup-service): /etc/services and whatever nsswitch.conf
 * adds, read with the reentrant getservbyname_r / getservbyport_r.
 * @module
 */
import { dnsNative } from './binding.js';
import { syscallError } from '../internal/errno.js';
import type { RawServent } from './binding.js';
import { UnknownServiceError } from './errors.js';
import { invalidArgType, outOfRange, validateOneOf } from '../internal/validate.js';

/** The protocols a service is looked up for; 'any' takes the first entry of any protocol. */
export type ServiceProtocol = 'tcp' | 'udp' | 'any';

/** One entry of the services database. */
export interface ServiceEntry {
  /** The port number. */
  port: number;
  /** The service's official name (also when looked up by an alias or by port). */
  name: string;
  /** The entry's protocol: 'tcp', 'udp', ... */
  protocol: string;
  /** The entry's other names. */
  aliases: string[];
}

const PROTOCOLS: readonly ServiceProtocol[] = ['tcp', 'udp', 'any'];

/**
 * Looks a service up by name, alias or port number (a number, or a string of digits) for
 * `protocol` (IOLib's `lookup-service`). Throws {@link UnknownServiceError} when there is no
 * such entry.
 *
 * @example lookupService('ssh') // { port: 22, name: 'ssh', protocol: 'tcp', aliases: [] }
 */
export function lookupService(nameOrPort: string | number, protocol: ServiceProtocol = 'tcp'): ServiceEntry {
  validateOneOf(protocol, 'protocol', PROTOCOLS);
  const proto = protocol === 'any' ? null : protocol;
  let raw: RawServent | null | number;
  let syscall: string;
  if (typeof nameOrPort === 'number' || (typeof nameOrPort === 'string' && /^\d+$/.test(nameOrPort))) {
    const port = Number(nameOrPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw outOfRange('nameOrPort', 'an integer >= 0 and <= 65535', nameOrPort);
    syscall = 'getservbyport_r';
    raw = dnsNative.getservbyport(port, proto);
  } else if (typeof nameOrPort === 'string') {
    if (nameOrPort.length === 0 || nameOrPort.includes('\0')) throw new UnknownServiceError(nameOrPort, protocol);
    syscall = 'getservbyname_r';
    raw = dnsNative.getservbyname(nameOrPort, proto);
  } else {
    throw invalidArgType('nameOrPort', 'a service name or a port number', nameOrPort);
  }
  if (typeof raw === 'number') throw syscallError(raw, syscall);
  if (raw === null) throw new UnknownServiceError(nameOrPort, protocol);
  const [name, port, entryProtocol, aliases] = raw;
  return { port, name, protocol: entryProtocol, aliases };
}
