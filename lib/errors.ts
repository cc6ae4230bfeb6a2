/**
 * The iolib condition hierarchy (IOLib's `iolib-error` tree): {@link IolibError} >
 * {@link SyscallError} > {@link SocketError} with one subclass per errno IOLib names, plus
 * {@link PollTimeoutError}, {@link AddressParseError} and the resolver errors. No native code:
 * the address values throw these, and import without the addon.
 * @module
 */
import { errnoNumber } from './internal/errno-numbers.js';
import { show } from './internal/validate.js';

/** Base class of every error iolib raises itself. */
export class IolibError extends Error {
  /** The class name, so messages and `util.inspect` show the condition. */
  override get name(): string {
    return this.constructor.name;
  }
}

/** A failed system call: `code` is the errno name, `errno` its number, `syscall` the call. */
export class SyscallError extends IolibError {
  /** The errno name ('ECONNREFUSED'), as on Node's own errors. */
  readonly code: string;
  /** The errno number (0 when this platform has no such errno). */
  readonly errno: number;
  /** The system call that failed ('connect', 'bind', ...). */
  readonly syscall: string;
  constructor(code: string, syscall: string, message?: string, options?: ErrorOptions) {
    super(message ?? `${syscall} ${code}`, options);
    this.code = code;
    this.errno = errnoNumber(code);
    this.syscall = syscall;
  }
}

/**
 * A failed socket operation. Subclasses name the errno; the base is used for the rest. Errors of
 * connect, bind and send to an address name it as node:net's do: `address` and `port` (internet)
 * or `address` and `path` (local, the filename), also at the end of the message.
 */
export class SocketError extends SyscallError {
  /** The address the call was about (the filename for a local socket), when it had one. */
  declare address?: string;
  /** The port the call was about (internet sockets). */
  declare port?: number;
  /** The filename the call was about (local sockets). */
  declare path?: string;
}

/** EADDRINUSE */
export class SocketAddressInUseError extends SocketError {}
/** EADDRNOTAVAIL */
export class SocketAddressNotAvailableError extends SocketError {}
/** EAFNOSUPPORT */
export class SocketAddressFamilyNotSupportedError extends SocketError {}
/** EISCONN (and EALREADY) */
export class SocketAlreadyConnectedError extends SocketError {}
/** ECONNABORTED */
export class SocketConnectionAbortedError extends SocketError {}
/** ECONNREFUSED */
export class SocketConnectionRefusedError extends SocketError {}
/** ECONNRESET */
export class SocketConnectionResetError extends SocketError {}
/** ETIMEDOUT */
export class SocketConnectionTimeoutError extends SocketError {}
/** EPIPE, ESHUTDOWN */
export class SocketEndpointShutdownError extends SocketError {}
/** EHOSTDOWN */
export class SocketHostDownError extends SocketError {}
/** EHOSTUNREACH */
export class SocketHostUnreachableError extends SocketError {}
/** ENETDOWN */
export class SocketNetworkDownError extends SocketError {}
/** ENETRESET */
export class SocketNetworkResetError extends SocketError {}
/** ENETUNREACH */
export class SocketNetworkUnreachableError extends SocketError {}
/** ENOBUFS, ENOMEM */
export class SocketNoBufferSpaceError extends SocketError {}
/** ENOTCONN */
export class SocketNotConnectedError extends SocketError {}
/** EOPNOTSUPP */
export class SocketOperationNotSupportedError extends SocketError {}
/** ENOPROTOOPT, or an option that does not apply to the socket's protocol */
export class SocketOptionNotSupportedError extends SocketError {}
/** EPROTONOSUPPORT */
export class SocketProtocolNotSupportedError extends SocketError {}
/** ESOCKTNOSUPPORT, EPROTOTYPE */
export class SocketTypeNotSupportedError extends SocketError {}
/** EACCES, EPERM */
export class SocketAccessDeniedError extends SocketError {}

/**
 * The process or the system is out of file descriptors (EMFILE, ENFILE). A listener meeting it
 * on accept does not fail: it pauses accepting, retries on a timer, and emits this error as
 * its `'acceptPaused'` event (see PassiveSocketBase.acceptConnection).
 */
export class SocketDescriptorLimitError extends SocketError {}
/** Any operation on a socket that has been closed (code ERR_SOCKET_CLOSED). */
export class SocketClosedError extends SocketError {
  constructor(syscall = 'socket', message = 'Socket is closed') {
    super('ERR_SOCKET_CLOSED', syscall, message);
  }
}

/** A wait (connect, accept, receive, poll) that ran out of time. */
export class PollTimeoutError extends IolibError {
  /** Always 'ETIMEDOUT'. */
  readonly code = 'ETIMEDOUT';
  /** The wait's limit in milliseconds. */
  readonly timeout: number;
  /** What was waited for: 'read', 'write', 'connect', ... */
  readonly event: string;
  /** A connect's: the address it waited on (the filename for a local socket). */
  declare address?: string;
  /** A connect's: the port it waited on (internet sockets). */
  declare port?: number;
  /** A connect's: the filename it waited on (local sockets). */
  declare path?: string;
  constructor(event: string, timeout: number) {
    super(`Timed out after ${timeout} ms waiting for ${event}`);
    this.event = event;
    this.timeout = timeout;
  }
}

/** Text or data that is not a valid address; `datum` is what was given. */
export class AddressParseError extends IolibError {
  /** Always 'ERR_ADDRESS_PARSE'. */
  readonly code = 'ERR_ADDRESS_PARSE';
  /** What could not be parsed. */
  readonly datum: unknown;
  constructor(datum: unknown, message?: string) {
    super(message ?? `Invalid address: ${typeof datum === 'string' ? JSON.stringify(datum) : show(datum)}`);
    this.datum = datum;
  }
}

/** An error thrown by an aborted wait, as Node's own APIs make it (name AbortError, code ABORT_ERR). */
export class AbortError extends Error {
  /** Always 'ABORT_ERR', as Node's AbortError. */
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: ErrorOptions) {
    super(message, options);
  }
  /** The class name, so messages and `util.inspect` show the condition. */
  override get name(): string {
    return 'AbortError';
  }
}
