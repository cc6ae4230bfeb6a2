/**
 * IPv4 text, vector and integer conversions (IOLib's `dotted-to-vector`, `vector-to-dotted`,
 * `dotted-to-integer`, `integer-to-dotted`, `vector-to-integer`, `integer-to-vector`).
 *
 * Text is parsed exactly as `inet_pton(AF_INET)` does: four decimal parts 0–255, no leading
 * zeros, no hex, no octal, no whitespace, nothing before or after. IOLib's own parser (and
 * `inet_aton`) also accepts the short forms `127.1` and reads `0127.0.0.1` in octal; this one
 * never does, because reading the same text two ways is how SSRF filters get bypassed.
 *
 * Integers are unsigned 32-bit values as ordinary numbers (0 to {@link MAX_IPV4_VALUE}); the
 * arithmetic here never goes through a signed 32-bit intermediate, so `128.0.0.0` is
 * 2147483648, not -2147483648.
 * @module
 */
import { AddressParseError } from '../errors.js';
import { invalidArgType, outOfRange, validateString } from '../internal/validate.js';

/** The largest IPv4 address as an integer: 4294967295 (`255.255.255.255`). */
export const MAX_IPV4_VALUE = 0xffffffff;

/**
 * Parses strict dotted-quad text into 4 bytes, or returns null. Exactly glibc's `inet_pton4`.
 * @internal
 */
export function parseIpv4(text: string, start = 0, end = text.length): Uint8Array | null {
  if (end - start < 7 || end - start > 15) return null;
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return null; // leading zero
      value = value * 10 + (c - 0x30);
      if (value > 255) return null;
      digits++;
    } else if (c === 0x2e /* . */ && digits > 0) {
      if (part === 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  if (part !== 3 || digits === 0) return null;
  out[3] = value;
  return out;
}

/** Formats 4 bytes as dotted-quad text. @internal */
export function formatIpv4(bytes: ArrayLike<number>): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** The uint32 value of 4 bytes (network order), without sign trouble. @internal */
export function bytesToInteger(b: ArrayLike<number>): number {
  return b[0]! * 0x1000000 + b[1]! * 0x10000 + b[2]! * 0x100 + b[3]!;
}

/** The 4 bytes (network order) of a uint32 value. @internal */
export function integerToBytes(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/**
 * Checks an IPv4 vector argument and returns its bytes as a new Uint8Array: a `Uint8Array` of
 * length 4, or a plain array of 4 integers in 0..255.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for another type or length; RangeError
 *   (ERR_OUT_OF_RANGE) for an array element that is not a byte.
 * @internal
 */
export function toIpv4Vector(vector: unknown, name = 'vector'): Uint8Array {
  if (vector instanceof Uint8Array) {
    if (vector.length !== 4) throw invalidArgType(name, 'a Uint8Array of length 4', vector);
    return new Uint8Array(vector);
  }
  if (Array.isArray(vector)) {
    if (vector.length !== 4) throw invalidArgType(name, 'a Uint8Array of length 4', vector);
    const out = new Uint8Array(4);
    for (let i = 0; i < 4; i++) {
      const x: unknown = vector[i];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) {
        throw outOfRange(`${name}[${i}]`, 'an integer >= 0 and <= 255', x);
      }
      out[i] = x;
    }
    return out;
  }
  throw invalidArgType(name, 'a Uint8Array of length 4', vector);
}

/**
 * Checks a uint32 address integer.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) unless a number; RangeError (ERR_OUT_OF_RANGE) unless
 *   an integer in 0..{@link MAX_IPV4_VALUE}.
 * @internal
 */
export function validateIpv4Integer(value: unknown, name = 'integer'): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > MAX_IPV4_VALUE) {
    throw outOfRange(name, `an integer >= 0 and <= ${MAX_IPV4_VALUE}`, value);
  }
}

/**
 * IOLib's `dotted-to-vector`: strict dotted-quad text to a 4-byte `Uint8Array`.
 * Unlike IOLib, the abbreviated forms (`127.1`) are refused.
 * @example dottedToVector('192.168.0.1') // Uint8Array [192, 168, 0, 1]
 * @throws AddressParseError when the text is not a valid IPv4 address; TypeError when not a string.
 */
export function dottedToVector(address: string): Uint8Array {
  validateString(address, 'address');
  const v = parseIpv4(address);
  if (v === null) throw new AddressParseError(address, `Invalid IPv4 address: ${JSON.stringify(address)}`);
  return v;
}

/**
 * IOLib's `dotted-to-integer`: strict dotted-quad text to a uint32 number.
 * @example dottedToInteger('128.0.0.1') // 2147483649
 * @throws AddressParseError when the text is not a valid IPv4 address; TypeError when not a string.
 */
export function dottedToInteger(address: string): number {
  return bytesToInteger(dottedToVector(address));
}

/**
 * IOLib's `vector-to-dotted`: a 4-byte vector (`Uint8Array` or array of bytes) to dotted text.
 * @example vectorToDotted(new Uint8Array([10, 0, 0, 1])) // '10.0.0.1'
 * @throws TypeError / RangeError for a bad vector.
 */
export function vectorToDotted(vector: Uint8Array | readonly number[]): string {
  return formatIpv4(toIpv4Vector(vector));
}

/**
 * IOLib's `integer-to-dotted`: a uint32 number to dotted text.
 * @example integerToDotted(0x7f000001) // '127.0.0.1'
 * @throws TypeError unless a number; RangeError unless an integer in 0..MAX_IPV4_VALUE.
 */
export function integerToDotted(integer: number): string {
  validateIpv4Integer(integer);
  return formatIpv4(integerToBytes(integer));
}

/**
 * IOLib's `vector-to-integer`: a 4-byte vector to a uint32 number (network byte order: the
 * first byte is the most significant).
 * @throws TypeError / RangeError for a bad vector.
 */
export function vectorToInteger(vector: Uint8Array | readonly number[]): number {
  return bytesToInteger(toIpv4Vector(vector));
}

/**
 * IOLib's `integer-to-vector`: a uint32 number to a new 4-byte `Uint8Array`.
 * @throws TypeError unless a number; RangeError unless an integer in 0..MAX_IPV4_VALUE.
 */
export function integerToVector(integer: number): Uint8Array {
  validateIpv4Integer(integer);
  return integerToBytes(integer);
}
