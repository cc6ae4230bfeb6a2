/**
 * IPv6 zones (`fe80::1%eth0`) when text is parsed: a name's interface index comes from the one
 * interface-name resolver (if_nametoindex, asked each time, so a renamed or new interface is
 * seen at once). The zone's text is kept for printing: nothing here runs when an address is
 * printed.
 * @internal
 * @module
 */
import { interfaceIndexOf } from '../internal/interface-index.js';
import { parseIpv6 } from './ipv6.js';

const MAX_SCOPE_ID = 0xffffffff;

/**
 * A zone's scope id: all digits are the index itself (at most 2^32 - 1), anything else is an
 * interface name looked up now. Null when the zone is empty, too large or names no interface.
 * @internal
 */
export function parseZone(zone: string): number | null {
  if (zone.length === 0) return null;
  if (/^[0-9]+$/.test(zone)) {
    const n = Number(zone);
    return n <= MAX_SCOPE_ID ? n : null;
  }
  const index = interfaceIndexOf(zone);
  return index > 0 ? index : null;
}

/**
 * Parses IPv6 text with an optional `%zone` into words and a scope id (0 without a zone), or
 * returns null.
 * @internal
 */
export function parseScopedIpv6(text: string): { words: Uint16Array; scopeId: number; zone?: string } | null {
  const pct = text.indexOf('%');
  if (pct < 0) {
    const words = parseIpv6(text);
    return words === null ? null : { words, scopeId: 0 };
  }
  const words = parseIpv6(text, 0, pct);
  if (words === null) return null;
  const zone = text.slice(pct + 1);
  const scopeId = parseZone(zone);
  return scopeId === null ? null : { words, scopeId, zone };
}
