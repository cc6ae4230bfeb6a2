/**
 * The native core's error convention (a negative number is -errno) turned into iolib's typed
 * errors.
 * @internal
 * @module
 */
import { errnoCode, withErrno } from '../internal/errno.js';
import {
  PollTimeoutError,
  SocketAccessDeniedError, SocketAddressFamilyNotSupportedError, SocketAddressInUseError,
  SocketAddressNotAvailableError, SocketAlreadyConnectedError, SocketClosedError,
  SocketConnectionAbortedError, SocketConnectionRefusedError, SocketConnectionResetError,
  SocketConnectionTimeoutError, SocketDescriptorLimitError, SocketEndpointShutdownError,
  SocketError, SocketHostDownError, SocketHostUnreachableError, SocketNetworkDownError,
  SocketNetworkResetError, SocketNetworkUnreachableError, SocketNoBufferSpaceError,
  SocketNotConnectedError, SocketOperationNotSupportedError, SocketOptionNotSupportedError,
  SocketProtocolNotSupportedError, SocketTypeNotSupportedError,
} from '../errors.js';
import { endpointOf } from './sockaddr.js';
import type { Sockaddr } from '../internal/sockaddr.js';

const SOCKET_ERRORS: Record<string, typeof SocketError> = {
  EADDRINUSE: SocketAddressInUseError,
  EADDRNOTAVAIL: SocketAddressNotAvailableError,
  EAFNOSUPPORT: SocketAddressFamilyNotSupportedError,
  EISCONN: SocketAlreadyConnectedError,
  EALREADY: SocketAlreadyConnectedError,
  ECONNABORTED: SocketConnectionAbortedError,
  ECONNREFUSED: SocketConnectionRefusedError,
  ECONNRESET: SocketConnectionResetError,
  ETIMEDOUT: SocketConnectionTimeoutError,
  EPIPE: SocketEndpointShutdownError,
  ESHUTDOWN: SocketEndpointShutdownError,
  EHOSTDOWN: SocketHostDownError,
  EHOSTUNREACH: SocketHostUnreachableError,
  ENETDOWN: SocketNetworkDownError,
  ENETRESET: SocketNetworkResetError,
  ENETUNREACH: SocketNetworkUnreachableError,
  ENOBUFS: SocketNoBufferSpaceError,
  ENOMEM: SocketNoBufferSpaceError,
  ENOTCONN: SocketNotConnectedError,
  EOPNOTSUPP: SocketOperationNotSupportedError,
  ENOPROTOOPT: SocketOptionNotSupportedError,
  EPROTONOSUPPORT: SocketProtocolNotSupportedError,
  ESOCKTNOSUPPORT: SocketTypeNotSupportedError,
  EPROTOTYPE: SocketTypeNotSupportedError,
  EACCES: SocketAccessDeniedError,
  EMFILE: SocketDescriptorLimitError,
  ENFILE: SocketDescriptorLimitError,
  EPERM: SocketAccessDeniedError,
};

/** Builds the SocketError subclass for an errno name, as IOLib's signal-socket-error does. */
export function socketErrorFor(code: string, syscall: string, detail?: string): SocketError {
  const Cls = SOCKET_ERRORS[code] ?? SocketError;
  return new Cls(code, syscall, detail ? `${syscall} ${code} ${detail}` : undefined);
}

/** The typed error for a negative native result. EBADF on one of our handles means closed. */
export function failure(result: number, syscall: string): SocketError {
  const code = errnoCode(result);
  if (code === 'EBADF') return new SocketClosedError(syscall);
  return withErrno(socketErrorFor(code, syscall), result);
}

/** Returns a native result, or throws its typed error when it is negative. */
export function check(result: number, syscall: string): number {
  if (result < 0) throw failure(result, syscall);
  return result;
}

/** Like {@link check} for calls that return data or a negative number. */
export function checkData<T>(result: T | number, syscall: string): T {
  if (typeof result === 'number' && result < 0) throw failure(result, syscall);
  return result as T;
}

/**
 * Names the address a failed connect, bind or send was about, as node:net does
 * (`connect ECONNREFUSED 127.0.0.1:1`, with `address` and `port`, or `path`); a connect that
 * timed out too. Other errors (closed sockets, aborts) pass through unchanged.
 */
export function atAddress(err: unknown, sa: Sockaddr): unknown {
  const named = (err instanceof SocketError && !(err instanceof SocketClosedError)) || err instanceof PollTimeoutError;
  if (!named || err.address !== undefined) return err;
  const at = endpointOf(sa);
  Object.assign(err, at);
  err.message += ` ${'port' in at ? `${at.address.includes(':') ? `[${at.address}]` : at.address}:${at.port}` : at.address}`;
  return err;
}

/** As {@link check} for a call on an address: the error names it. */
export function checkAt(result: number, syscall: string, sa: Sockaddr): number {
  if (result < 0) throw atAddress(failure(result, syscall), sa);
  return result;
}
