/**
 * The process-wide table of watched files: one {@link Source} per fd number or socket, shared
 * by every Poller, EventBase and wait, so that no file ever gets a second libuv watcher
 * (libuv answers UV_EEXIST, or worse, to a second `uv_poll_t` on one fd).
 *
 * - A user's fd is watched through a private duplicate (`F_DUPFD_CLOEXEC`) that only this
 *   module closes. libuv aborts the process when a watched fd number is closed under it and
 *   the watcher is then (re)started, so it must never watch a number the user may close.
 *   Closing the user's fd is noticed by comparing the fd's identity (device and inode, from
 *   fstat) with the duplicate's: when the number is closed or names another file, the
 *   source is gone, its duplicate is closed at once and every subscriber is woken. Until
 *   then the duplicate keeps the file open (a pipe's other end sees no EOF yet): unregister
 *   before closing.
 * - One of this library's sockets is watched through its own watcher (its `_observer`
 *   slot), never a second one; the socket reports its own close.
 * - A source is watched (its libuv watcher started) only while a subscriber waits on it, with
 *   the union of the waiting subscribers' interests: an idle source costs nothing and does
 *   not keep the process alive. While some subscriber waits on a user fd, a timer checks
 *   every {@link CLOSE_CHECK_INTERVAL} ms whether that fd was closed (nothing else reports it).
 * @internal
 * @module
 */
import { fstatSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ReadinessObserver } from '../sockets/core.js';
import type { Socket } from '../sockets/kinds.js';
import { H, C, native, type FdHandle } from '../native.js';
import { SocketClosedError, SyscallError } from '../errors.js';
import { invalidArgType, invalidArgValue, validateInteger } from '../internal/validate.js';
import { syscallError } from '../internal/errno.js';

/** poll(2) event bits. */
export const POLLIN = C.POLLIN, POLLOUT = C.POLLOUT, POLLERR = C.POLLERR, POLLHUP = C.POLLHUP, POLLNVAL = C.POLLNVAL;
/** libuv event bits. */
export const UV_READABLE = C.UV_READABLE, UV_WRITABLE = C.UV_WRITABLE;

/** How often (ms) a user fd that something waits on is checked for having been closed. */
const CLOSE_CHECK_INTERVAL = 50;

/** What the multiplexer watches: an fd number or one of this library's sockets. */
export type FdTarget = number | Socket;

/** A socket's members the multiplexer uses (lib/sockets/core.ts). */
interface PollableSocket {
  readonly fd: number;
  isOpen(): boolean;
  _observer: ReadinessObserver | null;
  _updateNotify(): void;
}

function isPollableSocket(x: unknown): x is PollableSocket {
  return typeof x === 'object' && x !== null && typeof (x as Partial<PollableSocket>)._updateNotify === 'function' && 'fd' in x;
}

/** Throws unless `x` is an fd (integer >= 0) or one of this library's sockets. */
export function validateTarget(x: unknown, name: string): asserts x is FdTarget {
  if (typeof x === 'number') validateInteger(x, name, 0, 0x7fffffff);
  else if (!isPollableSocket(x)) throw invalidArgType(name, 'a file descriptor (integer >= 0) or an iolib socket', x);
}

/** Something that waits on a source: woken (synchronously) whenever the watcher reports. */
export interface Subscriber {
  wake(): void;
}

/** One watched file and its one watcher. */
export abstract class Source {
  /** The fd number the source was made for. */
  readonly fd: number;
  /** True once the fd was closed underneath (or the socket closed): no I/O can happen on it. */
  gone = false;
  /** Every subscriber holding the source; the source is released when the last one leaves. */
  readonly holders = new Set<Subscriber>();
  /** The subscribers waiting now, with the libuv events each wants. */
  private readonly waiting = new Map<Subscriber, number>();

  constructor(fd: number) {
    this.fd = fd;
  }

  /** poll(2)'s revents for `events` at this instant; POLLNVAL once the source is gone. */
  revents(events: number): number {
    if (!this.isAlive()) return POLLNVAL;
    const r = native.pollFd(this.pollFd(), events);
    return r < 0 ? POLLERR : r;
  }

  /**
   * Starts (or changes) `sub`'s wait for libuv `events` (UV_READABLE | UV_WRITABLE). With 0
   * nothing is watched, but `sub` still hears of the fd's close.
   */
  wait(sub: Subscriber, events: number): void {
    this.waiting.set(sub, events);
    this.update();
  }

  /** Ends `sub`'s wait. */
  unwait(sub: Subscriber): void {
    if (this.waiting.delete(sub)) this.update();
  }

  /** Whether anything waits on the source. */
  get isWaitedOn(): boolean {
    return this.waiting.size > 0;
  }

  /** Checks that the fd is still the file the source was made for; marks it gone if not. */
  isAlive(): boolean {
    if (this.gone) return false;
    if (this.stillThere()) return true;
    this.die();
    return false;
  }

  /** Wakes every waiting subscriber (each checks its own readiness). */
  protected wakeAll(): void {
    for (const sub of [...this.waiting.keys()]) if (this.waiting.has(sub)) sub.wake();
  }

  /** Stops watching for good, releasing the watcher (and the duplicate fd), and says so. */
  protected die(): void {
    this.gone = true;
    this.detach();
    forget(this);
    this.wakeAll();
  }

  /** Sets the watcher from the waiting subscribers' interests. */
  protected update(): void {
    if (this.gone) return;
    let mask = 0;
    for (const m of this.waiting.values()) mask |= m;
    this.watch(mask);
    onWaitingChanged(this);
  }

  /** Gives back the watcher: stops it, closes the duplicate, frees the socket's slot. */
  abstract detach(): void;
  /** The fd to ask poll(2) about. */
  protected abstract pollFd(): number;
  /** Whether the fd number still names the source's file. */
  protected abstract stillThere(): boolean;
  /** Sets the watcher's libuv events (0 stops it). */
  protected abstract watch(mask: number): void;
}

/** A user's fd, watched through a private duplicate. */
class FdSource extends Source {
  private readonly handle: FdHandle;
  private readonly dev: number;
  private readonly ino: number;
  /** A watcher that could not be started: the source reports POLLERR from then on. */
  private broken = false;

  constructor(fd: number) {
    super(fd);
    const dup = native.dupFd(fd);
    if (dup < 0) throw dup === -osConstants.errno.EBADF ? badFd(fd) : syscallError(dup, 'dup');
    try {
      const st = fstatSync(dup);
      this.dev = st.dev;
      this.ino = st.ino;
      this.handle = H.open(dup, this, true);
    } catch (err) {
      native.closeFd(dup);
      throw err;
    }
  }

  /** The native watcher's report (called with `this` = the source): event bits or -errno. */
  _onNativeEvent(events: number): void {
    if (events >= 0) {
      this.wakeAll();
      return;
    }
    // On POLLERR libuv stops the watcher by itself: reset it, and restart it for whoever
    // still waits once the subscribers have seen the error.
    H.setNotify(this.handle, 0);
    this.wakeAll();
    this.update();
  }

  override revents(events: number): number {
    const r = super.revents(events);
    return this.broken ? r | POLLERR : r;
  }

  detach(): void {
    H.close(this.handle);
  }

  protected pollFd(): number {
    return H.fd(this.handle);
  }

  protected stillThere(): boolean {
    try {
      const st = fstatSync(this.fd);
      return st.dev === this.dev && st.ino === this.ino;
    } catch {
      return false;
    }
  }

  protected watch(mask: number): void {
    if (this.broken) return;
    if (H.setNotify(this.handle, mask) < 0) {
      // epoll refuses the file (EPERM: a regular file or directory; poll(2) calls those
      // always ready) or the kernel is out of resources: report an error rather than wait
      // forever, once the caller has finished arming.
      this.broken = true;
      queueMicrotask(() => this.wakeAll());
    }
  }
}

/** One of this library's sockets, watched through its own watcher. */
class SocketSource extends Source {
  readonly socket: PollableSocket;
  private readonly observer: ReadinessObserver;

  constructor(socket: PollableSocket) {
    if (!socket.isOpen()) throw new SocketClosedError('register');
    super(socket.fd);
    if (socket._observer) throw invalidArgValue('socket', socket.fd, 'is already observed by another multiplexer');
    this.socket = socket;
    this.observer = { interest: 0, onEvents: () => this.onEvents() };
    socket._observer = this.observer;
  }

  private onEvents(): void {
    if (this.isAlive()) this.wakeAll();
  }

  detach(): void {
    if (this.socket._observer !== this.observer) return;
    this.socket._observer = null;
    this.socket._updateNotify();
  }

  protected pollFd(): number {
    return this.socket.fd;
  }

  protected stillThere(): boolean {
    return this.socket.isOpen() && this.socket.fd === this.fd;
  }

  protected watch(mask: number): void {
    this.observer.interest = mask;
    this.socket._updateNotify();
  }
}

const fdSources = new Map<number, FdSource>();
const socketSources = new Map<PollableSocket, SocketSource>();
/** fd number -> the source a Poller or EventBase registered it through (one registration per fd). */
const claims = new Map<number, Source>();

function badFd(fd: number): SyscallError {
  return new SyscallError('EBADF', 'register', `register EBADF: ${fd} is not an open file descriptor`);
}

/** The live source for `target`, if any (a source whose fd was closed is retired first). */
function lookup(target: FdTarget): Source | undefined {
  const source = typeof target === 'number' ? fdSources.get(target) : socketSources.get(target as unknown as PollableSocket);
  return source?.isAlive() ? source : undefined;
}

/**
 * Takes a share of `target`'s source for `sub`, creating it (and validating the fd) when
 * needed. Throws SyscallError EBADF for an fd that is not open, SocketClosedError for a
 * closed socket.
 */
export function acquire(target: FdTarget, sub: Subscriber): Source {
  let source = lookup(target);
  if (!source) {
    if (typeof target === 'number') {
      const s = new FdSource(target);
      fdSources.set(target, s);
      source = s;
    } else {
      const socket = target as unknown as PollableSocket;
      const s = new SocketSource(socket);
      socketSources.set(socket, s);
      source = s;
    }
  }
  source.holders.add(sub);
  return source;
}

/** Gives back `sub`'s share; the last one out releases the watcher. */
export function release(source: Source, sub: Subscriber): void {
  source.unwait(sub);
  source.holders.delete(sub);
  if (source.holders.size === 0 && !source.gone) {
    source.detach();
    forget(source);
  }
}

/**
 * Throws (ERR_INVALID_ARG_VALUE) when a Poller or EventBase already has `target`'s fd number:
 * each fd has at most one registration in the process.
 */
export function checkUnclaimed(target: FdTarget, name: string): void {
  const fd = typeof target === 'number' ? target : target.fd;
  const held = claims.get(fd);
  if (held && held.isAlive()) throw invalidArgValue(name, fd, 'is already registered with a Poller or EventBase');
}

/** Records that a Poller or EventBase registers `source`'s fd (after {@link checkUnclaimed}). */
export function claim(source: Source): void {
  claims.set(source.fd, source);
}

/** Gives back a {@link claim}. */
export function unclaim(source: Source): void {
  if (claims.get(source.fd) === source) claims.delete(source.fd);
}

function forget(source: Source): void {
  if (source instanceof SocketSource) socketSources.delete(source.socket);
  else if (fdSources.get(source.fd) === source) fdSources.delete(source.fd);
  unclaim(source);
  watched.delete(source);
  if (watched.size === 0) stopChecking();
}

// Sources on user fds that something waits on, checked for a close nobody reports.
const watched = new Set<Source>();
let checker: NodeJS.Timeout | undefined;

function onWaitingChanged(source: Source): void {
  if (!(source instanceof FdSource)) return;
  if (source.isWaitedOn) watched.add(source);
  else watched.delete(source);
  if (watched.size === 0) stopChecking();
  else if (!checker) {
    checker = setInterval(checkClosed, CLOSE_CHECK_INTERVAL);
    checker.unref();
  }
}

function stopChecking(): void {
  if (checker) clearInterval(checker);
  checker = undefined;
}

function checkClosed(): void {
  for (const source of [...watched]) source.isAlive();
}
