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
  readonly addressFamily: 'internet' | 'local';
  readonly ipv6: boolean;
  readonly type: SocketTypeName;
  readonly protocol: string;
  isOpen(): boolean;
  isConnected(): boolean;
  localName(): InetName | LocalName;
  remoteName(): InetName | LocalName;
  getOption(name: string): SocketOptionValue;
  getOption(name: RawSocketOption): number | Buffer;
  setOption(name: string | RawSocketOption, value: unknown): void;
  bindAddress(address: HostDesignator | string, options?: BindOptions): this;
  close(options?: { abort?: boolean }): Promise<void>;
  /** Lets the event loop exit while this socket is all that keeps it alive (node:net's unref). */
  unref(): this;
  /** Undoes {@link unref} (the default). */
  ref(): this;
  [Symbol.asyncDispose](): Promise<void>;
}
/** IOLib's `socket`: every socket is an instance. */
export abstract class Socket {
  static [Symbol.hasInstance](value: unknown): boolean {
    return hasTrait(value, this);
  }
}

/** Members of connected (or connectable) sockets: IOLib's `active-socket`. */
export interface ActiveSocket extends Socket, Duplex {
  connect(address: HostDesignator, options?: ConnectOptions): Promise<this>;
  shutdown(options?: { read?: boolean; write?: boolean }): this;
  sendTo(buffer: Uint8Array, options?: SendToOptions): Promise<number>;
  receiveFrom(options?: ReceiveFromOptions): Promise<ReceiveFromResult | null>;
  readonly inputBufferSize: number;
  readonly outputBufferSize: number;
  readonly encoding: BufferEncoding | null;
  /** True while connect() waits (node:net's `connecting`). */
  readonly connecting: boolean;
  /** Emits 'timeout' after `msecs` ms without reads or writes (node:net's setTimeout). */
  setTimeout(msecs: number, callback?: () => void): this;
  [Symbol.asyncDispose](): Promise<void>;
}
/** IOLib's `active-socket`. */
export abstract class ActiveSocket extends Socket {}

/** Members of listening sockets: IOLib's `passive-socket`. */
export interface PassiveSocket extends Socket {
  listenOn(options?: { backlog?: number }): this;
  isListening(): boolean;
  acceptConnection(options?: AcceptOptions): Promise<ActiveSocket | null>;
  /** The bound address as net.Server's address() gives it. */
  address(): NetAddress | string | null;
  [Symbol.asyncIterator](): AsyncIterator<ActiveSocket>;
}
/** IOLib's `passive-socket`. */
export abstract class PassiveSocket extends Socket {}

/** IOLib's `stream-socket` (also seqpacket sockets, which keep the stream pair's shape). */
export interface StreamSocket extends Socket {}
/** IOLib's `stream-socket`. */
export abstract class StreamSocket extends Socket {}

/** IOLib's `datagram-socket`. */
export interface DatagramSocket extends Socket {}
/** IOLib's `datagram-socket`. */
export abstract class DatagramSocket extends Socket {}

/** Members of internet sockets: IOLib's `internet-socket`. */
export interface InternetSocket extends Socket {
  readonly localHost: InetAddress | undefined;
  readonly localPort: number | undefined;
}
/** IOLib's `internet-socket`. */
export abstract class InternetSocket extends Socket {}

/** Members of local (Unix) sockets: IOLib's `local-socket`. */
export interface LocalSocket extends Socket {
  readonly localFilename: string | undefined;
}
/** IOLib's `local-socket`. */
export abstract class LocalSocket extends Socket {}

/** @internal Declares the traits of a concrete class. */
export function declareTraits(cls: { prototype: object }, traits: object[]): void {
  Object.defineProperty(cls.prototype, kTraits, { value: new Set(traits), enumerable: false });
}
