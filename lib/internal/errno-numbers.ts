/**
 * Errno names to numbers, for errors made by name. Node's own table (os.constants.errno) until
 * the addon loads and adds the whole of the platform's <errno.h> (ESHUTDOWN, EHOSTDOWN, ...):
 * so the error classes, and the address values that throw them, import without the addon.
 * @internal
 * @module
 */
import { constants } from 'node:os';

let numbers: Readonly<Record<string, number>> = constants.errno;

/** Adds the addon's table (called once it loads). */
export function addErrnoNumbers(more: Readonly<Record<string, number>>): void {
  numbers = { ...numbers, ...more };
}

/** The number of the errno called `code` ('ECONNREFUSED'), or 0 when this platform has none. */
export function errnoNumber(code: string): number {
  return Object.hasOwn(numbers, code) ? numbers[code]! : 0;
}
