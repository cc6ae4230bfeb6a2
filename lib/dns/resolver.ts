/**
 * The resolver's EAI_* answers as iolib errors, and the checks every look-up shares.
 * @internal
 * @module
 */
import { native } from '../native.js';
import { dnsNative } from './binding.js';
import { ResolverAgainError, ResolverFailError, ResolverNoNameError, ResolverUnknownError, shown } from './errors.js';
import type { ResolverError } from './errors.js';

const EAI = dnsNative.resolverConstants;
const EAI_NAMES = new Map<number, string>(
  Object.entries(EAI)
    .filter(([name]) => name.startsWith('EAI_'))
    .map(([name, value]) => [value, name]),
);

const CLASSES = new Map<string, typeof ResolverError>([
  ['EAI_AGAIN', ResolverAgainError],
  ['EAI_FAIL', ResolverFailError],
  ['EAI_NONAME', ResolverNoNameError],
  ['EAI_NODATA', ResolverNoNameError],
  ['EAI_ADDRFAMILY', ResolverNoNameError],
]);

/** The EAI_* name of a resolver answer code. */
export function eaiName(eai: number): string {
  return EAI_NAMES.get(eai) ?? `EAI_${eai}`;
}

/**
 * The typed error for a failed getaddrinfo/getnameinfo: EAI_AGAIN -> ResolverAgainError,
 * EAI_FAIL -> ResolverFailError, EAI_NONAME/EAI_NODATA/EAI_ADDRFAMILY -> ResolverNoNameError,
 * everything else -> ResolverUnknownError (EAI_SYSTEM carries the errno name).
 */
export function resolverError(eai: number, errno: number, datum: unknown, what: string): ResolverError {
  const code = eaiName(eai);
  const Cls = CLASSES.get(code) ?? ResolverUnknownError;
  const systemCode = eai === EAI.EAI_SYSTEM && errno ? (native.errnoName(errno) ?? `E${errno}`) : undefined;
  const detail = systemCode ? `${dnsNative.gaiStrerror(eai)} (${systemCode})` : dnsNative.gaiStrerror(eai);
  return new Cls(datum, code, eai, `${what} of ${shown(datum)} failed: ${code} ${detail}`, systemCode);
}

/** A resolver-style "no such name" for names refused before any look-up. */
export function noName(datum: unknown, what: string, why: string): ResolverError {
  return new ResolverNoNameError(datum, 'EAI_NONAME', EAI.EAI_NONAME ?? 0, `${what} of ${shown(datum)} failed: EAI_NONAME ${why}`);
}

// inet_aton's grammar: one to four parts, each decimal, octal (leading 0) or hex (0x).
const NUMERIC_LOOKING = /^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$/i;

/**
 * True for text that the C resolver would read as a lenient numeric IPv4 address
 * ('0127.0.0.1' -> 87.0.0.1, '127.1', '0x7f.1', '2130706433') although it is not a strict
 * dotted quad. Such text is neither an address (iolib parses strictly) nor a host name (a
 * top-level label is never all-numeric), so iolib refuses it instead of letting the resolver
 * guess: the guess is a known SSRF hole.
 */
export function isLenientNumericHost(name: string): boolean {
  return NUMERIC_LOOKING.test(name);
}

/** True for `localhost` and names under `.localhost` (RFC 6761 section 6.3). */
export function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
}
