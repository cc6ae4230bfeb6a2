/**
 * Byte-stream active sockets (TCP, Unix stream): reads batched by the native watcher and
 * stopped when the readable buffer is full; small writes tried at once, the rest queued until
 * the fd is writable; large writes (and everything after them until it drains) copied into the
 * handle's send ring, which libuv's thread pool sends (native/send_ring.cc). The queued
 * remainder and the ring's state live in the socket's StreamWriter (stream-writer.ts).
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import { H, C } from '../native.js';
import { ActiveSocketBase, type ActiveStreamOptions } from './active.js';
import { extraAccessors } from './core.js';
import { failure } from './syscall.js';
import { StreamWriter, sendNow, taken, type WriteCallback } from './stream-writer.js';
import { netAddressOf, nodeAddressText, type InetName, type LocalName, type NetAddress } from './sockaddr.js';
import type { InetAddress } from '../address/index.js';
import { codedError, invalidArgType } from '../internal/validate.js';

const READ_BYTES = C.READ_BYTES;
/**
 * Writes of at least this many bytes go through the handle's send ring: copied there, and sent
 * from libuv's thread pool, so the kernel's share of the work (on loopback, the receiving
 * end's protocol path too) runs beside the JS thread. Smaller writes are sent at once.
 */
const RING_BYTES = 65536;
/**
 * A chunk larger than the send ring (1 MiB) is sent from its own memory, with what the kernel
 * does not take waiting for writability: through the ring it would be copied a ring at a time,
 * each with a round trip to the thread pool (10 MiB HTTP responses, alternated runs: 0.71-0.75
 * of node:net's rate through the ring, 1.07-1.09 sent directly). Many ring-sized chunks still
 * take the ring.
 */
const RING_CAPACITY = 1 << 20;
const STATUS_END = C.READ_STATUS_END;

/** Node's Writable's queue of writes not yet passed to _write/_writev (undocumented, as node:net reads it). */
interface QueuedWrites {
  writableBuffer: { chunk: Buffer | string; encoding: BufferEncoding }[];
}

/** The flags of Node's writable state that the direct write path reads. */
interface WritableStateFlags {
  length: number;
  writing: boolean;
  corked: number;
  ending: boolean;
  destroyed: boolean;
  errored: Error | null;
  constructed: boolean;
}

/**
 * The error write()'s own send met, for the _write its stream path runs at once (nothing is
 * queued then) to report instead of sending again; 0 otherwise.
 */
let failedFastWrite = 0;

/** Byte-stream active sockets. */
export class StreamActiveBase extends ActiveSocketBase {
  /**
   * @internal The write side while it holds a remainder or send-ring bytes (kept in `_extra`);
   * null while idle.
   */
  declare _writer: StreamWriter | null;
  /** @internal Reading was asked for before the socket was connected: start on connect. */
  declare _readDeferred: boolean;
  /** @internal See bytesRead. */
  _bytesRead = 0;
  /** @internal See bytesWritten: the bytes of every chunk that left the Writable's buffer. */
  _bytesWritten = 0;

  /** @internal */
  constructor(options: ActiveStreamOptions) {
    super(false, options);
  }

  override _read(): void {
    // A read while connecting would take the connect's error (a refusal) from the socket.
    if (this.connecting) this._readDeferred = true;
    else this._startReading(READ_BYTES, 0, false, 'read');
  }

  /** @internal The send ring holds bytes, so every write goes through it (in order). */
  get _ringInUse(): boolean {
    return this._writer?.ringInUse === true;
  }

  /** @internal The send ring waits for the fd to be writable. */
  get _ringBlocked(): boolean {
    return this._writer?.state === 'ring-blocked';
  }

  /** @internal Chunks of a write not yet taken by the kernel or the send ring. */
  get _pending(): Buffer[] | null {
    return this._writer?.rest ?? null;
  }

  /** Bytes read from the socket by its stream (node:net's `bytesRead`). */
  get bytesRead(): number {
    return this._bytesRead;
  }

  /**
   * Bytes written to the socket, as node:net's `bytesWritten` counts them: those handed to the
   * kernel (or the send ring that hands them on in order), plus those still queued.
   */
  get bytesWritten(): number {
    let n = this._bytesWritten;
    for (const { chunk, encoding } of (this as unknown as QueuedWrites).writableBuffer) {
      n += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    }
    return n;
  }

  /** The bytes queued for writing (node:net's deprecated `bufferSize`: its `writableLength`). */
  get bufferSize(): number {
    return this.writableLength;
  }

  /** @internal The peer's name, kept once read while connected (see `remoteAddress`). */
  declare _peerSeen: InetName | LocalName | null;

  /**
   * @internal The peer's name for the remote members: a connection's peer does not change, so
   * once read it is kept, and they still answer it after a reset or the close, as node:net's
   * do (its local members do not).
   */
  _remoteSeen(): InetName | LocalName | null {
    const seen = this._peerSeen;
    if (seen !== null || this._fdHandle === null || this.connecting) return seen;
    const peer = this._peer();
    if (peer !== null) this._peerSeen = peer;
    return peer;
  }

  override _inetName(which: 'local' | 'remote'): { host: InetAddress; port: number } | undefined {
    if (which === 'local' || this._kind.addressFamily !== 'internet') return super._inetName(which);
    const name = this._remoteSeen();
    return name && 'host' in name ? name : undefined;
  }

  override _localFilename(which: 'local' | 'remote'): string | undefined {
    if (which === 'local' || this._kind.addressFamily !== 'local') return super._localFilename(which);
    const name = this._remoteSeen();
    return name && 'filename' in name ? name.filename : undefined;
  }

  /** The peer's address text (node:net's `remoteAddress`); undefined for local sockets or when not connected. */
  get remoteAddress(): string | undefined {
    const host = this.remoteHost;
    return host && nodeAddressText(host);
  }

  /** 'IPv4' or 'IPv6' for the peer (node:net's `remoteFamily`); undefined for local sockets. */
  get remoteFamily(): 'IPv4' | 'IPv6' | undefined {
    const host = this.remoteHost;
    return host === undefined ? undefined : host.type === 'ipv6' ? 'IPv6' : 'IPv4';
  }

  /** The local address text (node:net's `localAddress`); undefined for local sockets. */
  get localAddress(): string | undefined {
    const host = this.localHost;
    return host && nodeAddressText(host);
  }

  /** 'IPv4' or 'IPv6' for the local end (node:net's `localFamily`); undefined for local sockets. */
  get localFamily(): 'IPv4' | 'IPv6' | undefined {
    const host = this.localHost;
    return host === undefined ? undefined : host.type === 'ipv6' ? 'IPv6' : 'IPv4';
  }

  /**
   * The local address as node:net's `address()` gives it: `{ address, family, port }`, or `{}`
   * for a local socket or a closed one.
   */
  address(): NetAddress | Record<string, never> {
    const name = this._inetName('local');
    return name ? netAddressOf(name) : {};
  }

  /** True until the socket is connected (node:net's `pending`): connecting, unconnected or closed. */
  get pending(): boolean {
    return this.connecting || this._peer() === null;
  }

  /** node:net's `readyState`: 'opening', 'open', 'readOnly', 'writeOnly' or 'closed'. */
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable) return this.writable ? 'open' : 'readOnly';
    return this.writable ? 'writeOnly' : 'closed';
  }

  /**
   * Sets TCP_NODELAY (default true), as node:net's `setNoDelay`; nothing on a local socket or
   * a closed one. Returns the socket.
   */
  setNoDelay(noDelay = true): this {
    if (this._kind.addressFamily === 'internet' && this.isOpen()) this.setOption('tcpNodelay', Boolean(noDelay));
    return this;
  }

  /**
   * Sets SO_KEEPALIVE as node:net's `setKeepAlive` (libuv's uv_tcp_keepalive) does: with an
   * `initialDelay` of a second or more (ms, rounded down to seconds), also TCP_KEEPIDLE to it and
   * libuv's probes, one a second (TCP_KEEPINTVL) ten times (TCP_KEEPCNT), so a dead peer is
   * found about ten seconds after the delay. Nothing on a local socket or a closed one. Returns
   * the socket.
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    if (typeof initialDelay !== 'number') throw invalidArgType('initialDelay', 'of type number', initialDelay);
    if (this._kind.addressFamily !== 'internet' || !this.isOpen()) return this;
    const on = Boolean(enable);
    this.setOption('keepAlive', on);
    const seconds = Math.floor(initialDelay / 1000);
    if (on && seconds >= 1) {
      this.setOption('tcpKeepIdle', Math.min(seconds, 32767));
      this.setOption('tcpKeepInterval', 1);
      this.setOption('tcpKeepCount', 10);
    }
    return this;
  }

  /** Ends the writable side, then destroys the socket once its writes are done (node:net's `destroySoon`). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /**
   * Closes a TCP connection with a reset (RST) instead of a FIN: SO_LINGER 0, then destroy, as
   * node:net's `resetAndDestroy`. A local socket has no reset: ERR_INVALID_HANDLE_TYPE.
   */
  resetAndDestroy(): this {
    if (this._kind.addressFamily !== 'internet') {
      throw codedError('ERR_INVALID_HANDLE_TYPE', 'resetAndDestroy() needs a TCP socket');
    }
    if (this.isOpen()) this.setOption('linger', { onoff: true, linger: 0 });
    this.destroy();
    return this;
  }

  /** @internal A batch from the native watcher. */
  _onNativeRead(data: Buffer | null, status: number): void {
    if (data) {
      this._bytesRead += data.length;
      this._touch();
      this._skipReadAhead();
      if (!this.push(data)) this._stopReading();
    }
    if (status === STATUS_END) {
      this._stopReading();
      this.push(null);
    } else if (status < 0) {
      this._stopReading();
      // A socket that was never connected (a reader attached before connect(), as node:net
      // allows) answers ENOTCONN (TCP) or EINVAL (Unix); a connection that existed answers
      // its error or the end instead. Wait for the connect rather than failing.
      if (status === -C.ENOTCONN || (status === -osConstants.errno.EINVAL && this._kind.addressFamily === 'local')) {
        this._readDeferred = true;
        return;
      }
      this.destroy(failure(status, 'read'));
    }
  }

  override _onConnected(): void {
    if (this._readDeferred) {
      this._readDeferred = false;
      // `connecting` is still set here: _read would defer again.
      this._startReading(READ_BYTES, 0, false, 'read');
    }
  }

  /**
   * Hands a Buffer to the kernel at once when the stream has nothing queued; only what the
   * kernel does not take goes through the Writable machinery (which costs a nextTick per write).
   */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    // Not while connecting: a send would take the connect's error (a refusal) from the socket.
    if (encoding === undefined && callback === undefined && chunk instanceof Buffer && chunk.length < RING_BYTES && this._fdHandle !== null && !this.connecting) {
      const ws = (this as unknown as { _writableState: WritableStateFlags })._writableState;
      if (ws.length === 0 && !ws.writing && !ws.corked && !ws.ending && !ws.destroyed && !ws.errored && ws.constructed && !this._ringInUse) {
        const n = H.write(this._fdHandle, chunk);
        if (n > 0) {
          this._bytesWritten += n;
          this._touch();
        }
        if (n === chunk.length) return true;
        // The rest takes the stream's path. So does the whole chunk after an error, which that
        // path reports as this send met it: a second send would meet another error (EPIPE
        // after the ECONNRESET the first one took from the socket).
        if (n > 0) chunk = chunk.subarray(n);
        else if (n !== -C.EAGAIN) {
          failedFastWrite = n;
          try {
            return super.write(chunk);
          } finally {
            failedFastWrite = 0;
          }
        }
      }
    }
    return super.write(chunk, encoding as BufferEncoding, callback);
  }

  /**
   * Writes made while a connect is in progress (and end()) wait for it, as node:net's do: they
   * are sent once connected, or fail with the connect's error.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, writeCallback: WriteCallback): void {
    this._bytesWritten += chunk.length;
    if (this.connecting) this._whenConnected((err) => (err ? this._writeCallback(writeCallback)(err) : this._writeNow(chunk, writeCallback)));
    else this._writeNow(chunk, writeCallback);
  }

  override _writev(chunks: { chunk: Buffer }[], writeCallback: WriteCallback): void {
    const buffers = chunks.map((c) => c.chunk);
    this._bytesWritten += totalLength(buffers);
    if (this.connecting) this._whenConnected((err) => (err ? this._writeCallback(writeCallback)(err) : this._writevNow(buffers, writeCallback)));
    else this._writevNow(buffers, writeCallback);
  }

  /** @internal _write on a socket that is not connecting. */
  _writeNow(chunk: Buffer, writeCallback: WriteCallback): void {
    const callback = this._writeCallback(writeCallback);
    if (this._ringInUse || (chunk.length >= RING_BYTES && chunk.length <= RING_CAPACITY)) {
      StreamWriter.of(this).ringSend([chunk], callback);
      return;
    }
    // The common case stays free of allocations: the kernel takes the whole chunk at once.
    const h = this._fdHandle;
    // write() resets failedFastWrite after the one _write it runs: no store here per write.
    const n = failedFastWrite !== 0 ? failedFastWrite : h === null ? -C.EBADF : H.write(h, chunk);
    if (n === chunk.length) {
      this._touch();
      callback();
      return;
    }
    this._afterSend([chunk], n, callback);
  }

  /** @internal _writev on a socket that is not connecting. */
  _writevNow(buffers: Buffer[], writeCallback: WriteCallback): void {
    const callback = this._writeCallback(writeCallback);
    if (this._ringInUse || (totalLength(buffers) >= RING_BYTES && !buffers.some((b) => b.length > RING_CAPACITY))) StreamWriter.of(this).ringSend(buffers, callback);
    else this._afterSend(buffers, sendNow(this._fdHandle, buffers), callback);
  }

  /**
   * @internal `n` is what write/writev answered for `chunks` (a closed handle answers -EBADF):
   * what the kernel did not take waits in the writer for writability.
   */
  _afterSend(chunks: Buffer[], n: number, callback: WriteCallback): void {
    const rest = taken(this, chunks, n);
    if (!Array.isArray(rest)) callback(rest);
    else if (rest.length === 0) callback();
    else StreamWriter.of(this).awaitWritable(rest, callback);
  }

  override _onNativeWritten(result: number): void {
    this._writer?.ringJobEnded(result);
  }

  /** @internal end()'s own step (ActiveSocketBase's shutdown of the write side), for the writer. */
  _finalNow(callback: WriteCallback): void {
    super._final(callback);
  }

  /**
   * @internal A write's callback runs once its bytes are in the send ring, so a direct send
   * made after it waits for the ring to drain: bytes keep the order the caller gave them
   * (a file descriptor passed after a large write arrives after its bytes).
   */
  override _sendTurn(event: string, timeout: number | undefined, signal: AbortSignal | undefined, dontWait: boolean): Promise<void> | void {
    const w = this._writer;
    if (w === null || !w.ringInUse) return;
    if (dontWait) return Promise.reject(failure(-C.EAGAIN, event));
    return w.whenDrained(event, timeout, signal);
  }

  /**
   * Shuts down the read and/or write side (both when neither is given). The write side of a
   * stream whose send ring still holds bytes (writes that already completed) is shut down once
   * they are in the kernel, so they reach the peer before its end.
   */
  override shutdown(options: { read?: boolean; write?: boolean } = {}): this {
    const write = options?.write === true || options?.read !== true;
    const w = this._writer;
    if (w === null || !w.ringInUse || !write || typeof options !== 'object' || options === null) return super.shutdown(options);
    if (options.read === true) super.shutdown({ read: true });
    else this._open('shutdown');
    w.shutdownWhenDrained();
    return this;
  }

  override _final(callback: WriteCallback): void {
    if (this.connecting) {
      this._whenConnected((err) => (err ? callback(err) : this._final(callback)));
      return;
    }
    const w = this._writer;
    if (w !== null && w.ringInUse) w.endWhenDrained(callback);
    else super._final(callback);
  }

  override _writesPending(): boolean {
    return this._writer?.wantsWritable === true;
  }

  override _onWritable(): void {
    this._writer?.onWritable();
  }

  /**
   * @internal close(2) of a connected stream runs the protocol's teardown (on loopback, the
   * peer's side too): it goes to the thread pool, as large writes do. Not while promises wait
   * on the socket: close() fails them, and their callers, who may attach handlers only after
   * close() resolves, must not see that take a trip round the event loop.
   */
  override _closesQueued(): boolean {
    return !(this._readWaits?.size || this._writeWaits?.size || this._writer?.drainWaiting) && this._observer === null;
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const pending = this._writer?.abandon();
    super._destroy(err, callback);
    pending?.(err ?? failure(-C.EBADF, 'write'));
  }
}
extraAccessors(StreamActiveBase.prototype, { _writer: 'writer', _readDeferred: 'readDeferred', _peerSeen: 'peerSeen' });

function totalLength(chunks: Buffer[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}
