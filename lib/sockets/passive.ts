/**
 * Passive (listening) sockets: listenOn, acceptConnection and `for await` over connections.
 * @internal
 * @module
 */
import { EventEmitter } from 'node:events';
import { H, C } from '../native.js';
import { PollTimeoutError, SocketClosedError } from '../errors.js';
import { invalidArgType, outOfRange, validateBoolean, validateObject, validateSignal, validateTimeout } from '../internal/validate.js';
import { SocketCore } from './core.js';
import { check, failure } from './syscall.js';
import { streamSizes, type ActiveStreamOptions } from './active.js';
import type { InetAddress } from '../address/index.js';

/** Options of `acceptConnection`. */
export interface AcceptOptions extends ActiveStreamOptions {
  /** Wait for a connection (default true); false answers null at once when none is pending. */
  wait?: boolean;
  /** ms; null on timeout */
  timeout?: number;
  signal?: AbortSignal;
}

/** Listen backlog used when none is given. */
export const DEFAULT_BACKLOG = 511;

/** Validates a backlog. */
export function validateBacklog(backlog: unknown): number {
  if (backlog === undefined) return DEFAULT_BACKLOG;
  if (typeof backlog !== 'number') throw invalidArgType('backlog', 'of type number', backlog);
  if (!Number.isInteger(backlog) || backlog < 0 || backlog > 0x7fffffff) throw outOfRange('backlog', 'an integer >= 0', backlog);
  return backlog;
}

// Errors a listener sees for a connection that died before accept: try the next one.
const TRANSIENT = new Set(['ECONNABORTED', 'EPROTO', 'EINTR']);

/** The base of passive sockets. */
export abstract class PassiveSocketBase<Conn> extends SocketCore(EventEmitter) {
  /** @internal */ _listening = false;
  /**
   * @internal Stream options accepted connections get when acceptConnection gives none
   * (IOLib's accept-connection defaults the external format to the server's): makeSocket's.
   */
  _acceptDefaults: ActiveStreamOptions = {};

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
    const backlog = validateBacklog(options.backlog);
    check(H.listen(this._open('listen'), backlog), 'listen');
    this._listening = true;
    return this;
  }

  /**
   * Accepts one connection. Resolves null on timeout, or at once when `wait` is false and none
   * is pending: with neither, it resolves only with a connection.
   */
  acceptConnection(options?: AcceptOptions & { wait?: true; timeout?: undefined }): Promise<Conn>;
  acceptConnection(options?: AcceptOptions): Promise<Conn | null>;
  async acceptConnection(options: AcceptOptions = {}): Promise<Conn | null> {
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
    if (options.wait !== undefined) validateBoolean(options.wait, 'options.wait');
    streamSizes(options);
    const deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout;
    for (;;) {
      const r = H.accept(this._open('accept'));
      if (r >= 0) {
        const d = this._acceptDefaults;
        return this._adopt(r, {
          inputBufferSize: options.inputBufferSize ?? d.inputBufferSize,
          outputBufferSize: options.outputBufferSize ?? d.outputBufferSize,
          encoding: options.encoding ?? d.encoding,
        });
      }
      if (r !== -C.EAGAIN!) {
        const err = failure(r, 'accept');
        if (TRANSIENT.has(err.code)) continue;
        throw err;
      }
      if (options.wait === false) return null;
      try {
        await this._waitReadable('accept', deadline === undefined ? undefined : Math.max(0, deadline - Date.now()), options.signal);
      } catch (err) {
        if (err instanceof PollTimeoutError) return null;
        throw err;
      }
    }
  }

  /** @internal Wraps an accepted fd in the matching active socket class. */
  abstract _adopt(fd: number, options: ActiveStreamOptions): Conn;

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
    validateObject(options, 'options');
    if (!this._closing) {
      this._listening = false;
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
