/**
 * iolib: IOLib's socket model for Node.js. Everything: sockets, addresses, name databases,
 * the multiplexer.
 * @module
 */
export * from './sockets/index.js';
export * from './address/index.js';
export * from './dns/index.js';
export * from './multiplex/index.js';
export { ERROR_CODES, type ErrorCode } from './internal/validate.js';
