/**
 * serve(): a node:net based server (http, https, http2, tls, net) fed from iolib passive
 * sockets, each accepted connection handed to it as node:net's listening handle hands it.
 * @module
 */
import { EventEmitter } from 'node:events';
import { Server as NetServer, Socket as NetSocket } from 'node:net';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import { invalidArgType } from '../internal/validate.js';
import { PassiveSocket, type ActiveSocket } from './kinds.js';
import { StreamActiveBase } from './stream-active.js';

/** What serve() feeds: anything that takes connections as `'connection'` events. */
export interface ConnectionServer {
  /** Takes one accepted connection, as node:net's listening handle hands it over. */
  emit(event: 'connection', socket: unknown): boolean;
  /** Told once that it is listening, as `listen()` tells it. */
  emit(event: 'listening'): boolean;
  /** serve() listens for the server's close, to close the passive sockets. */
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Serves `server` (an `http.Server`, `https.Server`, `http2` server, `tls.Server` or
 * `net.Server` that was never `listen()`ed) from the passive socket `listener`, as its own
 * listening handle would: the server is told `'listening'` on a later tick (once, however
 * many listeners serve it, and before any connection), and every accepted connection is
 * emitted to it as `'connection'`.
 *
 * A `net.Server` (every server above is one) gets node:net's handling of each connection: its
 * `allowHalfOpen` (not the listener's), `noDelay`, `keepAlive` and `keepAliveInitialDelay`
 * apply, a positive `maxConnections` closes the connections beyond it after `'drop'`, and the
 * connection counts in `getConnections()` until it closes. The TLS sockets of a `tls.Server`
 * (https, http2 secure) and the session sockets of a cleartext http2 server, which Node layers
 * over the connection without its address, get the connection's address members before the
 * server's own listeners see them.
 *
 * Until it closes, the server answers as a listening one: `listening` is true, `address()` is
 * the (first) listener's, `close(callback)` calls back without the `ERR_SERVER_NOT_RUNNING` a
 * server with no handle of its own gives, and `ref()`/`unref()` ref and unref the listeners.
 * `server.close()` closes the listeners at once; the server emits `'close'` (and calls back)
 * once its served connections are gone, as node:net's does. Closing a listener ends its
 * serving. An http server starts its connection tracking on `'listening'`: `headersTimeout`,
 * `requestTimeout`, `closeIdleConnections()` and `closeAllConnections()` need it. Resolves
 * once accepting ends; rejects with an accept error that is not the listener's close.
 *
 * ```ts
 * const listener = await makeSocket({ connect: 'passive', localHost: '127.0.0.1', localPort: 8080 });
 * serve(http.createServer((req, res) => res.end('hello')), listener);
 * ```
 */
export async function serve(server: ConnectionServer, listener: PassiveSocket): Promise<void> {
  if (!(server instanceof EventEmitter)) throw invalidArgType('server', 'an EventEmitter such as an http.Server', server);
  if (!(listener instanceof PassiveSocket)) throw invalidArgType('listener', 'a passive iolib socket', listener);
  const state = served.get(server) ?? begin(server);
  state.listeners.add(listener);
  if (state.unrefd) listener.unref();
  // begin() queued 'listening' on an earlier tick: the server hears it before any connection.
  await new Promise<void>((resolve) => process.nextTick(resolve));
  try {
    for await (const conn of listener) {
      // Closed between the accept and here: node:net takes no connection after close().
      if (served.get(server) !== state) conn.destroy();
      else hand(server, conn);
    }
  } finally {
    state.listeners.delete(listener);
  }
}

/** What serve() keeps of a server from its first serve() until the server closes. */
interface Served {
  /** The passive sockets feeding it. */
  readonly listeners: Set<PassiveSocket>;
  /** The server was unref'd: its listeners, also those added later, do not hold the process. */
  unrefd: boolean;
}

/** Servers being served. A server closed and served again starts anew. */
const served = new WeakMap<ConnectionServer, Served>();

/** The members lend() gives a served server until it closes. */
const LENT = ['listening', 'address', 'close', 'ref', 'unref'] as const;

/** The node:net Server members serve() reads and keeps, as node:net's listening handle does. */
interface NetServerState {
  allowHalfOpen?: unknown;
  noDelay?: unknown;
  keepAlive?: unknown;
  /** In seconds: net.Server keeps its option's ms rounded down. */
  keepAliveInitialDelay?: unknown;
  maxConnections?: number;
  _connections: number;
  _emitCloseIfDrained(): void;
}

/** The start of a server's serving: what lasts until it closes, and its `'listening'`. */
function begin(server: ConnectionServer): Served {
  const state: Served = { listeners: new Set(), unrefd: false };
  served.set(server, state);
  lend(server, state);
  const emitter = server as unknown as EventEmitter;
  const lending = lendingListeners(server);
  for (const [event, listener] of lending) emitter.prependListener(event, listener);
  server.once('close', () => {
    end(server, state);
    // Kept until now: a handshake that ends after close() still gets its addresses.
    for (const [event, listener] of lending) emitter.off(event, listener);
  });
  // listen() tells it on a later tick too, so `serve(); await once(server, 'listening')` works;
  // unless the server closed meanwhile, as listen()'s tick checks.
  process.nextTick(() => {
    if (served.get(server) === state) server.emit('listening');
  });
  return state;
}

/** The end of a server's serving (its close() or its `'close'`): listeners close. */
function end(server: ConnectionServer, state: Served): void {
  if (served.get(server) !== state) return;
  served.delete(server);
  for (const name of LENT) delete (server as unknown as Record<string, unknown>)[name];
  for (const listener of state.listeners) void listener.close();
}

/**
 * Hands `conn` to the server. A net.Server gets what node:net's listening handle does
 * (lib/net.js onconnection): maxConnections, allowHalfOpen, noDelay, keepAlive, and the count
 * that getConnections() answers and close() waits on.
 */
function hand(server: ConnectionServer, conn: ActiveSocket): void {
  if (!(server instanceof NetServer)) {
    server.emit('connection', conn);
    return;
  }
  const net = server as unknown as NetServerState;
  if (net.maxConnections && net._connections >= net.maxConnections) {
    drop(server, conn);
    return;
  }
  conn.allowHalfOpen = Boolean(net.allowHalfOpen);
  if (conn instanceof StreamActiveBase) {
    if (net.noDelay) conn.setNoDelay(true);
    if (net.keepAlive) conn.setKeepAlive(true, (Number(net.keepAliveInitialDelay) || 0) * 1000);
  }
  net._connections++;
  conn.once('close', () => {
    net._connections--;
    // While served, _emitCloseIfDrained would take the missing handle for a closed server.
    if (!served.has(server)) net._emitCloseIfDrained();
  });
  server.emit('connection', conn);
  // The TLS socket made over the connection took the server's allowHalfOpen, and ends the
  // connection itself: ending on the peer's end as well, the connection would refuse the TLS
  // socket's last writes (EPIPE) while it flushes what it still holds.
  if (server instanceof TlsServer) conn.allowHalfOpen = true;
}

/** A connection beyond maxConnections: `'drop'` with node:net's details (none for Unix sockets), then closed. */
function drop(server: NetServer, conn: ActiveSocket): void {
  if (conn instanceof StreamActiveBase && conn.addressFamily === 'internet') {
    server.emit('drop', {
      __proto__: null,
      localAddress: conn.localAddress,
      localPort: conn.localPort,
      localFamily: conn.localFamily,
      remoteAddress: conn.remoteAddress,
      remotePort: conn.remotePort,
      remoteFamily: conn.remoteFamily,
    });
  } else {
    server.emit('drop');
  }
  conn.destroy();
}

/** A cleartext http2 server (the secure one is a tls.Server). */
function isHttp2Server(server: NetServer): boolean {
  return typeof (server as unknown as { updateSettings?: unknown }).updateSettings === 'function';
}

/**
 * Until it closes, a served server answers as if it listened itself, for code written for
 * listen(): `listening` is true, `address()` is its first listener's (node:net's shape),
 * `close(callback)` closes the listeners and calls back without the ERR_SERVER_NOT_RUNNING
 * net.Server gives a server with no handle of its own, and `ref()`/`unref()` act on the
 * listeners, which stand for that handle.
 */
function lend(server: ConnectionServer, state: Served): void {
  const own = server as unknown as {
    close?: (callback?: (err?: Error) => void) => unknown;
    ref?: () => unknown;
    unref?: () => unknown;
  };
  const { close, ref, unref } = own;
  const define = (name: (typeof LENT)[number], value: unknown) =>
    Object.defineProperty(server, name, { configurable: true, enumerable: false, writable: true, value });
  Object.defineProperty(server, 'listening', { configurable: true, enumerable: false, get: () => true });
  define('address', () => [...state.listeners][0]?.address() ?? null);
  const refTo = (on: boolean, original: (() => unknown) | undefined) =>
    function (this: unknown) {
      state.unrefd = !on;
      for (const listener of state.listeners) {
        if (on) listener.ref();
        else listener.unref();
      }
      original?.call(this);
      return this;
    };
  define('ref', refTo(true, ref));
  define('unref', refTo(false, unref));
  if (typeof close !== 'function') return;
  define('close', function (this: EventEmitter, callback?: (err?: Error) => void) {
    end(server, state);
    if (typeof callback === 'function') this.once('close', () => callback());
    // net.Server's close emits 'close' once the served connections it counts are gone.
    return close.call(this);
  });
}

/**
 * Listeners that give the sockets a server layers over an iolib connection (TLS, cleartext
 * http2) that connection's address members, which Node's own cannot read (they ask a handle
 * that a JavaScript stream does not have). Prepended, so the server's own listeners (the
 * `tls.createServer` callback, http2's session setup) already see the addresses.
 */
function lendingListeners(server: ConnectionServer): [string, Parameters<EventEmitter['on']>[1]][] {
  if (server instanceof TlsServer) {
    return [
      ['secureConnection', (tlsSocket: TLSSocket) => lendTlsAddresses(tlsSocket)],
      ['tlsClientError', (_err: Error, tlsSocket: TLSSocket) => lendTlsAddresses(tlsSocket)],
    ];
  }
  if (server instanceof NetServer && isHttp2Server(server)) return [['session', (session: object) => lendSessionAddresses(session)]];
  return [];
}

/** A TLS socket over one of ours: the JSStreamSocket Node wraps it in keeps it as `stream`. */
function lendTlsAddresses(tlsSocket: TLSSocket): void {
  const wrap = (tlsSocket as unknown as { ssl?: { _parentWrap?: { stream?: unknown } } }).ssl?._parentWrap;
  lendAddresses(tlsSocket, wrap?.stream);
}

/**
 * A cleartext http2 session wraps the connection in a JSStreamSocket, which it keeps under a
 * private symbol (`Symbol(socket)`), the socket that `session.socket` and `req.socket` answer for.
 */
function lendSessionAddresses(session: object): void {
  const key = Object.getOwnPropertySymbols(session).find((symbol) => symbol.description === 'socket');
  const wrap: unknown = key && (session as Record<symbol, unknown>)[key];
  if (wrap instanceof NetSocket) lendAddresses(wrap, (wrap as unknown as { stream?: unknown }).stream);
}

const ADDRESS_MEMBERS = ['remoteAddress', 'remotePort', 'remoteFamily', 'localAddress', 'localPort', 'localFamily'] as const;

/** Makes `socket`, layered over `conn`, answer its address members from `conn` if that is one of ours. */
function lendAddresses(socket: NetSocket, conn: unknown): void {
  if (!(conn instanceof StreamActiveBase) || socket.remoteAddress !== undefined) return;
  for (const name of ADDRESS_MEMBERS) {
    Object.defineProperty(socket, name, { configurable: true, enumerable: false, get: () => conn[name] });
  }
  Object.defineProperty(socket, 'address', { configurable: true, enumerable: false, writable: true, value: () => conn.address() });
}
