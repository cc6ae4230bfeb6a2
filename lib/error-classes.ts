/**
 * `node-iolib/errors`: every error class a function of the package can throw, from every layer
 * (sockets, name resolution, the multiplexer), and the table of the codes of its argument and
 * state errors.
 * @module
 */
export * from './errors.js';
export {
  ResolverError, ResolverAgainError, ResolverFailError, ResolverNoNameError, ResolverUnknownError,
  UnknownServiceError, UnknownProtocolError, UnknownInterfaceError,
} from './dns/errors.js';
export { PollerClosedError } from './multiplex/errors.js';
export { ERROR_CODES, type ErrorCode } from './internal/validate.js';
