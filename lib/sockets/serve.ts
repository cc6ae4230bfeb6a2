/**
 * serve(): a node:net based server (http, https, http2, tls, net) fed from an iolib passive
 * socket, each accepted connection handed to it as node:net's listener does.
 * @module
 */
import { EventEmitter } from 'node:events';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import { invalidArgType } from '../internal/validate.js';
import { PassiveSocket } from './kinds.js';
import { StreamActiveBase } from './stream-active.js';

/** What serve() feeds: anything that takes connections as `'connection'` events. */
export interface ConnectionServer {
  /** Takes one accepted connection, as node:net's listening handle hands it over. */
  emit(event: 'connection', socket: unknown): boolean;
  /** Told once that it is listening, as `listen()` tells it. */
  emit(event: 'listening'): boolean;
  /** serve() listens for the server's close, to close the passive socket. */
  once(event: 'close', listener: () => void): unknown;
  /** serve() stops listening for the close once accepting has ended. */
  off(event: 'close', listener: () => void): unknown;
}

/**
 * Serves `server` (an `http.Server`, `https.Server`, `http2` server, `tls.Server` or
 * `net.Server` that was never `listen()`ed) from the passive socket `listener`: the server is
 * told `'listening'` (once, however many listeners serve it), as `listen()` would, and every
 * accepted connection is emitted to it as `'connection'`, as its own listening handle would.
 * Until it closes, the server's `listening` is true, its `address()` is the (first)
 * listener's and `close(callback)` calls back without an error. An http server starts its
 * connection tracking on `'listening'`: `headersTimeout`, `requestTimeout`,
 * `closeIdleConnections()` and `closeAllConnections()` need it. Closing the server
 * (`server.close()`) closes `listener`; closing `listener` ends the serving. Resolves once
 * accepting ends; rejects with an accept error that is not the listener's close.
 *
 * ```ts
 * const listener = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 8080 });
 * serve(http.createServer((req, res) => res.end('hello')), listener);
 * ```
 */
export async function serve(server: ConnectionServer, listener: PassiveSocket): Promise<void> {
  if (!(server instanceof EventEmitter)) throw invalidArgType('server', 'an EventEmitter such as an http.Server', server);
  if (!(listener instanceof PassiveSocket)) throw invalidArgType('listener', 'a passive iolib socket', listener);
  const stop = () => void listener.close();
  server.once('close', stop);
  if (!listening.has(server)) {
    listening.add(server);
    lendListening(server, listener);
    server.once('close', () => {
      listening.delete(server);
      for (const name of LENT) delete (server as unknown as Record<string, unknown>)[name];
    });
    server.emit('listening');
  }
  // TLS over a JavaScript stream loses the peer's address in Node (the TLS socket asks a
  // handle that has none): give the TLS socket its connection's address members.
  const secured = (tlsSocket: TLSSocket) => lendAddresses(tlsSocket);
  if (server instanceof TlsServer) server.on('secureConnection', secured);
  try {
    for await (const conn of listener) server.emit('connection', conn);
  } finally {
    server.off('close', stop);
    server.off('secureConnection', secured);
  }
}

/** Servers told `'listening'` and not closed since: a server served twice is told once. */
const listening = new WeakSet<ConnectionServer>();

/** The members lendListening gives a served server until it closes. */
const LENT = ['listening', 'address', 'close'] as const;

/**
 * Until it closes, a served server answers as if it listened itself, for code written for
 * listen(): `listening` is true, `address()` is its first listener's (node:net's shape), and
 * `close(callback)` calls back without the ERR_SERVER_NOT_RUNNING net.Server gives a server
 * with no handle of its own.
 */
function lendListening(server: ConnectionServer, listener: PassiveSocket): void {
  const own = server as unknown as { close?: (callback?: (err?: Error) => void) => unknown };
  const close = own.close;
  Object.defineProperty(server, 'listening', { configurable: true, enumerable: false, get: () => true });
  Object.defineProperty(server, 'address', { configurable: true, enumerable: false, writable: true, value: () => listener.address() });
  if (typeof close !== 'function') return;
  Object.defineProperty(server, 'close', {
    configurable: true,
    enumerable: false,
    writable: true,
    value(this: EventEmitter, callback?: (err?: Error) => void) {
      if (typeof callback === 'function') this.once('close', () => callback());
      return close.call(this);
    },
  });
}

const ADDRESS_MEMBERS = ['remoteAddress', 'remotePort', 'remoteFamily', 'localAddress', 'localPort', 'localFamily'] as const;

/** Makes a TLS socket layered over one of ours answer its address members from it. */
function lendAddresses(tlsSocket: TLSSocket): void {
  // The JSStreamSocket Node wraps a non-net stream in keeps it as `stream`.
  const wrap = (tlsSocket as unknown as { ssl?: { _parentWrap?: { stream?: unknown } } }).ssl?._parentWrap;
  const conn = wrap?.stream;
  if (!(conn instanceof StreamActiveBase) || tlsSocket.remoteAddress !== undefined) return;
  for (const name of ADDRESS_MEMBERS) {
    Object.defineProperty(tlsSocket, name, { configurable: true, enumerable: false, get: () => conn[name] });
  }
  Object.defineProperty(tlsSocket, 'address', { configurable: true, enumerable: false, writable: true, value: () => conn.address() });
}
