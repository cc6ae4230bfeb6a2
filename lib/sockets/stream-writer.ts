/**
 * The write side of a byte stream while it holds anything: a remainder the kernel did not
 * take, or bytes in the handle's send ring (native/send_ring.cc). A socket makes its writer
 * when a write cannot complete at once or goes to the ring, and drops it when it is idle
 * again, so idle sockets and sockets whose writes the kernel takes at once carry none.
 * @internal
 * @module
 */
import { Buffer } from 'node:buffer';
import { H, C, type FdHandle } from '../native.js';
import { SocketClosedError } from '../errors.js';
import { WaitQueue } from '../internal/wait.js';
import { failure } from './syscall.js';

/** A write's callback, as Writable gives it. */
export type WriteCallback = (error?: Error | null) => void;

/**
 * - `waiting`: a remainder waits for the fd to be writable (the ring is not involved).
 * - `ring`: the send ring holds bytes and its thread-pool job sends them; every write goes
 *   through the ring meanwhile, so bytes keep their order.
 * - `ring-blocked`: the ring's job met a full kernel (EAGAIN) and waits for writability.
 * - `idle`: nothing held; the socket no longer refers to the writer.
 *
 * In the ring states a remainder is what did not fit in the ring, waiting for its job to make
 * room; end() and shutdown() of the write side wait for the ring to drain.
 */
export type WriterState = 'idle' | 'waiting' | 'ring' | 'ring-blocked';

/** What the writer needs of its socket. */
export interface WriterHost {
  readonly _fdHandle: FdHandle | null;
  /** The socket's writer (kept in its `_extra`); null while idle. */
  _writer: StreamWriter | null;
  /** Bytes went to the kernel or the send ring: restarts the idle timer. */
  _touch(): void;
  /** Recomputes the watcher's interest (writability while `wantsWritable`). */
  _updateNotify(): void;
  /** end()'s own step (the shutdown of the write side), once the ring is drained. */
  _finalNow(callback: WriteCallback): void;
  destroy(error?: Error): unknown;
}

/** One byte stream's pending write work, with its state and transitions. */
export class StreamWriter {
  private current: WriterState = 'idle';
  /** Chunks not yet taken (by the kernel when `waiting`, by the ring otherwise). */
  private chunks: Buffer[] | null = null;
  /** The callback of the write whose chunks `rest` holds. */
  private restCallback: WriteCallback | null = null;
  /** end()'s callback, run once the ring drains. */
  private onDrained: WriteCallback | null = null;
  /** shutdown() of the write side, done once the ring drains. */
  private shutdownOnDrain = false;
  /** Direct sends (sendTo, sendMessage) waiting for the ring to drain. */
  private drainWaits: WaitQueue | null = null;

  constructor(private readonly host: WriterHost) {}

  /** The socket's writer, made now if it has none. */
  static of(host: WriterHost): StreamWriter {
    return (host._writer ??= new StreamWriter(host));
  }

  /** Where the writer is (see WriterState). */
  get state(): WriterState {
    return this.current;
  }

  /** Chunks of the current write not yet taken (by the kernel when `waiting`, by the ring otherwise). */
  get rest(): Buffer[] | null {
    return this.chunks;
  }

  /** How many direct sends wait for the ring to drain. */
  get drainWaiting(): number {
    return this.drainWaits?.size ?? 0;
  }

  /** The send ring holds bytes: writes go through it, end() and direct sends wait for it. */
  get ringInUse(): boolean {
    return this.current === 'ring' || this.current === 'ring-blocked';
  }

  /** The writer waits for the fd to be writable. */
  get wantsWritable(): boolean {
    return this.current === 'waiting' || this.current === 'ring-blocked';
  }

  /** idle -> waiting: the kernel took part of a write; `rest` goes once the fd is writable. */
  awaitWritable(rest: Buffer[], callback: WriteCallback): void {
    this.current = 'waiting';
    this.chunks = rest;
    this.restCallback = callback;
    this.host._updateNotify();
  }

  /**
   * idle/ring/ring-blocked -> ring (or stays blocked): copies `chunks` into the send ring; the
   * write is done once all of it is there, and what does not fit waits for the ring's job.
   */
  ringSend(chunks: Buffer[], callback: WriteCallback): void {
    const h = this.host._fdHandle;
    const n = h === null ? -C.EBADF : H.ringWrite(h, chunks);
    if (n < 0) {
      if (this.current === 'idle') this.detach();
      callback(failure(n, 'write'));
      return;
    }
    if (n > 0) this.host._touch();
    if (this.current === 'idle') this.current = 'ring';
    const rest = advance(chunks, n);
    if (rest.length === 0) {
      callback();
      return;
    }
    this.chunks = rest;
    this.restCallback = callback;
  }

  /**
   * The fd is writable. waiting -> idle once the kernel took the remainder (or the write
   * failed), else stays; ring-blocked -> ring, and the ring sends again.
   */
  onWritable(): void {
    const host = this.host;
    const h = host._fdHandle;
    if (this.current === 'ring-blocked') {
      if (h === null) return;
      this.current = 'ring';
      host._updateNotify();
      const r = H.ringFlush(h);
      if (r < 0) this.ringJobEnded(r);
      return;
    }
    if (this.current !== 'waiting') return;
    const callback = this.restCallback!;
    const left = taken(host, this.chunks!, sendNow(h, this.chunks!));
    if (Array.isArray(left) && left.length > 0) {
      this.chunks = left;
      host._updateNotify();
      return;
    }
    this.toIdle();
    host._updateNotify();
    if (Array.isArray(left)) callback();
    else callback(left);
  }

  /**
   * The ring's job ended with `result`: bytes it still holds, or -errno. EAGAIN: -> ring-blocked;
   * 0: drained, -> idle (end() and shutdown() go on, direct sends go); another error: -> idle,
   * and the write, end() or else the stream fails. A remainder is copied in again.
   */
  ringJobEnded(result: number): void {
    const rest = this.chunks;
    const callback = this.restCallback;
    this.chunks = null;
    this.restCallback = null;
    if (result < 0 && result !== -C.EAGAIN) {
      const err = failure(result, 'write');
      const final = this.onDrained;
      const waits = this.drainWaits;
      this.toIdle();
      waits?.failAll(err);
      // Bytes whose writes already completed are lost with the connection: the stream fails.
      if (callback) callback(err);
      else if (final) final(err);
      else this.host.destroy(err);
      return;
    }
    if (result === -C.EAGAIN) {
      this.current = 'ring-blocked';
      this.host._updateNotify();
    }
    if (rest && callback) this.ringSend(rest, callback);
    else if (result === 0) this.drained();
  }

  /** ring -> idle: shutdown() and end() waiting for the drain go on, direct sends go. */
  private drained(): void {
    const host = this.host;
    const final = this.onDrained;
    this.onDrained = null;
    this.current = 'idle';
    if (this.shutdownOnDrain) {
      this.shutdownOnDrain = false;
      const r = H.shutdown(host._fdHandle!, C.SHUT_WR);
      if (r < 0 && r !== -C.ENOTCONN) host.destroy(failure(r, 'shutdown'));
    }
    this.drainWaits?.wakeAll();
    this.detach();
    if (final) host._finalNow(final);
  }

  /** end() while the ring holds bytes: `callback` runs end()'s own step once it drains. */
  endWhenDrained(callback: WriteCallback): void {
    this.onDrained = callback;
  }

  /** shutdown() of the write side while the ring holds bytes: done once it drains. */
  shutdownWhenDrained(): void {
    this.shutdownOnDrain = true;
  }

  /** Waits (a direct send) until the ring drains; `timeout` and `signal` bound the wait. */
  whenDrained(event: string, timeout: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    return (this.drainWaits ??= new WaitQueue()).wait(event, timeout, signal, () => {
      if (this.drainWaits?.size === 0) this.drainWaits = null;
    });
  }

  /**
   * any -> idle as the socket is destroyed: direct sends waiting for the drain fail; answers
   * the callback of a write still waiting, for the socket to fail once its fd is closed.
   */
  abandon(): WriteCallback | null {
    const callback = this.restCallback;
    const waits = this.drainWaits;
    this.toIdle();
    waits?.failAll(new SocketClosedError('send'));
    return callback;
  }

  /** -> idle: drops what the writer held and the socket's reference to it. */
  private toIdle(): void {
    this.current = 'idle';
    this.chunks = null;
    this.restCallback = null;
    this.onDrained = null;
    this.shutdownOnDrain = false;
    this.detach();
  }

  private detach(): void {
    if (this.host._writer === this) this.host._writer = null;
  }
}

/** write/writev of `chunks`: bytes the kernel took, or -errno (-EBADF for a closed handle). */
export function sendNow(h: FdHandle | null, chunks: Buffer[]): number {
  return h === null ? -C.EBADF : chunks.length === 1 ? H.write(h, chunks[0]!) : H.writev(h, chunks);
}

/**
 * What is left of `chunks` after a write/writev answered `n` (the bytes taken are counted),
 * or the write's error.
 */
export function taken(host: WriterHost, chunks: Buffer[], n: number): Buffer[] | Error {
  if (n < 0 && n !== -C.EAGAIN) return failure(n, 'write');
  if (n > 0) host._touch();
  return advance(chunks, n < 0 ? 0 : n);
}

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
