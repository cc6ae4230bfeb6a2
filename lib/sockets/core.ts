/**
 * What every socket shares, active or passive: the fd handle, its kind, names, options,
 * readiness waits and close. Applied as a mixin to stream.Duplex (active sockets) and
 * EventEmitter (passive sockets), since JavaScript has one prototype chain.
 * @internal
 * @module
 */
// Unused in the code, but the declarations emitted for the SocketCore mixin name it.
import type { EventEmitter } from 'node:events';
import { Buffer } from 'node:buffer';
import { H, C, native, type FdHandle } from '../native.js';
export { whenClosed } from '../native.js';
import { SocketClosedError } from '../errors.js';
import { invalidArgType, validateBoolean, validateObject } from '../internal/validate.js';
import { WaitQueue } from '../internal/wait.js';
import type { InetAddress } from '../address/index.js';
import { checkAt, checkData, failure, socketErrorFor } from './syscall.js';
import { decodeSockaddr, inetSockaddr, localSockaddr, type InetName, type LocalName } from './sockaddr.js';
import { getRawSocketOption, getSocketOption, setRawSocketOption, setSocketOption, type RawSocketOption, type SocketOptionValue, type SocketTypeName } from './options.js';
import { literalHost, resolvePort, type HostDesignator, type PortDesignator } from './resolve.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import type { StreamWriter } from './stream-writer.js';

/** A socket's fixed description. */
export interface SocketKind {
  readonly addressFamily: 'internet' | 'local';
  readonly ipv6: boolean;
  readonly type: SocketTypeName;
  readonly protocol: string;
}

/** An EventEmitter listener, as the re-declared members of the socket classes take it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

/** Validates close()'s options (shared by active and passive sockets). */
export function validateCloseOptions(options: { abort?: boolean }): void {
  validateObject(options, 'options');
  if (options.abort !== undefined) validateBoolean(options.abort, 'options.abort');
}

/** Options of `bindAddress`. */
export interface BindOptions {
  /** Internet sockets: the port (number or service name; default 0, any). */
  port?: PortDesignator | undefined;
  /** Set SO_REUSEADDR before binding. */
  reuseAddress?: boolean | undefined;
  /** Local sockets: bind in the Linux abstract namespace. */
  abstract?: boolean | undefined;
}

/** A socket's kind with its read chunk and high-water marks (see `_profile`). */
export interface SocketProfile {
  readonly kind: SocketKind;
  readonly input: number;
  readonly output: number;
  /** The largest byte read: `input`, or GROWN_READ_SIZE when inputBufferSize was left unset. */
  readonly readMax: number;
}

/**
 * How far byte reads grow when inputBufferSize is left unset: from the default 64 KiB, doubling
 * while each read fills what it was given, halving when one comes back under half full. A bulk
 * transfer then costs a quarter of the reads and of the calls into JS (and into a parser above
 * the socket); a request-response stream never fills 64 KiB and stays there. 256 KiB is the
 * native core's slab (native/slab_cache.h): one read never needs more than one.
 */
export const GROWN_READ_SIZE = 262144;

const profiles = new WeakMap<SocketKind, Map<number, Map<number, SocketProfile>>>();

/**
 * The shared profile of `kind` with these sizes (input at most 2^24, output at most 2^30);
 * `grow`: byte reads may grow past `input` to GROWN_READ_SIZE.
 */
export function profileFor(kind: SocketKind, input: number, output: number, grow: boolean): SocketProfile {
  let byKind = profiles.get(kind);
  if (byKind === undefined) profiles.set(kind, (byKind = new Map()));
  let byInput = byKind.get(input);
  if (byInput === undefined) byKind.set(input, (byInput = new Map()));
  const key = output * 2 + (grow ? 1 : 0);
  let p = byInput.get(key);
  if (p === undefined) {
    const readMax = grow ? Math.max(input, GROWN_READ_SIZE) : input;
    byInput.set(key, (p = Object.freeze({ kind, input, output, readMax })));
  }
  return p;
}

/** The kind of a socket not yet attached to its fd. */
const NO_KIND = Object.freeze({}) as SocketKind;

/** Default read chunk and high-water marks. */
export const DEFAULT_BUFFER_SIZE = 65536;

/** Before a socket has a kind; sizes are the defaults. */
export const NO_PROFILE = profileFor(NO_KIND, DEFAULT_BUFFER_SIZE, DEFAULT_BUFFER_SIZE, true);

/** A socket's rarely used state (see `_extra`); one shape for every kind. */
export interface SocketExtra {
  /** The socket's profile, which its own field holds while it has no extra state. */
  profile: SocketProfile;
  readWaits: WaitQueue | null;
  writeWaits: WaitQueue | null;
  /** Direct sends pausing between tries for room at a destination (see _sendRetryWait). */
  roomWaits: WaitQueue | null;
  /** Direct sends waiting for room, in call order: the last one's settling (see _sendInOrder). */
  blockedSends: Promise<unknown> | null;
  observer: ReadinessObserver | null;
  closing: Promise<void> | null;
  /** Active sockets: close() flushes without shutdown(2). */
  closeWithoutShutdown: boolean;
  /** Byte streams: the write side while it holds a remainder or send-ring bytes. */
  writer: StreamWriter | null;
  /** Byte streams: a read asked for before connect, to start on connect. */
  readDeferred: boolean;
  /** Active sockets: setTimeout's idle timer, its ms, and whether it is armed. */
  idleTimer: NodeJS.Timeout | null;
  idleMs: number;
  idleArmed: boolean;
  /** Active sockets: the `timeout` property (setTimeout's last msecs, or what was assigned). */
  timeout: number | undefined;
  /** Active sockets: what waits for the connect in progress (writes and end() of byte streams). */
  connectWaiters: ((err: Error | null) => void)[] | null;
  /** Byte streams: the peer's name once read while connected, which outlives the close as node:net's does. */
  peerSeen: InetName | LocalName | null;
}

/** Whether the socket's profile field holds its extra state. */
function isExtra(p: SocketProfile | SocketExtra): p is SocketExtra {
  return (p as Partial<SocketExtra>).profile !== undefined;
}

/**
 * Extra state holding `profile` and nothing else. A literal rather than a spread of NO_EXTRA:
 * V8 copies a frozen object property by property, on its slow path.
 */
function emptyExtra(profile: SocketProfile): SocketExtra {
  return {
    profile,
    readWaits: null,
    writeWaits: null,
    roomWaits: null,
    blockedSends: null,
    observer: null,
    closing: null,
    closeWithoutShutdown: false,
    writer: null,
    readDeferred: false,
    idleTimer: null,
    idleMs: 0,
    idleArmed: false,
    timeout: undefined,
    connectWaiters: null,
    peerSeen: null,
  };
}

/** The extra state of a socket that needs none: what `_more()` starts from, and what lets it go. */
const NO_EXTRA: Readonly<SocketExtra> = Object.freeze(emptyExtra(NO_PROFILE));
const EXTRA_FIELDS = (Object.keys(NO_EXTRA) as (keyof SocketExtra)[]).filter((k) => k !== 'profile');

/** Whether `x` holds nothing beyond NO_EXTRA and the profile (the socket can let it go). */
function holdsNothing(x: SocketExtra): boolean {
  for (const k of EXTRA_FIELDS) if (x[k] !== NO_EXTRA[k]) return false;
  return true;
}

/**
 * Defines accessors on `proto` that keep each named property in the socket's `_extra` object:
 * reads give the NO_EXTRA value while there is no such object, and storing that value makes none.
 */
export function extraAccessors(proto: object, names: Record<string, keyof SocketExtra>): void {
  for (const [name, key] of Object.entries(names)) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: { _extra: SocketExtra | null }) {
        const x = this._extra;
        return x === null ? NO_EXTRA[key] : x[key];
      },
      set(this: { _extra: SocketExtra | null; _more(): SocketExtra }, v: never) {
        if (v !== NO_EXTRA[key] || this._extra !== null) this._more()[key] = v;
      },
    });
  }
}

/** Observes a socket's readiness events (the multiplexer shares the socket's one watcher). */
export interface ReadinessObserver {
  interest: number;
  onEvents(events: number): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor<T = object> = new (...args: any[]) => T;

const { UV_READABLE, UV_WRITABLE, UV_DISCONNECT } = C as Record<string, number>;

/** Adds the socket core to `Base`. */
export function SocketCore<TBase extends Ctor<NodeJS.EventEmitter>>(Base: TBase) {
  class SocketCoreImpl extends Base {
    /**
     * @internal EventEmitter's listener count, which Duplex leaves on the prototype: the first
     * listener would add it as the socket's one property beyond its in-object slots, in a
     * property array of its own (40 bytes where a slot is 8).
     */
    _eventsCount = 0;
    /** @internal The native handle; null once closed (only _closeHandle closes it). */
    _fdHandle: FdHandle | null = null;
    /**
     * @internal The socket's profile while it has no extra state, then that state (which
     * holds the profile): one field for both, each 8 bytes of every socket.
     */
    _profileOrExtra: SocketProfile | SocketExtra = NO_PROFILE;
    /**
     * @internal What sockets of one kind and buffer sizes share: one object for thousands of
     * sockets, where three fields each would cost 24 bytes a socket.
     */
    get _profile(): SocketProfile {
      const p = this._profileOrExtra;
      return isExtra(p) ? p.profile : p;
    }
    set _profile(profile: SocketProfile) {
      const p = this._profileOrExtra;
      if (isExtra(p)) p.profile = profile;
      else this._profileOrExtra = profile;
    }
    /** @internal */
    get _kind(): SocketKind {
      return this._profile.kind;
    }
    /**
     * @internal The state most sockets never use, in one object made on first use: each field
     * an idle socket does not carry saves 8 bytes of it, thousands of times over. Null while
     * there is none.
     */
    get _extra(): SocketExtra | null {
      const p = this._profileOrExtra;
      return isExtra(p) ? p : null;
    }

    /** @internal Kept in `_extra` (see extraAccessors); made on first use. */
    declare _readWaits: WaitQueue | null;
    /** @internal Kept in `_extra`. */
    declare _writeWaits: WaitQueue | null;
    /** @internal Kept in `_extra`: direct sends pausing for room (they fail on close too). */
    declare _roomWaits: WaitQueue | null;
    /** @internal Kept in `_extra`. */
    declare _observer: ReadinessObserver | null;
    /** @internal Kept in `_extra`. */
    declare _closing: Promise<void> | null;

    /** @internal The extra state, made now if it was not. */
    _more(): SocketExtra {
      const p = this._profileOrExtra;
      return isExtra(p) ? p : (this._profileOrExtra = emptyExtra(p));
    }

    /** @internal Lets the extra state go, keeping the profile it held. */
    _less(x: SocketExtra): void {
      this._profileOrExtra = x.profile;
    }

    /** @internal Takes ownership of `handle`. */
    _attach(handle: FdHandle, kind: SocketKind): void {
      this._fdHandle = handle;
      const { input, output, readMax } = this._profile;
      this._profile = profileFor(kind, input, output, readMax !== input);
    }

    /** The OS file descriptor; -1 once closed (IOLib's socket-os-fd). */
    get fd(): number {
      const fd = this._fdHandle === null ? -1 : H.fd(this._fdHandle);
      return fd < 0 ? -1 : fd;
    }
    /** 'internet' or 'local'. */
    get addressFamily(): 'internet' | 'local' {
      return this._kind.addressFamily;
    }
    /** True for an IPv6 internet socket. */
    get ipv6(): boolean {
      return this._kind.ipv6;
    }
    /** 'stream', 'datagram', 'seqpacket' or 'raw'. */
    get type(): SocketTypeName {
      return this._kind.type;
    }
    /** The protocol's name ('tcp', 'udp', 'default', 'icmp', ...). */
    get protocol(): string {
      return this._kind.protocol;
    }

    /** True until the socket is closed. */
    isOpen(): boolean {
      return this._fdHandle !== null;
    }

    /** @internal The open handle, or a SocketClosedError for `syscall`. */
    _open(syscall: string): FdHandle {
      const h = this._fdHandle;
      if (h === null) throw new SocketClosedError(syscall);
      return h;
    }

    /** The socket's own address: `{ host, port }` or `{ filename, abstract }`. */
    localName(): InetName | LocalName {
      const raw = checkData<Sockaddr>(H.getsockname(this._open('getsockname')), 'getsockname');
      return decodeSockaddr(raw) ?? { filename: '', abstract: false };
    }

    /** The peer's address; throws SocketNotConnectedError when there is none. */
    remoteName(): InetName | LocalName {
      const raw = checkData<Sockaddr>(H.getpeername(this._open('getpeername')), 'getpeername');
      return decodeSockaddr(raw) ?? { filename: '', abstract: false };
    }

    /** @internal The peer's address, or null when not connected. */
    _peer(): InetName | LocalName | null {
      const h = this._fdHandle;
      if (h === null) return null;
      const raw = H.getpeername(h);
      return typeof raw === 'number' ? null : decodeSockaddr(raw);
    }

    /**
     * Reads a socket option (API.md 2.1) by its name in the table, or one outside the table
     * by number: `{ level, option }` answers a C int, `{ level, option, size }` the bytes.
     */
    getOption(name: string): SocketOptionValue;
    /** Reads an option outside the table by number: a C int, or with `size` its bytes. */
    getOption(name: RawSocketOption): number | Buffer;
    getOption(name: string | RawSocketOption): SocketOptionValue | Buffer {
      if (typeof name === 'object' && name !== null) return getRawSocketOption(this._open('getsockopt'), name);
      return getSocketOption(this._open('getsockopt'), this._kind, name);
    }

    /**
     * Sets a socket option (API.md 2.1) by its name in the table, or one outside the table by
     * number (`{ level, option }`) to a number (a C int) or a Buffer.
     */
    setOption(name: string | RawSocketOption, value: unknown): void {
      if (typeof name === 'object' && name !== null) setRawSocketOption(this._open('setsockopt'), name, value);
      else setSocketOption(this._open('setsockopt'), this._kind, name, value);
    }

    /**
     * Binds the socket: an internet host designator with `port`, or a local filename.
     * Returns the socket.
     */
    bindAddress(address: HostDesignator | string, options: BindOptions = {}): this {
      validateObject(options, 'options');
      const h = this._open('bind');
      if (this._kind.addressFamily === 'local') {
        if (typeof address !== 'string') throw invalidArgType('address', 'a filename string for a local socket', address);
        const sa = localSockaddr(address, options.abstract === true, 'address');
        checkAt(H.bind(h, ...sa), 'bind', sa);
        return this;
      }
      const host = literalHost(address as HostDesignator, 'address');
      if (!host) throw invalidArgType('address', 'an address (bindAddress does not resolve names)', address);
      const port = resolvePort(options.port, 'options.port', this._kind.type === 'datagram' ? 'udp' : 'tcp');
      if (options.reuseAddress !== undefined) this.setOption('reuseAddress', options.reuseAddress);
      this._bindInet(host, port);
      return this;
    }

    /** @internal Binds to an internet address, mapping IPv4 onto an IPv6 socket. */
    _bindInet(host: InetAddress, port: number): void {
      const sa = this._inetArgs(host, port, 'bind');
      checkAt(H.bind(this._open('bind'), ...sa), 'bind', sa);
    }

    /** @internal Native arguments for an internet address on this socket's family. */
    _inetArgs(host: InetAddress, port: number, syscall: string): Sockaddr {
      const sa = inetSockaddr(host, port);
      if (sa[0] === 4 && this._kind.ipv6) {
        const mapped = new Uint8Array(16);
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped.set(sa[1], 12);
        return [6, mapped, port, 0];
      }
      if (sa[0] === 6 && !this._kind.ipv6) throw socketErrorFor('EAFNOSUPPORT', syscall, `(an IPv6 address on an IPv4 socket)`);
      return sa;
    }

    /**
     * Lets the event loop exit while this socket's waits (reads, accepts, connects) are all
     * that keep it alive, as node:net's `unref()`. Returns the socket.
     */
    unref(): this {
      if (this._fdHandle !== null) H.setRef(this._fdHandle, false);
      this._refChanged(false);
      return this;
    }

    /** Undoes {@link unref}: the socket's waits keep the event loop alive again (the default). */
    ref(): this {
      if (this._fdHandle !== null) H.setRef(this._fdHandle, true);
      this._refChanged(true);
      return this;
    }

    /** @internal Hook for what else a socket holds the loop with (passive sockets). */
    _refChanged(_ref: boolean): void {}

    /** @internal Waits until the fd is readable (or errors, or hangs up). */
    _waitReadable(event: string, timeout?: number, signal?: AbortSignal): Promise<void> {
      this._open(event);
      return (this._readWaits ??= new WaitQueue()).wait(event, timeout, signal, () => this._updateNotify());
    }

    /** @internal Waits until the fd is writable. */
    _waitWritable(event: string, timeout?: number, signal?: AbortSignal): Promise<void> {
      this._open(event);
      return (this._writeWaits ??= new WaitQueue()).wait(event, timeout, signal, () => this._updateNotify());
    }

    /** @internal Whether the stream side has writes waiting for the kernel. */
    _writesPending(): boolean {
      return false;
    }

    /** @internal Recomputes the watcher's interest from everything that waits. */
    _updateNotify(): void {
      const h = this._fdHandle;
      if (h === null) return;
      let mask = this._observer ? this._observer.interest : 0;
      // Empty queues are dropped: a connect's wait must not cost every connection its memory.
      if (this._readWaits?.size) mask |= UV_READABLE!;
      else this._readWaits = null;
      if (this._writeWaits?.size) mask |= UV_WRITABLE!;
      else this._writeWaits = null;
      if (this._writesPending()) mask |= UV_WRITABLE!;
      const x = this._extra;
      if (x !== null && holdsNothing(x)) this._less(x);
      const r = H.setNotify(h, mask);
      if (r < 0) {
        const err = failure(r, 'poll');
        this._readWaits?.failAll(err);
        this._writeWaits?.failAll(err);
      }
    }

    /** @internal The native watcher's report: events bits, or -errno. */
    _onNativeEvent(events: number): void {
      const all = events < 0 ? -1 : events;
      if (all & (UV_READABLE! | UV_DISCONNECT!)) this._readWaits?.wakeAll();
      if (all & (UV_WRITABLE! | UV_DISCONNECT!)) {
        this._writeWaits?.wakeAll();
        this._onWritable();
      }
      this._observer?.onEvents(events);
    }

    /** @internal The stream side's hook for writability. */
    _onWritable(): void {}

    /** @internal A send ring's job ended: bytes it still holds, or -errno. */
    _onNativeWritten(_result: number): void {}

    /**
     * @internal Closes the handle now; every pending wait fails with SocketClosedError. With
     * `queued`, close(2) itself runs on the thread pool: answers the ticket to wait for (see
     * whenClosed), 0 when the fd is already closed.
     */
    _closeHandle(queued = false): number {
      const h = this._fdHandle;
      let ticket = 0;
      if (h !== null) {
        if (queued) ticket = H.closeQueued(h);
        else H.close(h);
        this._fdHandle = null;
      }
      // Made only when someone waits: an error's stack trace costs more than the close(2).
      if (this._readWaits?.size || this._writeWaits?.size || this._roomWaits?.size) {
        const err = new SocketClosedError('close');
        this._readWaits?.failAll(err);
        this._writeWaits?.failAll(err);
        this._roomWaits?.failAll(err);
      }
      this._observer?.onEvents(UV_DISCONNECT!);
      return ticket;
    }

    /** @internal Reads (and clears) SO_ERROR after a non-blocking connect: 0 or -errno. */
    _pendingErrno(syscall: string): number {
      const buf = checkData<Buffer>(H.getsockopt(this._open(syscall), C.SOL_SOCKET, C.SO_ERROR, 4), 'getsockopt');
      return -buf.readInt32LE(0);
    }

    /** Closes the socket (same as {@link close}), for `await using`. */
    async [Symbol.asyncDispose](): Promise<void> {
      await (this as unknown as { close(): Promise<void> }).close();
    }
  }
  extraAccessors(SocketCoreImpl.prototype, { _readWaits: 'readWaits', _writeWaits: 'writeWaits', _roomWaits: 'roomWaits', _observer: 'observer', _closing: 'closing' });
  return SocketCoreImpl;
}

/**
 * Adopts a new fd into a handle owned by `owner`; the fd is closed if that fails. Every socket
 * fd is non-blocking by then (made so, accepted so, or adopted by makeSocketFromFd), so its
 * handle may take a closed socket's kept watcher.
 */
export function handleFor(fd: number, owner: object): FdHandle {
  try {
    return H.open(fd, owner, true, true);
  } catch (err) {
    native.closeFd(fd);
    throw err;
  }
}
