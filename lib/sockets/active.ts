/**
 * Active sockets: connect, shutdown, sendTo/receiveFrom and the Duplex life cycle shared by
 * byte streams and message streams.
 * @internal
 * @module
 */
// Unused in the code, but the declarations emitted for the SocketCore mixin name it.
import type { EventEmitter } from 'node:events';
import { Buffer } from 'node:buffer';
import { Duplex, Writable } from 'node:stream';
import { setImmediate } from 'node:timers';
import { constants as osConstants } from 'node:os';
import { H, C, native } from '../native.js';
import { PollTimeoutError, SocketAlreadyConnectedError, SocketClosedError, SocketConnectionResetError, SocketError } from '../errors.js';
import { invalidArgType, invalidArgValue, outOfRange, validateBoolean, validateInteger, validateObject, validateSignal, validateTimeout } from '../internal/validate.js';
import { TIMER_MAX, WaitQueue, abortError, armBounds, deadlineAfter, remaining } from '../internal/wait.js';
import { InetAddress } from '../address/index.js';
import { DEFAULT_BUFFER_SIZE, NO_PROFILE, SocketCore, extraAccessors, profileFor, validateCloseOptions, whenClosed, type BindOptions } from './core.js';
import { atAddress, check, failure, socketErrorFor } from './syscall.js';
import { inetAddressFromBytes, decodeLocalPath, localSockaddr } from './sockaddr.js';
import type { Sockaddr } from '../internal/sockaddr.js';
import { spendTurn, waitedTurn } from './turns.js';
import { resolveEndpoint, type HostDesignator, type PortDesignator, type ResolvedEndpoint } from './resolve.js';

/** Options of `connect`. */
export interface ConnectOptions {
  /** The port (number or service name). */
  port?: PortDesignator | undefined;
  /** Local sockets: connect to a name in the abstract namespace. */
  abstract?: boolean | undefined;
  /** ms */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** Options of `sendTo`. */
export interface SendToOptions {
  /** First byte of the buffer to use (default 0). */
  start?: number | undefined;
  /** End of the bytes to use (default the buffer's length). */
  end?: number | undefined;
  /** Unconnected datagram sockets: the destination host. */
  remoteHost?: HostDesignator | undefined;
  /** Unconnected datagram sockets: the destination port. */
  remotePort?: PortDesignator | undefined;
  /** Unconnected local datagram sockets: the destination name. */
  remoteFilename?: string | undefined;
  /** Local sockets: the name is in the abstract namespace. */
  abstract?: boolean | undefined;
  /** MSG_OOB: out-of-band data. */
  outOfBand?: boolean | undefined;
  /** MSG_DONTWAIT: answer at once instead of waiting. */
  dontWait?: boolean | undefined;
  /** MSG_DONTROUTE: only to directly connected hosts. */
  dontRoute?: boolean | undefined;
  /** MSG_CONFIRM: the link layer got a reply (Linux). */
  confirm?: boolean | undefined;
  /** MSG_MORE: more data follows (Linux). */
  more?: boolean | undefined;
  /** Give up after this many ms (PollTimeoutError). */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** Options of `receiveFrom`. */
export interface ReceiveFromOptions {
  /** Where to receive (default a new Buffer of `size`). */
  buffer?: Buffer | undefined;
  /** First byte of the buffer to use (default 0). */
  start?: number | undefined;
  /** End of the bytes to use (default the buffer's length). */
  end?: number | undefined;
  /** Bytes to receive when no buffer is given. */
  size?: number | undefined;
  /**
   * MSG_OOB: a TCP stream's urgent byte, when one has arrived. Never waits, as recv(2) with
   * MSG_OOB does not: with none there it fails at once with EINVAL (EAGAIN while the urgent
   * pointer is ahead of the data), whatever `timeout` says.
   */
  outOfBand?: boolean | undefined;
  /** MSG_PEEK: leave the data in the kernel. */
  peek?: boolean | undefined;
  /** MSG_WAITALL: wait for the whole buffer. */
  waitAll?: boolean | undefined;
  /** MSG_DONTWAIT: answer at once instead of waiting. */
  dontWait?: boolean | undefined;
  /** Give up after this many ms (PollTimeoutError). */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** What `receiveFrom` resolves with. */
export interface ReceiveFromResult {
  /** The buffer the data went into. */
  buffer: Buffer;
  /** How many bytes were received. */
  bytes: number;
  /** The sender's address (internet sockets). */
  host?: InetAddress;
  /** The sender's port (internet sockets). */
  port?: number;
  /** The sender's name (local sockets). */
  filename?: string;
  /** Local sockets: the sender's name is in the abstract namespace. */
  abstract?: boolean;
  /** The datagram was longer than the buffer (MSG_TRUNC). */
  truncated?: boolean;
}

/** Options common to active sockets' streams. */
export interface ActiveStreamOptions {
  /**
   * Read size and readable high-water mark in bytes (byte streams); largest message (message
   * sockets). Byte streams given no size read 64 KiB at first, and up to 256 KiB at a time
   * while the peer sends faster than they read; a size given is what every read asks for.
   */
  inputBufferSize?: number | undefined;
  /** Writable high-water mark in bytes. */
  outputBufferSize?: number | undefined;
  /** Decode reads as text, and encode string writes, in this encoding (IOLib's external format). */
  encoding?: BufferEncoding | undefined;
  /**
   * Stream and seqpacket sockets: keep the writable side open after the peer's end (default
   * true, IOLib's explicit shutdown). With false the peer's end ends the socket, as in node:net.
   */
  allowHalfOpen?: boolean | undefined;
}

const SEND_FLAGS: [keyof SendToOptions, string][] = [
  ['outOfBand', 'MSG_OOB'], ['dontWait', 'MSG_DONTWAIT'], ['dontRoute', 'MSG_DONTROUTE'], ['confirm', 'MSG_CONFIRM'], ['more', 'MSG_MORE'],
];
const RECEIVE_FLAGS: [keyof ReceiveFromOptions, string][] = [
  ['outOfBand', 'MSG_OOB'], ['peek', 'MSG_PEEK'], ['waitAll', 'MSG_WAITALL'], ['dontWait', 'MSG_DONTWAIT'],
];

function flagsOf<T extends object>(options: T, table: [keyof T, string][]): number {
  let flags = 0;
  for (const [key, name] of table) {
    const v = options[key];
    if (v === undefined) continue;
    validateBoolean(v, `options.${String(key)}`);
    if (v) {
      const bit = C[name];
      if (bit === undefined) throw new SocketError('EOPNOTSUPP', 'send', `${name} is not available on this platform`);
      flags |= bit;
    }
  }
  return flags;
}

/** connect(2)'s answers when asked again about a connect in progress (see _connectOnce). */
const { EALREADY, ECONNRESET, EISCONN } = osConstants.errno;
/**
 * Largest inputBufferSize: the native core reads (or receives each message) into that many
 * bytes, and caps its own allocations there too (kMaxChunk in native/iolib.h).
 */
const MAX_INPUT_BUFFER_SIZE = 0x1000000;
/** Largest outputBufferSize: only a high-water mark, nothing is allocated for it. */
const MAX_OUTPUT_BUFFER_SIZE = 0x40000000;

function bufferSize(value: unknown, name: string, max: number, shown: string): number {
  if (value === undefined) return DEFAULT_BUFFER_SIZE;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 1 || value > max) throw outOfRange(name, `an integer >= 1 and <= ${shown}`, value);
  return value;
}

/** Validates buffer-size options into numbers. */
export function streamSizes(options: ActiveStreamOptions): { input: number; output: number; grow: boolean } {
  // Checked here, before any fd exists: a bad encoding thrown from the constructor would leak
  // the fd just made or accepted.
  const encoding: unknown = options.encoding;
  if (encoding !== undefined && (typeof encoding !== 'string' || !Buffer.isEncoding(encoding))) {
    throw invalidArgValue('encoding', encoding, 'is not an encoding Buffer knows');
  }
  if (options.allowHalfOpen !== undefined) validateBoolean(options.allowHalfOpen, 'allowHalfOpen');
  return {
    input: bufferSize(options.inputBufferSize, 'inputBufferSize', MAX_INPUT_BUFFER_SIZE, '2^24'),
    output: bufferSize(options.outputBufferSize, 'outputBufferSize', MAX_OUTPUT_BUFFER_SIZE, '2^30'),
    grow: options.inputBufferSize === undefined,
  };
}

/**
 * @internal The one try-each-address policy of makeSocket and connect: `attempt` runs on each
 * address in the resolver's order until one connects, as node:net does (its autoSelectFamily,
 * the default since Node 20, moves to the next address on any connection error; iolib keeps
 * the resolver's order rather than interleaving families). A connection error (a SocketError:
 * refused, unreachable, no such family, ...) moves on; anything else ends the loop at once: a
 * timeout or an abort (the caller's whole budget is spent), a bad argument, and the errors
 * that are about the socket rather than the address (it was closed, or is already
 * connected). When every address fails, the last failure is thrown.
 */
export function connectToEach<T>(hosts: readonly InetAddress[], attempt: (host: InetAddress) => Promise<T>): Promise<T> {
  // One address (a literal, say): the attempt's own promise, with no async step around it that
  // would take microtask turns and resolve once more with the socket. A synchronous throw
  // stays one (makeSocket and connect turn it into their rejection).
  return hosts.length === 1 ? attempt(hosts[0]!) : connectInTurn(hosts, attempt);
}

/** connectToEach over several addresses. */
async function connectInTurn<T>(hosts: readonly InetAddress[], attempt: (host: InetAddress) => Promise<T>): Promise<T> {
  let last: unknown;
  for (const host of hosts) {
    try {
      return await attempt(host);
    } catch (err) {
      if (!(err instanceof SocketError) || err instanceof SocketClosedError || err instanceof SocketAlreadyConnectedError) throw err;
      last = err;
    }
  }
  throw last;
}

type WriteCallback = (error?: Error | null) => void;

/** What the constructor replaces in Node's stream states. */
interface StreamStates {
  _writableState: { onwrite: WriteCallback };
  _readableState: { pipes: unknown[] };
}

/** Node's WritableState: made to obtain a stream's own write callback (its `onwrite`). */
interface WritableStateMaker {
  WritableState: new (options: undefined, stream: Duplex, isDuplex: boolean) => { onwrite: WriteCallback };
}

/** The longest pause between retries of a send whose destination's queue is full. */
const SEND_BACKOFF_MS = 64;

/** The pause before retry `tries` + 1 of such a send: 1 ms, doubling up to SEND_BACKOFF_MS. */
export function sendBackoffMs(tries: number): number {
  return Math.min(2 ** tries, SEND_BACKOFF_MS);
}

/**
 * Marks a stream's write callback as not made yet. Node hands `onwrite` to nothing but
 * _write and _writev (its one direct call follows one of theirs in the same loop over
 * buffered writes), and they trade the mark for the callback (_writeCallback).
 */
function WRITE_CALLBACK_LATER(): never {
  throw new Error('iolib: a stream write callback was called before it was made');
}

/** The pipes of every socket that never piped: shared, so frozen (pipe() gives a socket its own). */
const NO_PIPES: unknown[] = Object.freeze([]) as unknown as unknown[];

/** Bits of ActiveSocketBase's `_flags`. */
const READING = 1;
const CONNECTING = 2;

// TypeScript's declaration of the SocketCore mixin loses `this` in what its members answer
// (it emits `any`): declared again here, merged into the class, they keep it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ActiveSocketBase {
  /** Binds the socket: an internet host designator with `port`, or a local filename; returns the socket. */
  bindAddress(address: HostDesignator | string, options?: BindOptions): this;
  /** Lets the socket keep the event loop alive again (as node:net's `ref`); returns the socket. */
  ref(): this;
  /** Lets the process exit while the socket is open (as node:net's `unref`); returns the socket. */
  unref(): this;
  /** EventEmitter's `removeAllListeners`; returns the socket. */
  removeAllListeners(event?: string | symbol): this;
  /** EventEmitter's `setMaxListeners`; returns the socket. */
  setMaxListeners(n: number): this;
}

/** The error a gathering receive (waitAll) met after it had bytes to answer: the next receive's. */
const gatheredThenFailed = new WeakMap<object, Error>();

/** The base of every active socket: a Duplex over one fd. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ActiveSocketBase extends SocketCore(Duplex) {
  /**
   * @internal Set by close(): flush pending writes but do not shutdown(2) the write side, so a
   * copy of the socket held elsewhere (a passed or inherited fd) keeps working, as close(2) does.
   */
  declare _closeWithoutShutdown: boolean;
  /** @internal The peer reset the connection as it completed: the first read reports it. */
  declare _resetAtConnect?: SocketError;

  /** @internal */
  constructor(objectMode: boolean, options: ActiveStreamOptions) {
    const sizes = streamSizes(options);
    super({
      allowHalfOpen: options.allowHalfOpen ?? true,
      // 'close' carries hadError, as node:net's does: _destroy emits it.
      emitClose: false,
      objectMode,
      readableHighWaterMark: objectMode ? 256 : sizes.input,
      writableHighWaterMark: objectMode ? 256 : sizes.output,
    });
    this._profile = profileFor(NO_PROFILE.kind, sizes.input, sizes.output, sizes.grow);
    if (options.encoding !== undefined) {
      // IOLib's external format works both ways: reads decode with it, string writes encode.
      this.setEncoding(options.encoding);
      this.setDefaultEncoding(options.encoding);
    }
    // Node gives every stream a bound write callback and an empty pipes array (72 and 32
    // bytes of each socket's heap); a socket that never queues a write or pipes needs neither.
    // They are made again on first use: _writeCallback, pipe.
    const { _writableState: ws, _readableState: rs } = this as unknown as StreamStates;
    if (typeof ws.onwrite === 'function') ws.onwrite = WRITE_CALLBACK_LATER;
    if (Array.isArray(rs.pipes) && rs.pipes.length === 0) rs.pipes = NO_PIPES;
  }

  /**
   * @internal What _write and _writev call back: `callback`, or when it is the mark the
   * constructor left for the stream's own write callback, that callback, made now.
   */
  _writeCallback(callback: WriteCallback): WriteCallback {
    if (callback !== WRITE_CALLBACK_LATER) return callback;
    const ws = (this as unknown as StreamStates)._writableState;
    return (ws.onwrite = new (Writable as unknown as WritableStateMaker).WritableState(undefined, this, true).onwrite);
  }

  /** Pipes the readable side into `destination`, as stream.Readable's `pipe`. */
  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const rs = (this as unknown as StreamStates)._readableState;
    if (rs.pipes === NO_PIPES) rs.pipes = [];
    return super.pipe(destination, options);
  }

  /** @internal READING and CONNECTING: one field where two booleans took 8 bytes each. */
  _flags = 0;

  /** @internal The native watcher reads for the stream. */
  get _reading(): boolean {
    return (this._flags & READING) !== 0;
  }
  set _reading(on: boolean) {
    this._flags = on ? this._flags | READING : this._flags & ~READING;
  }

  /** True while {@link connect} waits for the connection to complete (node:net's `connecting`). */
  get connecting(): boolean {
    return (this._flags & CONNECTING) !== 0;
  }
  /** Set by connect() for its duration, as node:net sets it. */
  set connecting(on: boolean) {
    this._flags = on ? this._flags | CONNECTING : this._flags & ~CONNECTING;
  }

  /**
   * @internal setTimeout's timer (kept in `_extra`): made once per duration and re-armed with
   * refresh(), also after it fired. An HTTP server disarms it (setTimeout(0)) and arms it
   * again with the same keep-alive duration on every request, and a new Timeout each time
   * costs a closure, a timer-list insertion and garbage (~450 instructions a request, callgrind).
   */
  declare _idleTimer: NodeJS.Timeout | null;
  /** @internal The ms setTimeout gave `_idleTimer` (kept in `_extra`). */
  declare _idleMs: number;
  /** @internal Whether `_idleTimer` emits `'timeout'` when it fires (kept in `_extra`). */
  declare _idleArmed: boolean;

  /**
   * Emits `'timeout'` once the socket has seen no reads and no writes for `msecs` ms (0
   * disables it), as node:net does: the socket stays open, and any activity arms the timer
   * again. `callback` is added as a one-time `'timeout'` listener (removed when `msecs` is 0).
   * The timer never keeps the event loop alive.
   */
  setTimeout(msecs: number, callback?: () => void): this {
    if (typeof msecs !== 'number') throw invalidArgType('msecs', 'of type number', msecs);
    if (!(msecs >= 0) || msecs === Infinity) throw outOfRange('msecs', 'a finite number >= 0', msecs);
    if (callback !== undefined && typeof callback !== 'function') throw invalidArgType('callback', 'a function', callback);
    this._timeout = msecs;
    if (msecs === 0 || this.destroyed) {
      // A disarmed timer may still fire: it finds _idleArmed false and does nothing.
      this._idleArmed = false;
      if (callback) this.removeListener('timeout', callback);
      return this;
    }
    const timer = this._idleTimer;
    if (timer !== null && this._idleMs === msecs) {
      timer.refresh();
    } else {
      if (timer !== null) clearTimeout(timer);
      this._idleMs = msecs;
      // Node's timers take at most TIMER_MAX ms (node:net's socket fires after 1 ms beyond it).
      this._idleTimer = setTimeout(() => {
        if (this._idleArmed) this.emit('timeout');
      }, Math.min(msecs, TIMER_MAX)).unref();
    }
    this._idleArmed = true;
    if (callback) this.once('timeout', callback);
    return this;
  }

  /** @internal See timeout (kept in `_extra`). */
  declare _timeout: number | undefined;

  /**
   * The ms last given to {@link setTimeout} (0 once disabled), undefined before it is called.
   * Assigning it changes the property only, as node:net's does, not the timer.
   */
  get timeout(): number | undefined {
    return this._timeout;
  }
  /** Sets the property only, as node:net's assignment does: the timer stays as it is. */
  set timeout(msecs: number | undefined) {
    this._timeout = msecs;
  }

  /** @internal Activity (a read or a write) restarts the idle timer of setTimeout. */
  _touch(): void {
    const x = this._extra;
    if (x !== null && x.idleArmed) x.idleTimer!.refresh();
  }

  /** @internal Starts the watcher's reads (mode, messages per batch) unless running or closed. */
  _startReading(mode: number, batch: number, wantAddresses: boolean, syscall: string): void {
    if (this._reading) return;
    const h = this._fdHandle;
    if (h === null) return;
    if (this._resetAtConnect !== undefined) {
      this.destroy(this._resetAtConnect);
      return;
    }
    const { input, readMax } = this._profile;
    const r = H.readStart(h, mode, input, batch, wantAddresses, readMax);
    if (r < 0) {
      this.destroy(failure(r, syscall));
      return;
    }
    this._reading = true;
  }

  /**
   * @internal Called before pushing what the watcher read: the watcher goes on reading by
   * itself, so the stream's own read-ahead (a nextTick after a push, then read(0) and _read())
   * has nothing to do. Marking it as scheduled skips it.
   */
  _skipReadAhead(): void {
    (this as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore = true;
  }

  /** @internal Stops the watcher's reads: the readable buffer is full or the stream ended. */
  _stopReading(): void {
    if (!this._reading) return;
    this._reading = false;
    if (this._fdHandle !== null) H.readStop(this._fdHandle);
  }

  /** @internal */
  get _inputBufferSize(): number {
    return this._profile.input;
  }

  /**
   * Bytes per read (and the readable high-water mark of byte streams); when the option was
   * left unset, byte reads start there and grow up to 256 KiB while each one fills.
   */
  get inputBufferSize(): number {
    return this._inputBufferSize;
  }
  /** The writable high-water mark of byte streams. */
  get outputBufferSize(): number {
    return this._profile.output;
  }
  /** The readable side's encoding (IOLib's external-format), or null for Buffers. */
  get encoding(): BufferEncoding | null {
    return this.readableEncoding;
  }

  /** True while the socket has a peer. */
  isConnected(): boolean {
    return this._peer() !== null;
  }

  /** Internet sockets: the local address. */
  get localHost(): InetAddress | undefined {
    return this._inetName('local')?.host;
  }
  /** Internet sockets: the local port. */
  get localPort(): number | undefined {
    return this._inetName('local')?.port;
  }
  /** Internet sockets: the peer's address. */
  get remoteHost(): InetAddress | undefined {
    return this._inetName('remote')?.host;
  }
  /** Internet sockets: the peer's port. */
  get remotePort(): number | undefined {
    return this._inetName('remote')?.port;
  }
  /** Local sockets: the bound filename ('' when unnamed). */
  get localFilename(): string | undefined {
    return this._localFilename('local');
  }
  /** Local sockets: the peer's filename. */
  get remoteFilename(): string | undefined {
    return this._localFilename('remote');
  }

  /** @internal */
  _inetName(which: 'local' | 'remote'): { host: InetAddress; port: number } | undefined {
    if (this._kind.addressFamily !== 'internet' || !this.isOpen()) return undefined;
    const name = which === 'local' ? this.localName() : this._peer();
    return name && 'host' in name ? name : undefined;
  }

  /** @internal */
  _localFilename(which: 'local' | 'remote'): string | undefined {
    if (this._kind.addressFamily !== 'local' || !this.isOpen()) return undefined;
    const name = which === 'local' ? this.localName() : this._peer();
    return name && 'filename' in name ? name.filename : undefined;
  }

  /**
   * Connects to `address` (internet: a host designator with `port`, trying each address a
   * name resolves to; local: a filename). Resolves with the socket.
   */
  async connect(address: HostDesignator, options: ConnectOptions = {}): Promise<this> {
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
    this._open('connect');
    if (options.signal?.aborted) throw abortError(options.signal);
    // Linux answers EISCONN, which a non-blocking connect's completion check would take for
    // success when the peer is the same: a connected stream is refused here, whatever the peer.
    if (this._kind.type !== 'datagram' && this._kind.type !== 'raw' && this.isConnected()) throw socketErrorFor('EISCONN', 'connect');
    // As node:net: connecting from the call on, through a name's look-up.
    this.connecting = true;
    try {
      return await this._connectTo(address, options);
    } catch (err) {
      this.connecting = false;
      this._connectSettled(err as Error);
      throw err;
    } finally {
      this.connecting = false;
    }
  }

  /** @internal What waits for the connect in progress (kept in `_extra`). */
  declare _connectWaiters: ((err: Error | null) => void)[] | null;

  /**
   * @internal Runs `then` once the connect in progress ends: with null once connected, with
   * the connect's error when it fails, with SocketClosedError when the socket closes first.
   */
  _whenConnected(then: (err: Error | null) => void): void {
    (this._connectWaiters ??= []).push(then);
  }

  /** @internal The connect in progress ended (see _whenConnected). */
  _connectSettled(err: Error | null): void {
    const waiters = this._connectWaiters;
    if (waiters === null) return;
    this._connectWaiters = null;
    for (const then of waiters) then(err);
  }

  /** @internal connect() past its argument checks. */
  async _connectTo(address: HostDesignator, options: ConnectOptions): Promise<this> {
    const deadline = deadlineAfter(options.timeout);
    if (this._kind.addressFamily === 'local') {
      if (typeof address !== 'string') throw invalidArgType('address', 'a filename string for a local socket', address);
      await this._connectRaw(localSockaddr(address, options.abstract === true, 'address'), deadline, options);
      return this;
    }
    const { hosts, port } = await resolveEndpoint(address, options.port, this._kind.ipv6 ? undefined : false, this._kind.type === 'datagram' ? 'udp' : 'tcp', ['address', 'options.port'], this._kind.type !== 'raw', options.signal);
    if (options.signal?.aborted) throw abortError(options.signal);
    // Each address is tried on this same socket (a failed attempt leaves it ready for the next).
    await connectToEach(hosts, async (host) => {
      await this._connectRaw(this._inetArgs(host, port, 'connect'), deadline, options);
    });
    return this;
  }

  /**
   * @internal One connect(2), waiting for completion when it is in progress; `connecting`
   * meanwhile, `'connect'` and `'ready'` after, as node:net. Errors name the address.
   */
  async _connectRaw(sa: Sockaddr, deadline: number | undefined, options: ConnectOptions): Promise<void> {
    this.connecting = true;
    try {
      await this._connectOnce(sa, deadline, options);
    } catch (err) {
      // A TCP socket whose connect failed is left half-way: Linux answers its next connect
      // ECONNABORTED, and one that timed out or was aborted goes on with the handshake and may
      // connect later. connect(AF_UNSPEC) resets it, ready for another connect().
      const h = this._fdHandle;
      if (h !== null && this._kind.type === 'stream' && this._kind.addressFamily === 'internet') H.connect(h, 0, new Uint8Array(0), 0, 0);
      throw atAddress(err, sa);
    } finally {
      this.connecting = false;
    }
    this._touch();
    this.emit('connect');
    this.emit('ready');
    this._connectSettled(null);
  }

  /** @internal See _connectRaw. */
  async _connectOnce(sa: Sockaddr, deadline: number | undefined, options: ConnectOptions): Promise<void> {
    let h = this._open('connect');
    let r = H.connect(h, ...sa);
    // A local listener whose backlog is full answers EAGAIN, and nothing is in progress: a
    // blocking connect(2) would wait for room, so this tries again after a pause (within the
    // same bounds), as a send to a full local datagram peer does.
    const until = deadline ?? deadlineAfter(options.timeout);
    for (let tries = 0; r === -C.EAGAIN && this._kind.addressFamily === 'local'; tries++) {
      await this._pauseForRoom('connect', until, options.signal, tries);
      h = this._open('connect');
      r = H.connect(h, ...sa);
    }
    let waited = false;
    const inProgress = r === -C.EINPROGRESS;
    if (inProgress) {
      // On loopback the handshake is usually over when connect(2) returns. Asking again
      // answers how it stands in one system call, without registering with epoll: 0 once
      // connected, EALREADY while in progress, or the error that ended the attempt (taken from
      // the socket, as SO_ERROR would).
      r = H.connect(h, ...sa);
      if (r === -EALREADY) {
        await this._waitWritable('connect', remaining(deadline) ?? options.timeout, options.signal);
        waited = true;
        r = this._pendingErrno('connect');
      }
      // A reset can only follow a completed handshake (a refused one is ECONNREFUSED): the
      // connect succeeded, and the first read reports the reset the check just consumed.
      if (r === -ECONNRESET && this._kind.type === 'stream') {
        this._resetAtConnect = new SocketConnectionResetError('ECONNRESET', 'read');
        r = 0;
      }
    }
    if (!waited && (r === 0 || inProgress) && (this._kind.type === 'stream' || this._kind.type === 'seqpacket')) await this._ioTurn();
    if (r !== 0 && r !== -EISCONN) throw failure(r, 'connect');
    this._onConnected();
  }

  /**
   * @internal A connection made without waiting still resolves after the event loop has
   * polled, as node:net's do: a loop of awaited connects would otherwise run on microtasks
   * alone, and a listener in the same process would never get to accept (its backlog then
   * overflows, and the kernel drops SYNs that are retried only a second later).
   */
  async _ioTurn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this._open('connect');
  }

  /** @internal Hook for what follows a connect. */
  _onConnected(): void {}

  /** Shuts down the read and/or write side (both when neither is given). */
  shutdown(options: { read?: boolean; write?: boolean } = {}): this {
    validateObject(options, 'options');
    const { read = false, write = false } = options;
    validateBoolean(read, 'options.read');
    validateBoolean(write, 'options.write');
    const how = read && write ? C.SHUT_RDWR : read ? C.SHUT_RD : write ? C.SHUT_WR : C.SHUT_RDWR;
    check(H.shutdown(this._open('shutdown'), how), 'shutdown');
    return this;
  }

  /** Sends `buffer` (or its [start, end) part) with the given flags; resolves with bytes sent. */
  async sendTo(buffer: Uint8Array, options: SendToOptions = {}): Promise<number> {
    if (!(buffer instanceof Uint8Array)) throw invalidArgType('buffer', 'a Buffer or Uint8Array', buffer);
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
    const { start, end } = bounds(buffer, options.start, options.end);
    const flags = flagsOf(options, SEND_FLAGS);
    if (options.signal?.aborted) throw abortError(options.signal);
    const deadline = deadlineAfter(options.timeout);
    // No await unless there is something to wait for: the first try is then made within the
    // call, so direct sends made one after another (sendTo, sendMessage) try in call order.
    const named = this._sendTarget(options);
    const target = named instanceof Promise ? await named : named;
    if (options.signal?.aborted) throw abortError(options.signal);
    const turn = this._sendTurn('send', remaining(deadline), options.signal, options.dontWait === true);
    if (turn) await turn;
    const r = await this._sendInOrder('send', deadline, options.signal, options.dontWait === true, () => {
      const h = this._open('send');
      return target ? H.sendto(h, buffer, start, end, flags, ...target) : H.sendto(h, buffer, start, end, flags);
    });
    if (r >= 0) return r;
    // Named by where it went: the target, or a connected socket's peer.
    const to = target ?? H.getpeername(this._open('send'));
    throw typeof to === 'number' ? failure(r, 'send') : atAddress(failure(r, 'send'), to);
  }

  /** @internal See _sendInOrder (kept in `_extra`). */
  declare _blockedSends: Promise<unknown> | null;

  /**
   * @internal Makes a direct send (sendTo, sendMessage): `attempt` tries it once and answers
   * the call's result (bytes sent, or -errno). Answers the first result that is not EAGAIN
   * (with `dontWait`, that one too). Sends keep their call order: while earlier ones wait for
   * room, a later one waits behind them instead of trying; each waits within its own deadline
   * and signal, and fails with SocketClosedError when the socket closes.
   */
  async _sendInOrder(event: string, deadline: number | undefined, signal: AbortSignal | undefined, dontWait: boolean, attempt: () => number): Promise<number> {
    const before = this._blockedSends;
    if (before === null || dontWait) {
      const r = attempt();
      if (r !== -C.EAGAIN || dontWait) return r;
    }
    const mine = this._sendWhenRoom(before, event, deadline, signal, attempt);
    const last = Promise.allSettled([before, mine]);
    this._blockedSends = last;
    void last.then(() => {
      if (this._blockedSends === last) this._blockedSends = null;
    });
    return mine;
  }

  /** @internal _sendInOrder's wait: behind `before` (then a first try), then for room. */
  async _sendWhenRoom(before: Promise<unknown> | null, event: string, deadline: number | undefined, signal: AbortSignal | undefined, attempt: () => number): Promise<number> {
    let r = -C.EAGAIN;
    if (before !== null) {
      if (signal?.aborted) throw abortError(signal);
      await new Promise<void>((resolve, reject) => {
        const disarm = armBounds(event, remaining(deadline), signal, reject);
        void before.then(() => {
          disarm();
          resolve();
        });
      });
      r = attempt();
    }
    for (let tries = 0; r === -C.EAGAIN; tries++) {
      await this._sendRetryWait(event, deadline, signal, tries);
      r = attempt();
    }
    return r;
  }

  /**
   * @internal Waits for room before a send's next try. An unconnected local datagram sender
   * whose receiver's queue is full stays writable itself (the kernel looks at the receiver's
   * queue only when sending), so a wait for writability would answer at once: it pauses on a
   * timer instead (see sendBackoffMs).
   */
  async _sendRetryWait(event: string, deadline: number | undefined, signal: AbortSignal | undefined, tries: number): Promise<void> {
    const h = this._open(event);
    if (!(native.pollFd(H.fd(h), C.POLLOUT) & C.POLLOUT)) return this._waitWritable(event, remaining(deadline), signal);
    return this._pauseForRoom(event, deadline, signal, tries);
  }

  /**
   * @internal The pause before try `tries` + 1 of a call that found no room where it sends or
   * connects (see sendBackoffMs), within its deadline and signal; fails with
   * SocketClosedError when the socket closes meanwhile.
   */
  async _pauseForRoom(event: string, deadline: number | undefined, signal: AbortSignal | undefined, tries: number): Promise<void> {
    const left = remaining(deadline);
    const pause = sendBackoffMs(tries);
    const room = (this._roomWaits ??= new WaitQueue());
    const changed = () => {
      if (room.size === 0 && this._roomWaits === room) this._roomWaits = null;
    };
    // The deadline's own PollTimeoutError ends the call; a pause's only ends the pause.
    if (left !== undefined && left <= pause) return room.wait(event, left, signal, changed);
    try {
      await room.wait(event, pause, signal, changed);
    } catch (err) {
      if (!(err instanceof PollTimeoutError)) throw err;
    }
  }

  /**
   * @internal Before a direct send (sendTo, sendMessage): resolves once bytes the stream has
   * already taken are in the kernel, so the direct send follows them (see StreamActiveBase).
   */
  _sendTurn(_event: string, _timeout: number | undefined, _signal: AbortSignal | undefined, _dontWait: boolean): Promise<void> | void {}

  /** @internal The explicit destination of sendTo, if any; a Promise only when a name is resolved. */
  _sendTarget(options: SendToOptions): Sockaddr | null | Promise<Sockaddr> {
    if (options.remoteFilename !== undefined) {
      if (this._kind.addressFamily !== 'local') throw invalidArgType('options.remoteFilename', 'absent on an internet socket', options.remoteFilename);
      if (typeof options.remoteFilename !== 'string') throw invalidArgType('options.remoteFilename', 'of type string', options.remoteFilename);
      return localSockaddr(options.remoteFilename, options.abstract === true, 'options.remoteFilename');
    }
    if (options.remoteHost === undefined) {
      if (options.remotePort !== undefined) throw invalidArgType('options.remoteHost', 'given with options.remotePort', undefined);
      return null;
    }
    if (this._kind.addressFamily !== 'internet') throw invalidArgType('options.remoteHost', 'absent on a local socket', options.remoteHost);
    const resolved = resolveEndpoint(options.remoteHost, options.remotePort, this._kind.ipv6 ? undefined : false, this._kind.type === 'datagram' ? 'udp' : 'tcp', ['options.remoteHost', 'options.remotePort'], this._kind.type !== 'raw');
    const target = ({ hosts: [host], port }: ResolvedEndpoint) => this._inetArgs(host!, port, 'send');
    return resolved instanceof Promise ? resolved.then(target) : target(resolved);
  }

  /**
   * Receives into `buffer` (a new one of `size` bytes by default) straight from the kernel.
   * Resolves null when `dontWait` is set and nothing is there.
   */
  async receiveFrom(options: ReceiveFromOptions = {}): Promise<ReceiveFromResult | null> {
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
    let buffer = options.buffer;
    if (buffer === undefined) {
      const size = options.size ?? this._inputBufferSize;
      // The cap receiveMessage has: no one datagram or read is larger.
      validateInteger(size, 'options.size', 0, 0x40000000);
      buffer = Buffer.alloc(size);
    } else if (!(buffer instanceof Uint8Array)) {
      throw invalidArgType('options.buffer', 'a Buffer', buffer);
    }
    const { start, end } = bounds(buffer, options.start, options.end);
    const flags = flagsOf(options, RECEIVE_FLAGS);
    // MSG_WAITALL does not wait on a non-blocking fd: byte streams gather the rest here (until
    // the range is full, the end of the stream, or the timeout, which answers what came). A
    // peek cannot be gathered without spinning, so waitAll with peek answers what is queued.
    const gather = options.waitAll === true && !options.peek && !options.dontWait && !options.outOfBand && this._kind.type === 'stream';
    const deadline = deadlineAfter(options.timeout);
    const pending = gatheredThenFailed.get(this);
    if (pending !== undefined) {
      gatheredThenFailed.delete(this);
      throw pending;
    }
    let got = 0;
    for (;;) {
      const r = H.recvfrom(this._open('recvfrom'), buffer, start + got, end, flags);
      if (typeof r !== 'number' && gather && r[0] > 0 && start + got + r[0] < end) {
        got += r[0];
        continue;
      }
      if (typeof r !== 'number') {
        const [n, msgFlags, family, addr, port, scopeId] = r;
        const bytes = got + n;
        const result: ReceiveFromResult = { buffer: buffer as Buffer, bytes };
        if (family === 4 || family === 6) {
          result.host = inetAddressFromBytes(addr, scopeId);
          result.port = port;
        } else if (family === 1) {
          const name = decodeLocalPath(addr);
          result.filename = name.filename;
          if (name.abstract) result.abstract = true;
        }
        if (msgFlags & C.MSG_TRUNC) result.truncated = true;
        await spendTurn(this);
        return result;
      }
      if (r !== -C.EAGAIN) {
        // As recv(2) with MSG_WAITALL: what was gathered is answered, and the error (which
        // this read took from the socket) is the next receive's.
        if (got > 0) {
          gatheredThenFailed.set(this, failure(r, 'recvfrom'));
          return { buffer: buffer as Buffer, bytes: got };
        }
        throw failure(r, 'recvfrom');
      }
      if (options.dontWait) return null;
      waitedTurn(this);
      try {
        await this._waitReadable('recvfrom', remaining(deadline), options.signal);
      } catch (err) {
        if (got > 0 && err instanceof PollTimeoutError) return { buffer: buffer as Buffer, bytes: got };
        throw err;
      }
    }
  }

  /**
   * Closes the socket: pending writes are flushed first unless `abort`. Resolves once the fd
   * is closed; rejects with the error that failed the flush (a peer's reset, say), since the
   * data it left unsent is lost. A socket still connecting is closed at once: the connect
   * rejects with SocketClosedError, and so do the writes that waited for it. Idempotent.
   */
  close(options: { abort?: boolean } = {}): Promise<void> {
    try {
      validateCloseOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this._closing) {
      // An abort overtakes a close still flushing; its 'close' settles both.
      if (options.abort) this.destroy();
      return this._closing;
    }
    this._closing = new Promise<void>((resolve, reject) => {
      // A local close ends the readable side (pending reads and async iteration end), it
      // is not an error: push the end before destroying, or iterators see a premature close.
      const done = (failed?: unknown) => {
        this.off('finish', done);
        this.off('error', done);
        this.off('close', done);
        if (!this.destroyed && !(this as unknown as { _readableState: { ended: boolean } })._readableState.ended) this.push(null);
        this.destroy();
        const settle = failed instanceof Error ? () => reject(failed) : () => resolve();
        // Settled once the fd is closed, which a queued close(2) may leave for a moment.
        if (this.closed) settle();
        else this.once('close', settle);
      };
      // `writable` is false once end() was called: writes may still be pending then, and
      // they are flushed too (end(data); close() must not drop data).
      if (this.destroyed || options.abort || this.connecting || this.writableFinished || this.errored !== null || (!this.writable && !this.writableEnded)) {
        done();
        return;
      }
      this.once('finish', done);
      this.once('error', done);
      this.once('close', done);
      this._closeWithoutShutdown = true;
      if (!this.writableEnded) this.end();
    });
    return this._closing;
  }

  /** @internal Whether end() sends the peer an end (shutdown of the write side). */
  _endShutsDown(): boolean {
    return true;
  }

  override _final(callback: (error?: Error | null) => void): void {
    const h = this._fdHandle;
    if (this._endShutsDown() && h !== null && !this._closeWithoutShutdown) {
      const r = H.shutdown(h, C.SHUT_WR);
      if (r < 0 && r !== -C.ENOTCONN) {
        callback(failure(r, 'shutdown'));
        return;
      }
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this._reading = false;
    if (this._idleTimer) {
      clearTimeout(this._idleTimer);
      this._idleTimer = null;
      this._idleArmed = false;
    }
    if (this._connectWaiters !== null) this._connectSettled(new SocketClosedError('connect'));
    // 'close' (and close()) still come only once the fd is closed; after the stream's 'error',
    // which the callback schedules.
    whenClosed(this._closeHandle(this._closesQueued()), () => {
      callback(err);
      process.nextTick(emitClose, this, err !== null && err !== undefined);
    });
  }

  /** @internal Whether close(2) runs on the thread pool (connected byte streams: see close_queue.cc). */
  _closesQueued(): boolean {
    return false;
  }
}
extraAccessors(ActiveSocketBase.prototype, { _closeWithoutShutdown: 'closeWithoutShutdown', _idleTimer: 'idleTimer', _idleMs: 'idleMs', _idleArmed: 'idleArmed', _timeout: 'timeout', _connectWaiters: 'connectWaiters', _blockedSends: 'blockedSends' });

function emitClose(socket: ActiveSocketBase, hadError: boolean): void {
  socket.emit('close', hadError);
}

function bounds(buffer: Uint8Array, start: unknown, end: unknown): { start: number; end: number } {
  const s = start ?? 0;
  const e = end ?? buffer.length;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > buffer.length) throw outOfRange('options.start', `an integer >= 0 and <= ${buffer.length}`, s);
  if (typeof e !== 'number' || !Number.isInteger(e) || e < s || e > buffer.length) throw outOfRange('options.end', `an integer >= start and <= ${buffer.length}`, e);
  return { start: s, end: e };
}
