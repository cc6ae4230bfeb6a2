/**
 * IOLib's abstract socket classes. JavaScript has one prototype chain and active sockets must
 * be `stream.Duplex` objects, so these classes answer `instanceof` from a set of traits each
 * concrete class declares, and their instance types describe the members they promise.
 * @module
 */
import type { Duplex } from 'node:stream';
import type { InetAddress } from '../address/index.js';
import type { InetName, LocalName, NetAddress } from './sockaddr.js';
import type { RawSocketOption, SocketOptionValue, SocketTypeName } from './options.js';
import type { BindOptions } from './core.js';
import type { ConnectOptions, ReceiveFromOptions, ReceiveFromResult, SendToOptions } from './active.js';
import type { AcceptOptions } from './passive.js';
import type { HostDesignator } from './resolve.js';

/** @internal The trait classes a concrete socket class answers `instanceof` for. */
export const kTraits = Symbol('iolib.traits');

function hasTrait(value: unknown, trait: object): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const traits = (value as { [kTraits]?: ReadonlySet<object> })[kTraits];
  return traits !== undefined && traits.has(trait);
}

/** Members every socket has (IOLib's `socket`). */
export interface Socket {
  /** The OS file descriptor, -1 once closed. */
  readonly fd: number;
  /** 'internet' (IPv4/IPv6) or 'local' (Unix). */
  readonly addressFamily: 'internet' | 'local';
  /** True for an IPv6 internet socket. */
  readonly ipv6: boolean;
  /** 'stream', 'datagram', 'seqpacket' or 'raw'. */
  readonly type: SocketTypeName;
  /** The protocol's name: 'tcp', 'udp', 'default' for local sockets, the raw protocol's name. */
  readonly protocol: string;
  /** True until the socket is closed. */
  isOpen(): boolean;
  /** True when the socket has a peer (getpeername succeeds). */
  isConnected(): boolean;
  /** The socket's own address: `{ host, port }` or `{ filename, abstract }`. */
  localName(): InetName | LocalName;
  /** The peer's address: `{ host, port }` or `{ filename, abstract }`. */
  remoteName(): InetName | LocalName;
  /** Reads a socket option by its camelCase name (see listSocketOptions). */
  getOption(name: string): SocketOptionValue;
  /** Reads an option outside the table by number: a C int, or with `size` its bytes. */
  getOption(name: RawSocketOption): number | Buffer;
  /** Sets a socket option by its camelCase name (or a raw `{ level, option }`); read-only options are a TypeError. */
  setOption(name: string | RawSocketOption, value: unknown): void;
  /** Binds the socket to a local address (and port, or local name); returns the socket. */
  bindAddress(address: HostDesignator | string, options?: BindOptions): this;
  /** Closes the socket, flushing pending writes unless `abort`; idempotent. */
  close(options?: { abort?: boolean }): Promise<void>;
  /** Lets the event loop exit while this socket is all that keeps it alive (node:net's unref). */
  unref(): this;
  /** Undoes {@link unref} (the default). */
  ref(): this;
  /** The same as close(): `await using s = await makeSocket(...)` closes s at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}
/** IOLib's `socket`: every socket is an instance. */
export abstract class Socket {
  /** True for every concrete socket class that has this class among its traits. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasTrait(value, this);
  }
}

/** Members of connected (or connectable) sockets: IOLib's `active-socket`. */
export interface ActiveSocket extends Socket, Duplex {
  /** Connects to `address` (and `port`); resolves once connected. */
  connect(address: HostDesignator, options?: ConnectOptions): Promise<this>;
  /** Shuts down the read side, the write side, or both (shutdown(2)). */
  shutdown(options?: { read?: boolean; write?: boolean }): this;
  /** Sends bytes directly with send(2)/sendto(2) flags; resolves with the bytes sent. */
  sendTo(buffer: Uint8Array, options?: SendToOptions): Promise<number>;
  /** Receives directly with recvfrom(2) flags; null when `dontWait` and nothing is there. */
  receiveFrom(options?: ReceiveFromOptions): Promise<ReceiveFromResult | null>;
  /** Read size and readable high-water mark of a byte stream. */
  readonly inputBufferSize: number;
  /** Writable high-water mark. */
  readonly outputBufferSize: number;
  /** The stream's encoding (IOLib's external format), null for Buffers. */
  readonly encoding: BufferEncoding | null;
  /** True while connect() waits (node:net's `connecting`). */
  readonly connecting: boolean;
  /** Emits 'timeout' after `msecs` ms without reads or writes (node:net's setTimeout). */
  setTimeout(msecs: number, callback?: () => void): this;
  /** The same as close(): `await using s = await makeSocket(...)` closes s at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}
/** IOLib's `active-socket`. */
export abstract class ActiveSocket extends Socket {}

/** Members of listening sockets: IOLib's `passive-socket`. */
export interface PassiveSocket extends Socket {
  /** Starts listening (listen(2)) with a backlog; returns the socket. */
  listenOn(options?: { backlog?: number }): this;
  /** True once listenOn has run and until close. */
  isListening(): boolean;
  /** Accepts a connection; null on timeout, or with `wait: false` when none is pending. */
  acceptConnection(options?: AcceptOptions): Promise<ActiveSocket | null>;
  /** The bound address as net.Server's address() gives it. */
  address(): NetAddress | string | null;
  /** Accepted connections, one by one, until the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<ActiveSocket>;
}
/** IOLib's `passive-socket`. */
export abstract class PassiveSocket extends Socket {}

/** IOLib's `stream-socket` (also seqpacket sockets, which keep the stream pair's shape). */
export interface StreamSocket extends Socket {}
/** IOLib's `stream-socket`. */
export abstract class StreamSocket extends Socket {}

/** Members of datagram sockets: IOLib's `datagram-socket`. */
export interface DatagramSocket extends Socket {
  /** Dissolves the association with the peer (nothing on a socket that has none); returns the socket. */
  disconnect(): this;
}
/** IOLib's `datagram-socket`. */
export abstract class DatagramSocket extends Socket {}

/** Members of internet sockets: IOLib's `internet-socket`. */
export interface InternetSocket extends Socket {
  /** The local address (undefined while unbound). */
  readonly localHost: InetAddress | undefined;
  /** The local port (undefined while unbound). */
  readonly localPort: number | undefined;
  /** The peer's address (undefined without a peer, and on passive sockets). */
  readonly remoteHost: InetAddress | undefined;
  /** The peer's port (undefined without a peer, and on passive sockets). */
  readonly remotePort: number | undefined;
}
/** IOLib's `internet-socket`. */
export abstract class InternetSocket extends Socket {}

/** Members of local (Unix) sockets: IOLib's `local-socket`. */
export interface LocalSocket extends Socket {
  /** The local name (undefined while unbound). */
  readonly localFilename: string | undefined;
  /** The peer's name (undefined without a peer, and on passive sockets). */
  readonly remoteFilename: string | undefined;
}
/** IOLib's `local-socket`. */
export abstract class LocalSocket extends Socket {}

/** @internal Declares the traits of a concrete class. */
export function declareTraits(cls: { prototype: object }, traits: object[]): void {
  Object.defineProperty(cls.prototype, kTraits, { value: new Set(traits), enumerable: false });
}
