/**
 * Protocol designators (raw sockets): a name or number checked against the protocol database.
 * @internal
 * @module
 */
import { lookupProtocol } from '../dns/protocols.js';
import { invalidArgType } from '../internal/validate.js';

/** Resolves a protocol name or number to both. */
export function lookupProtocolNumber(protocol: unknown, argName: string): { number: number; name: string } {
  if (typeof protocol !== 'string' && typeof protocol !== 'number') throw invalidArgType(argName, 'a protocol name or number', protocol);
  const entry = lookupProtocol(protocol);
  return { number: entry.number, name: entry.name };
}
