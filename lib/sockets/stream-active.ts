/**
 * Byte-stream active sockets (TCP, Unix stream): reads batched by the native watcher and
 * stopped when the readable buffer is full; writes tried at once, the rest queued until the
 * fd is writable.
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { constants as osConstants } from 'node:os';
import { H, C } from '../native.js';
import { ActiveSocketBase, type ActiveStreamOptions } from './active.js';
import { extraAccessors } from './core.js';
import { failure } from './syscall.js';

const READ_BYTES = 1;
const STATUS_END = 1;

type WriteCallback = (error?: Error | null) => void;

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

/** Byte-stream active sockets. */
export class StreamActiveBase extends ActiveSocketBase {
  /** @internal Chunks not yet taken by the kernel (kept in `_extra`). */
  declare _pending: Buffer[] | null;
  /** @internal The callback of the write whose chunks are pending (kept in `_extra`). */
  declare _pendingCallback: WriteCallback | null;
  /** @internal Reading was asked for before the socket was connected: start on connect. */
  declare _readDeferred: boolean;

  /** @internal */
  constructor(options: ActiveStreamOptions) {
    super(false, options);
  }

  override _read(): void {
    this._startReading(READ_BYTES, 0, false, 'read');
  }

  /** @internal A batch from the native watcher. */
  _onNativeRead(data: Buffer | null, status: number): void {
    if (data) {
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
      if (status === -C.ENOTCONN! || (status === -osConstants.errno.EINVAL && this._kind.addressFamily === 'local')) {
        this._readDeferred = true;
        return;
      }
      this.destroy(failure(status, 'read'));
    }
  }

  override _onConnected(): void {
    if (this._readDeferred) {
      this._readDeferred = false;
      this._read();
    }
  }

  /**
   * Hands a Buffer to the kernel at once when the stream has nothing queued; only what the
   * kernel does not take goes through the Writable machinery (which costs a nextTick per write).
   */
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (encoding === undefined && callback === undefined && chunk instanceof Buffer && this._handle !== null) {
      const ws = (this as unknown as { _writableState: WritableStateFlags })._writableState;
      if (ws.length === 0 && !ws.writing && !ws.corked && !ws.ending && !ws.destroyed && !ws.errored && ws.constructed) {
        const n = H.write(this._handle, chunk);
        if (n === chunk.length) return true;
        // The rest, or the whole chunk after an error, takes the stream's path, which reports it.
        if (n > 0) chunk = chunk.subarray(n);
      }
    }
    return super.write(chunk, encoding as BufferEncoding, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: WriteCallback): void {
    // The common case stays free of allocations: the kernel takes the whole chunk at once.
    const h = this._handle;
    const n = h === null ? -C.EBADF! : H.write(h, chunk);
    if (n === chunk.length) {
      callback();
      return;
    }
    this._afterSend([chunk], n, callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: WriteCallback): void {
    this._send(chunks.map((c) => c.chunk), callback);
  }

  /** @internal Writes what the kernel takes now; queues the rest for writability. */
  _send(chunks: Buffer[], callback: WriteCallback): void {
    const h = this._handle;
    const n = h === null ? -C.EBADF! : chunks.length === 1 ? H.write(h, chunks[0]!) : H.writev(h, chunks);
    this._afterSend(chunks, n, callback);
  }

  /** @internal `n` is what write/writev answered (a closed handle answers -EBADF). */
  _afterSend(chunks: Buffer[], n: number, callback: WriteCallback): void {
    if (n < 0 && n !== -C.EAGAIN!) {
      callback(failure(n, 'write'));
      return;
    }
    const rest = advance(chunks, n < 0 ? 0 : n);
    if (rest.length === 0) {
      callback();
      return;
    }
    this._pending = rest;
    this._pendingCallback = callback;
    this._updateNotify();
  }

  override _writesPending(): boolean {
    return this._pending !== null;
  }

  override _onWritable(): void {
    const chunks = this._pending;
    const callback = this._pendingCallback;
    if (!chunks || !callback) return;
    this._pending = null;
    this._pendingCallback = null;
    this._send(chunks, (err) => {
      if (!this._pending) this._updateNotify();
      callback(err);
    });
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const pending = this._pendingCallback;
    this._pending = null;
    this._pendingCallback = null;
    super._destroy(err, callback);
    pending?.(err ?? failure(-C.EBADF!, 'write'));
  }
}
extraAccessors(StreamActiveBase.prototype, { _pending: 'pending', _pendingCallback: 'pendingCallback', _readDeferred: 'readDeferred' });

/** Drops the first `n` bytes of `chunks`. */
function advance(chunks: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < chunks.length && n >= chunks[i]!.length) {
    n -= chunks[i]!.length;
    i++;
  }
  if (i === chunks.length) return [];
  const rest = chunks.slice(i);
  if (n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}
