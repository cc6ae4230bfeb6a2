/**
 * IPv6 zones (`fe80::1%eth0`) when text is parsed: a name's interface index, read from Linux's
 * `/sys/class/net/<name>/ifindex` (synchronous, nothing cached, so a renamed or new interface
 * is seen at once); where there is none (not Linux), no name resolves. The zone's text is kept
 * for printing: nothing here runs when an address is printed.
 * @internal
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseIpv6 } from './ipv6.js';

const SYS_CLASS_NET = '/sys/class/net';
/** Linux's IFNAMSIZ (16) less the terminating NUL. */
const MAX_IFNAME = 15;
const MAX_SCOPE_ID = 0xffffffff;

/** True when `name` could be a Linux interface name (the kernel's dev_valid_name). */
function isValidInterfaceName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_IFNAME || name === '.' || name === '..') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // '/', ':', NUL, whitespace and anything outside printable ASCII are refused.
    if (c <= 0x20 || c >= 0x7f || c === 0x2f || c === 0x3a) return false;
  }
  return true;
}

function readIndex(name: string): number | null {
  try {
    const text = readFileSync(`${SYS_CLASS_NET}/${name}/ifindex`, 'latin1').trim();
    if (!/^[0-9]{1,10}$/.test(text)) return null;
    const n = Number(text);
    return n > 0 && n <= MAX_SCOPE_ID ? n : null;
  } catch {
    return null;
  }
}

/** The index of the interface called `name`, or null when there is none. */
function interfaceIndexForName(name: string): number | null {
  return isValidInterfaceName(name) ? readIndex(name) : null;
}

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
  return interfaceIndexForName(zone);
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
