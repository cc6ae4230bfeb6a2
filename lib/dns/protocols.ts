/**
 * The protocols database (IOLib's lookup-protocol): /etc/protocols and whatever
 * nsswitch.conf adds, read with the reentrant getprotobyname_r / getprotobynumber_r.
 * @module
 */
import { dnsNative } from './binding.js';
import { syscallError } from '../internal/errno.js';
import type { RawProtoent } from './binding.js';
import { UnknownProtocolError } from './errors.js';
import { invalidArgType, outOfRange } from '../internal/validate.js';

/** One entry of the protocols database. */
export interface ProtocolEntry {
  /** The protocol's official name ('tcp'). */
  name: string;
  /** Its number (6). */
  number: number;
  /** Its other names (['TCP']). */
  aliases: string[];
}

/**
 * Looks a protocol up by name, alias or number (a number, or a string of digits), as IOLib's
 * `lookup-protocol`. Throws {@link UnknownProtocolError} when there is no such entry.
 *
 * @example lookupProtocol('udp') // { name: 'udp', number: 17, aliases: ['UDP'] }
 */
export function lookupProtocol(nameOrNumber: string | number): ProtocolEntry {
  let raw: RawProtoent | null | number;
  let syscall: string;
  if (typeof nameOrNumber === 'number' || (typeof nameOrNumber === 'string' && /^\d+$/.test(nameOrNumber))) {
    const number = Number(nameOrNumber);
    if (!Number.isInteger(number) || number < 0 || number > 0x7fffffff) throw outOfRange('nameOrNumber', 'an integer >= 0 and <= 2147483647', nameOrNumber);
    syscall = 'getprotobynumber_r';
    raw = dnsNative.getprotobynumber(number);
  } else if (typeof nameOrNumber === 'string') {
    if (nameOrNumber.length === 0 || nameOrNumber.includes('\0')) throw new UnknownProtocolError(nameOrNumber);
    syscall = 'getprotobyname_r';
    raw = dnsNative.getprotobyname(nameOrNumber);
  } else {
    throw invalidArgType('nameOrNumber', 'a protocol name or number', nameOrNumber);
  }
  if (typeof raw === 'number') throw syscallError(raw, syscall);
  if (raw === null) throw new UnknownProtocolError(nameOrNumber);
  const [name, number, aliases] = raw;
  return { name, number, aliases };
}
