/**
 * Passive (listening) sockets: listenOn, acceptConnection and `for await` over connections.
 * @internal
 * @module
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { H, C, native } from '../native.js';
import { PollTimeoutError, SocketClosedError, SocketDescriptorLimitError } from '../errors.js';
import { invalidArgType, outOfRange, validateBoolean, validateObject, validateSignal, validateTimeout } from '../internal/validate.js';
import { SocketCore, validateCloseOptions, type BindOptions, type Listener, type SocketKind } from './core.js';
import type { HostDesignator } from './resolve.js';
import { check, failure } from './syscall.js';
import { streamSizes, type ActiveStreamOptions } from './active.js';
import { holdLoop, releaseLoop } from './loop-hold.js';
import { deadlineAfter, remaining } from '../internal/wait.js';
import { ACCEPT_PAUSE_MAX, ACCEPT_PAUSE_MIN, pauseFor, spendTurn, waitedTurn } from './turns.js';
import type { InetAddress } from '../address/index.js';
import { netAddressOf, type NetAddress } from './sockaddr.js';

/** Options of `acceptConnection`. */
export interface AcceptOptions extends ActiveStreamOptions {
  /** Wait for a connection (default true); false answers null at once when none is pending. */
  wait?: boolean | undefined;
  /** ms; null on timeout */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/**
 * The largest listen backlog the kernel grants (IOLib's `+max-backlog-size+`): Linux's
 * net.core.somaxconn, read once, else the platform's SOMAXCONN. A larger backlog is capped to it.
 */
export const maxBacklogSize: number = readSomaxconn();

/** The listen backlog used when none is given (IOLib's `*default-backlog-size*`; node:net's 511), at most {@link maxBacklogSize}. */
export const defaultBacklogSize: number = Math.min(511, maxBacklogSize);

function readSomaxconn(): number {
  try {
    const n = Number(readFileSync('/proc/sys/net/core/somaxconn', 'latin1').trim());
    if (Number.isInteger(n) && n > 0) return n;
  } catch {
    // Not Linux: the compile-time constant.
  }
  return C.SOMAXCONN;
}

/** Validates a backlog; one above {@link maxBacklogSize} is capped to it, as the kernel would. */
export function validateBacklog(backlog: unknown): number {
  if (backlog === undefined) return defaultBacklogSize;
  if (typeof backlog !== 'number') throw invalidArgType('backlog', 'of type number', backlog);
  if (!Number.isInteger(backlog) || backlog < 0 || backlog > 0x7fffffff) throw outOfRange('backlog', 'an integer >= 0', backlog);
  return Math.min(backlog, maxBacklogSize);
}

// Errors a listener sees for a connection that died before accept: try the next one.
const TRANSIENT = new Set(['ECONNABORTED', 'EPROTO', 'EINTR']);

/** @internal The class of a passive socket's connections, as the kinds table gives it. */
export type ConnectionClass<Conn> = new (fd: number, kind: SocketKind, options: ActiveStreamOptions) => Conn;

/** @internal What a passive socket is told when made: its connections' class and their stream options. */
export interface Connections<Conn> {
  /** The kinds table's active row of the socket's family and type. */
  readonly Class: ConnectionClass<Conn>;
  /**
   * The stream options connections get when acceptConnection gives none (IOLib's
   * accept-connection defaults the external format to the server's), validated.
   */
  readonly defaults: ActiveStreamOptions;
}

/** The base of passive sockets. */
// TypeScript's declaration of the SocketCore mixin loses `this` in what its members answer
// (it emits `any`): declared again here, merged into the class, they keep it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PassiveSocketBase<Conn> {
  /** Binds the socket: an internet host designator with `port`, or a local filename; returns the socket. */
  bindAddress(address: HostDesignator | string, options?: BindOptions): this;
  /** Lets the socket keep the event loop alive again (as node:net's `ref`); returns the socket. */
  ref(): this;
  /** Lets the process exit while the socket is open (as node:net's `unref`); returns the socket. */
  unref(): this;
  /** EventEmitter's `addListener`; returns the socket. */
  addListener(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `on`; returns the socket. */
  on(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `once`; returns the socket. */
  once(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `prependListener`; returns the socket. */
  prependListener(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `prependOnceListener`; returns the socket. */
  prependOnceListener(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `removeListener`; returns the socket. */
  removeListener(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `off`; returns the socket. */
  off(event: string | symbol, listener: Listener): this;
  /** EventEmitter's `removeAllListeners`; returns the socket. */
  removeAllListeners(event?: string | symbol): this;
  /** EventEmitter's `setMaxListeners`; returns the socket. */
  setMaxListeners(n: number): this;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class PassiveSocketBase<Conn> extends SocketCore(EventEmitter) {
  /**
   * @internal The class accepted connections get: the kinds table's active row of this
   * socket's family and type, given when the socket is made.
   */
  readonly _Connection: ConnectionClass<Conn>;
  /** @internal Stream options accepted connections get when acceptConnection gives none. */
  readonly _acceptDefaults: ActiveStreamOptions;
  /** @internal */ _listening = false;
  /** @internal unref() was called: listening does not keep the event loop alive. */
  _unrefd = false;
  /** @internal The next pause (ms) when out of fds; 0 while accepting works. */
  _acceptPause = 0;

  constructor(connections: Connections<Conn>) {
    super();
    this._Connection = connections.Class;
    this._acceptDefaults = connections.defaults;
  }

  /** True once listening. */
  isListening(): boolean {
    return this._listening && this.isOpen();
  }

  /** A passive socket is never connected. */
  isConnected(): boolean {
    return false;
  }

  /** Internet sockets: the bound address. */
  get localHost(): InetAddress | undefined {
    if (this._kind.addressFamily !== 'internet' || !this.isOpen()) return undefined;
    const name = this.localName();
    return 'host' in name ? name.host : undefined;
  }
  /** Internet sockets: the bound port. */
  get localPort(): number | undefined {
    if (this._kind.addressFamily !== 'internet' || !this.isOpen()) return undefined;
    const name = this.localName();
    return 'port' in name ? name.port : undefined;
  }
  /** Local sockets: the bound filename. */
  get localFilename(): string | undefined {
    if (this._kind.addressFamily !== 'local' || !this.isOpen()) return undefined;
    const name = this.localName();
    return 'filename' in name ? name.filename : undefined;
  }

  /** Starts listening (IOLib's listen-on). Returns the socket. */
  listenOn(options: { backlog?: number } = {}): this {
    validateObject(options, 'options');
    this._listen(validateBacklog(options.backlog));
    return this;
  }

  /** @internal listen(2) with a backlog {@link validateBacklog} gave; the default when undefined. */
  _listen(backlog = defaultBacklogSize): void {
    check(H.listen(this._open('listen'), backlog), 'listen');
    this._markListening();
  }

  /** @internal The fd listens (listen(2) here, or an adopted fd that already did). */
  _markListening(): void {
    this._listening = true;
    if (!this._unrefd) holdLoop(this);
  }

  override _refChanged(ref: boolean): void {
    this._unrefd = !ref;
    if (ref && this._listening && this.isOpen()) holdLoop(this);
    else releaseLoop(this);
  }

  /**
   * The bound address as net.Server's `address()` gives it: `{ address, family, port }` for an
   * internet socket, the filename for a local one (an abstract name with a leading NUL).
   */
  address(): NetAddress | string | null {
    if (!this.isOpen()) return null;
    const name = this.localName();
    if ('host' in name) return netAddressOf(name);
    return name.abstract ? `\0${name.filename}` : name.filename;
  }

  /**
   * Accepts one connection. Resolves null on timeout, or at once when `wait` is false and none
   * is pending: with neither, it resolves only with a connection.
   *
   * Out of file descriptors (EMFILE, ENFILE), a waiting accept does not fail: the connection
   * stays in the kernel's backlog, accepting pauses (20 ms, doubling up to 500 ms) and
   * resumes by itself once fds are free. Each pause emits `'acceptPaused'` with a
   * {@link SocketDescriptorLimitError}, for programs that want to know; none has to listen.
   * With `wait: false` that error is thrown instead.
   */
  acceptConnection(options?: AcceptOptions & { wait?: true; timeout?: undefined }): Promise<Conn>;
  acceptConnection(options?: AcceptOptions): Promise<Conn | null>;
  async acceptConnection(options: AcceptOptions = {}): Promise<Conn | null> {
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
    if (options.wait !== undefined) validateBoolean(options.wait, 'options.wait');
    streamSizes(options);
    const deadline = deadlineAfter(options.timeout);
    for (;;) {
      const r = H.accept(this._open('accept'));
      if (r >= 0) {
        this._acceptPause = 0;
        const turn = spendTurn(this);
        if (turn) {
          // A flood of connections must not keep the loop from its timers: take the turn
          // before wrapping the fd, so a close meanwhile cannot leak it.
          await turn;
          if (!this.isOpen()) {
            native.closeFd(r);
            this._open('accept');
          }
        }
        const d = this._acceptDefaults;
        return new this._Connection(r, this._kind, {
          inputBufferSize: options.inputBufferSize ?? d.inputBufferSize,
          outputBufferSize: options.outputBufferSize ?? d.outputBufferSize,
          encoding: options.encoding ?? d.encoding,
          allowHalfOpen: options.allowHalfOpen ?? d.allowHalfOpen,
        });
      }
      if (r !== -C.EAGAIN) {
        const err = failure(r, 'accept');
        if (TRANSIENT.has(err.code)) continue;
        if (!(err instanceof SocketDescriptorLimitError) || options.wait === false) throw err;
        this._acceptPause = Math.min(ACCEPT_PAUSE_MAX, Math.max(ACCEPT_PAUSE_MIN, this._acceptPause * 2));
        const left = deadline === undefined ? this._acceptPause : deadline - Date.now();
        if (left <= 0) return null;
        this.emit('acceptPaused', err);
        await pauseFor(this, Math.min(this._acceptPause, left), options.signal);
        continue;
      }
      if (options.wait === false) return null;
      try {
        waitedTurn(this);
        await this._waitReadable('accept', remaining(deadline), options.signal);
      } catch (err) {
        if (err instanceof PollTimeoutError) return null;
        throw err;
      }
    }
  }

  /** Connections as they arrive, until the socket closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Conn, void, undefined> {
    for (;;) {
      let conn: Conn | null;
      try {
        conn = await this.acceptConnection();
      } catch (err) {
        if (err instanceof SocketClosedError) return;
        throw err;
      }
      if (conn) yield conn;
    }
  }

  /** Closes the socket; pending accepts reject with SocketClosedError. Idempotent. */
  close(options: { abort?: boolean } = {}): Promise<void> {
    try {
      validateCloseOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this._closing) {
      this._listening = false;
      releaseLoop(this);
      this._beforeClose();
      this._closeHandle();
      this._closing = Promise.resolve();
      this.emit('close');
    }
    return this._closing;
  }

  /** @internal Hook run before the fd closes (local sockets remove their file). */
  _beforeClose(): void {}
}
