/**
 * IPv6 zones (`fe80::1%eth0`): interface name <-> index, read on demand from Linux's
 * `/sys/class/net/<name>/ifindex` (synchronous, nothing cached, so a renamed or new interface
 * is seen at once). Where there is no `/sys/class/net` (not Linux), no name resolves and
 * indexes print as numbers.
 * @internal
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';
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

/** The index of the interface called `name`, or null when there is none. @internal */
export function interfaceIndexForName(name: string): number | null {
  return isValidInterfaceName(name) ? readIndex(name) : null;
}

/** The name of the interface with index `index`, or null when there is none. @internal */
export function interfaceNameForIndex(index: number): string | null {
  if (!Number.isInteger(index) || index <= 0 || index > MAX_SCOPE_ID) return null;
  let names: string[];
  try {
    names = readdirSync(SYS_CLASS_NET);
  } catch {
    return null;
  }
  for (const name of names) {
    if (isValidInterfaceName(name) && readIndex(name) === index) return name;
  }
  return null;
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
 * The text after `%` for a non-zero scope id: the interface's name when one has that index (and
 * the name is not all digits, which would read back as an index), else the number.
 * @internal
 */
export function formatZone(scopeId: number): string {
  const name = interfaceNameForIndex(scopeId);
  return name !== null && !/^[0-9]+$/.test(name) ? name : String(scopeId);
}

/**
 * Parses IPv6 text with an optional `%zone` into words and a scope id (0 without a zone), or
 * returns null.
 * @internal
 */
export function parseScopedIpv6(text: string): { words: Uint16Array; scopeId: number } | null {
  const pct = text.indexOf('%');
  if (pct < 0) {
    const words = parseIpv6(text);
    return words === null ? null : { words, scopeId: 0 };
  }
  const words = parseIpv6(text, 0, pct);
  if (words === null) return null;
  const scopeId = parseZone(text.slice(pct + 1));
  return scopeId === null ? null : { words, scopeId };
}
