/**
 * IPv6 text and vector conversions (IOLib's `colon-separated-to-vector` and
 * `vector-to-colon-separated`).
 *
 * Parsing accepts exactly what `inet_pton(AF_INET6)` accepts: one to four hex digits per group
 * (either case), at most one `::` standing for one or more zero groups, and an optional dotted
 * quad (strict, as IPv4 text) in the last 32 bits. No zone, no brackets, no whitespace, no
 * prefix length. (IOLib's own parser is looser; this one is the C library's grammar.)
 *
 * Printing is RFC 5952 canonical text: lowercase, no leading zeros, the longest run of two or
 * more zero groups (the first such run on a tie) as `::` (never a single group), and IPv4-mapped
 * addresses as `::ffff:a.b.c.d`.
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType, invalidArgValue, outOfRange, validateString } from '../internal/validate.js';
import { parseIpv4 } from './ipv4.js';

/** Longest valid IPv6 text: `0000:0000:0000:0000:0000:0000:255.255.255.255`. */
const MAX_IPV6_TEXT = 45;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Parses IPv6 text (no zone) into 8 words, or returns null. Follows glibc's `inet_pton6`.
 * @internal
 */
export function parseIpv6(text: string, start = 0, end = text.length): Uint16Array | null {
  const len = end - start;
  if (len < 2 || len > MAX_IPV6_TEXT) return null;
  const words = new Uint16Array(8);
  let tp = 0;
  let colonp = -1;
  let i = start;
  if (text.charCodeAt(i) === 0x3a /* : */) {
    if (text.charCodeAt(i + 1) !== 0x3a) return null; // a lone leading colon
    i++;
  }
  let curtok = i;
  let digits = 0;
  let value = 0;
  let sawIpv4 = false;
  while (i < end) {
    const c = text.charCodeAt(i++);
    const h = hexValue(c);
    if (h >= 0) {
      if (++digits > 4) return null;
      value = (value << 4) | h;
      continue;
    }
    if (c === 0x3a /* : */) {
      curtok = i;
      if (digits === 0) {
        if (colonp >= 0) return null; // a second '::' or ':::'
        colonp = tp;
        continue;
      }
      if (i === end) return null; // a lone trailing colon
      if (tp >= 8) return null;
      words[tp++] = value;
      digits = 0;
      value = 0;
      continue;
    }
    if (c === 0x2e /* . */ && tp + 2 <= 8) {
      const v4 = parseIpv4(text, curtok, end);
      if (v4 === null) return null;
      words[tp++] = (v4[0]! << 8) | v4[1]!;
      words[tp++] = (v4[2]! << 8) | v4[3]!;
      sawIpv4 = true;
      digits = 0;
      break;
    }
    return null;
  }
  if (!sawIpv4 && digits > 0) {
    if (tp >= 8) return null;
    words[tp++] = value;
  }
  if (colonp >= 0) {
    if (tp === 8) return null; // '::' would stand for no group at all
    const n = tp - colonp;
    for (let k = 1; k <= n; k++) {
      words[8 - k] = words[colonp + n - k]!;
      words[colonp + n - k] = 0;
    }
    tp = 8;
  }
  return tp === 8 ? words : null;
}

/** True when 8 words are an IPv4-mapped address (`::ffff:0:0/96`). @internal */
export function isIpv4MappedWords(w: ArrayLike<number>): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff;
}

/** RFC 5952 text for 8 words (lowercase). @internal */
export function formatIpv6(w: ArrayLike<number>): string {
  if (isIpv4MappedWords(w)) {
    const a = w[6]!;
    const b = w[7]!;
    return `::ffff:${a >>> 8}.${a & 0xff}.${b >>> 8}.${b & 0xff}`;
  }
  // Longest run of zero words, first on a tie; only runs of two or more count.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) {
    let s = w[0]!.toString(16);
    for (let i = 1; i < 8; i++) s += `:${w[i]!.toString(16)}`;
    return s;
  }
  let head = '';
  for (let i = 0; i < bestStart; i++) head += (i > 0 ? ':' : '') + w[i]!.toString(16);
  let tail = '';
  for (let i = bestStart + bestLen; i < 8; i++) tail += (tail ? ':' : '') + w[i]!.toString(16);
  return `${head}::${tail}`;
}

/**
 * Checks an IPv6 vector argument and returns its words as a new Uint16Array: a `Uint16Array`
 * of length 8, or a plain array of 8 integers in 0..65535.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for another type or length; RangeError
 *   (ERR_OUT_OF_RANGE) for an array element that is not a 16-bit word.
 * @internal
 */
export function toIpv6Vector(vector: unknown, name = 'vector'): Uint16Array {
  if (vector instanceof Uint16Array) {
    if (vector.length !== 8) throw invalidArgType(name, 'a Uint16Array of length 8', vector);
    return new Uint16Array(vector);
  }
  if (Array.isArray(vector)) {
    if (vector.length !== 8) throw invalidArgType(name, 'a Uint16Array of length 8', vector);
    const out = new Uint16Array(8);
    for (let i = 0; i < 8; i++) {
      const x: unknown = vector[i];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 0xffff) {
        throw outOfRange(`${name}[${i}]`, 'an integer >= 0 and <= 65535', x);
      }
      out[i] = x;
    }
    return out;
  }
  throw invalidArgType(name, 'a Uint16Array of length 8', vector);
}

/**
 * IOLib's `colon-separated-to-vector`: IPv6 text to an 8-word `Uint16Array` (host-order words,
 * most significant first). Accepts what `inet_pton` accepts, including an embedded dotted quad
 * (`::ffff:10.0.0.1`); a `%zone` is refused, since a vector has no place for it.
 * @example colonSeparatedToVector('2001:db8::1') // Uint16Array [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]
 * @throws AddressParseError when the text is not a valid IPv6 address; TypeError when not a string.
 */
export function colonSeparatedToVector(address: string): Uint16Array {
  validateString(address, 'address');
  const v = parseIpv6(address);
  if (v === null) throw new AddressParseError(address, `Invalid IPv6 address: ${JSON.stringify(address)}`);
  return v;
}

/**
 * IOLib's `vector-to-colon-separated`: 8 words to RFC 5952 text; `'upcase'` gives the same text
 * in capitals (`::FFFF:1.2.3.4`, `2001:DB8::1`).
 * @param vector a `Uint16Array` of length 8 or an array of 8 integers in 0..65535.
 * @param letterCase `'downcase'` (default) or `'upcase'`.
 * @throws TypeError / RangeError for a bad vector or case.
 */
export function vectorToColonSeparated(vector: Uint16Array | readonly number[], letterCase: 'downcase' | 'upcase' = 'downcase'): string {
  const w = toIpv6Vector(vector);
  if (letterCase !== 'downcase' && letterCase !== 'upcase') {
    throw invalidArgValue('case', letterCase, "must be one of 'downcase', 'upcase'");
  }
  const s = formatIpv6(w);
  return letterCase === 'upcase' ? s.toUpperCase() : s;
}
