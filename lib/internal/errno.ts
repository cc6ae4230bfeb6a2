/**
 * The one conversion of the native core's error convention (a negative number is -errno) into
 * errno names and iolib's errors, used by every package; the names come from the addon.
 * @internal
 * @module
 */
import { getSystemErrorName } from 'node:util';
import { native } from '../native.js';
import { SyscallError } from '../errors.js';

/** The errno name ('ECONNREFUSED') of a negative native result. */
export function errnoCode(result: number): string {
  const name = native.errnoName(-result);
  if (name) return name;
  try {
    return getSystemErrorName(result);
  } catch {
    return `E${-result}`;
  }
}

/** Gives `err` the kernel's own number for `result` where its name alone did not (a number <errno.h> has no name for). */
export function withErrno<E extends SyscallError>(err: E, result: number): E {
  if (err.errno === 0) (err as { errno: number }).errno = -result;
  return err;
}

/** The SyscallError for a negative native result; `detail` goes after the code in the message. */
export function syscallError(result: number, syscall: string, detail?: string): SyscallError {
  const code = errnoCode(result);
  return withErrno(new SyscallError(code, syscall, detail === undefined ? undefined : `${syscall} ${code}: ${detail}`), result);
}
