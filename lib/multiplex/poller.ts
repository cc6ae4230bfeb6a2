/**
 * {@link Poller}: a polling context (IOLib's open-poll, fsocket's poll context, Lua socket2's
 * poller) over any pollable fd and this library's sockets.
 * @module
 */
import { abortError, armBounds } from '../internal/wait.js';
import { PollTimeoutError } from '../errors.js';
import {
  invalidArgValue, validateBoolean, validateObject, validateSignal, validateTimeout,
} from '../internal/validate.js';
import { invalidState, PollerClosedError } from './errors.js';
import {
  POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, UV_READABLE, UV_WRITABLE,
  acquire, checkUnclaimed, claim, release, unclaim, validateTarget,
  type FdTarget, type Source, type Subscriber,
} from './registry.js';

/**
 * The events a registration wants. Both omitted (or no object at all) means `{ read: true }`;
 * otherwise an omitted flag is false.
 */
export interface PollInterest {
  /** Wake when the fd is readable (or at end of file). */
  read?: boolean;
  /** Wake when the fd is writable. */
  write?: boolean;
}

/** One ready registration, as {@link Poller.poll} reports it. */
export interface PollEvent {
  /** The fd number (for a socket, its fd when it was registered). */
  fd: number;
  /** What was registered: the fd number or the socket. */
  target: FdTarget;
  /** Readable (and read interest). */
  read: boolean;
  /** Writable (and write interest). */
  write: boolean;
  /** POLLERR, or the fd was closed underneath the registration. */
  error: boolean;
  /** POLLHUP (the peer hung up), or the fd was closed underneath the registration. */
  hangup: boolean;
}

/** Options of {@link Poller.poll}. */
export interface PollOptions {
  /** Milliseconds to wait at most; 0 checks without waiting. Default: no limit. */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

/** Resolves `interest` (see {@link PollInterest}) to both flags. */
function interestOf(interest: unknown, name: string): { read: boolean; write: boolean } {
  if (interest === undefined) return { read: true, write: false };
  validateObject(interest, name);
  const { read, write } = interest as PollInterest;
  if (read !== undefined) validateBoolean(read, `${name}.read`);
  if (write !== undefined) validateBoolean(write, `${name}.write`);
  if (read === undefined && write === undefined) return { read: true, write: false };
  return { read: read === true, write: write === true };
}

/** The fd number of a target, for messages. */
export function fdOf(target: FdTarget): number {
  return typeof target === 'number' ? target : target.fd;
}

class Registration implements Subscriber {
  source!: Source;
  constructor(
    readonly target: FdTarget,
    public read: boolean,
    public write: boolean,
    readonly wake: () => void,
  ) {}

  /** The libuv events to watch while a poll waits. */
  get uvEvents(): number {
    return (this.read ? UV_READABLE : 0) | (this.write ? UV_WRITABLE : 0);
  }

  /** The registration's state now, or null when there is nothing to report. */
  event(): PollEvent | null {
    const r = this.source.revents((this.read ? POLLIN : 0) | (this.write ? POLLOUT : 0));
    const gone = (r & POLLNVAL) !== 0;
    const ev: PollEvent = {
      fd: this.source.fd,
      target: this.target,
      read: this.read && (r & POLLIN) !== 0,
      write: this.write && (r & POLLOUT) !== 0,
      error: gone || (r & POLLERR) !== 0,
      hangup: gone || (r & POLLHUP) !== 0,
    };
    return ev.read || ev.write || ev.error || ev.hangup ? ev : null;
  }
}

/** Gives a registration's source back to the registry (the fd itself is left alone). */
function dropRegistration(reg: Registration): void {
  unclaim(reg.source);
  release(reg.source, reg);
}

/**
 * Pollers with a poll() waiting: kept alive by this set, since the caller may hold nothing
 * but the promise, and the watchers' subscribers refer to their poller only weakly.
 */
const polling = new Set<Poller>();

/**
 * Releases the registrations (and the duplicate fds they hold) of a Poller the collector took
 * without close().
 */
const abandoned = new FinalizationRegistry<Map<FdTarget, Registration>>((regs) => {
  for (const reg of regs.values()) dropRegistration(reg);
});

interface PendingPoll {
  resolve(events: PollEvent[]): void;
  reject(err: Error): void;
  cleanup(): void;
}

/**
 * A set of registered fds (or sockets) and their interests, polled together.
 *
 * - Level-triggered: {@link poll} reports every registration that is ready when it looks, and
 *   reports it again on the next call as long as it stays ready. Readiness is read from the
 *   kernel (poll(2) with no wait) when poll() starts and after every wakeup, so it is exact:
 *   nothing is reported from a stale notification. poll() answers what is ready when it starts
 *   on the event loop's next turn (so a loop of polls lets timers and other I/O run);
 *   otherwise the fds are watched (libuv, epoll) until one is, or the timeout.
 * - Any pollable fd: sockets, pipes, FIFOs, ttys, eventfd, and this library's sockets (whose
 *   own watcher is shared, never duplicated). A user's fd is watched through a private
 *   duplicate (see registry.ts); watching makes the open file non-blocking (libuv sets
 *   O_NONBLOCK, which the user's fd shares). A regular file is always ready, as poll(2) says.
 * - An fd has at most one registration in the process (across Pollers and EventBases):
 *   registering it again is a TypeError (ERR_INVALID_ARG_VALUE); an fd that is not open is a
 *   SyscallError (EBADF); a closed socket is a SocketClosedError.
 * - An fd closed underneath its registration (instead of being unregistered first) is reported
 *   with `error` and `hangup` true at the next poll(), or within 50 ms while one waits, and on
 *   every poll until it is unregistered. A socket's close is reported at once.
 * - register/modify/unregister take effect at once, also on a poll that is waiting.
 * - A registration with neither interest is not watched: its errors and hang-ups are reported
 *   whenever poll() looks (when it starts, and when another registration wakes it), and its
 *   fd's close ends a wait, but nothing else about it does.
 * - One poll() at a time: a second concurrent call rejects (ERR_INVALID_STATE).
 * - An idle Poller holds no watcher and does not keep the process alive, but each
 *   registration of a user fd holds a duplicate of it until it is unregistered or the poller
 *   closed: {@link close} (or `using`) releases everything and closes nothing of the user's.
 *   A Poller that nothing refers to (and no poll() waits on) is released by the garbage
 *   collector, as if closed.
 *   Once closed, every method but close() fails with {@link PollerClosedError}.
 */
export class Poller {
  readonly #regs = new Map<FdTarget, Registration>();
  #pending: PendingPoll | null = null;
  #closed = false;

  constructor() {
    abandoned.register(this, this.#regs, this);
  }

  /** How many registrations the poller has. */
  get size(): number {
    return this.#regs.size;
  }

  /** Whether `target` (an fd number or socket) is registered here. */
  has(target: FdTarget): boolean {
    this.#open();
    return this.#regs.has(target);
  }

  /**
   * Registers an fd number or one of this library's sockets with `interest` (default
   * `{ read: true }`). Returns the poller.
   */
  register(target: FdTarget, interest?: PollInterest): this {
    this.#open();
    validateTarget(target, 'target');
    const { read, write } = interestOf(interest, 'interest');
    if (this.#regs.has(target)) throw invalidArgValue('target', fdOf(target), 'is already registered with this Poller');
    checkUnclaimed(target, 'target');
    // The watcher's subscriber must not keep the poller alive: the registry holds it for good.
    const self = new WeakRef(this);
    const reg: Registration = new Registration(target, read, write, () => {
      const poller = self.deref();
      if (poller) poller.#onWake(reg);
    });
    reg.source = acquire(target, reg);
    claim(reg.source);
    this.#regs.set(target, reg);
    if (this.#pending) this.#watch(reg);
    return this;
  }

  /** Replaces a registration's interest (see {@link PollInterest}). Returns the poller. */
  modify(target: FdTarget, interest?: PollInterest): this {
    const reg = this.#lookup(target);
    const { read, write } = interestOf(interest, 'interest');
    reg.read = read;
    reg.write = write;
    if (this.#pending) this.#watch(reg);
    return this;
  }

  /** Removes a registration (the fd itself is left alone). Returns the poller. */
  unregister(target: FdTarget): this {
    const reg = this.#lookup(target);
    this.#regs.delete(target);
    dropRegistration(reg);
    return this;
  }

  /**
   * Resolves with every ready registration, in registration order, as soon as at least one is
   * ready; with `[]` when `timeout` ms pass first, or at once when nothing is registered and no
   * timeout is given (nothing could end the wait, as EventBase.eventDispatch returns when
   * nothing is left). Rejects with AbortError when `signal` aborts, with PollerClosedError when
   * the poller is closed meanwhile.
   */
  poll(options: PollOptions = {}): Promise<PollEvent[]> {
    try {
      validateObject(options, 'options');
      validateTimeout(options.timeout, 'options.timeout');
      validateSignal(options.signal, 'options.signal');
      this.#open();
      if (this.#pending) throw invalidState('a poll() is already waiting on this Poller');
    } catch (err) {
      return Promise.reject(err);
    }
    const { timeout, signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const ready = this.#scan();
    if (ready.length > 0 || timeout === 0 || (timeout === undefined && this.#regs.size === 0)) {
      // Answered from the event loop, not the caller's tick: a loop of polls on an fd that
      // stays ready would otherwise run as microtasks only, starving timers and other I/O.
      return new Promise<PollEvent[]>((resolve, reject) => {
        setImmediate(() => (this.#closed ? reject(new PollerClosedError('Poller')) : resolve(ready)));
      });
    }
    return new Promise<PollEvent[]>((resolve, reject) => {
      // A poll that times out answers nothing ready, as poll(2) does.
      const cleanup = armBounds('poll', timeout, signal, (err) => this.#settle((p) => (err instanceof PollTimeoutError ? p.resolve([]) : p.reject(err))));
      this.#pending = { resolve, reject, cleanup };
      polling.add(this);
      for (const reg of this.#regs.values()) reg.source.wait(reg, reg.uvEvents);
    });
  }

  /**
   * Unregisters everything and releases every watcher; a waiting poll() rejects with
   * PollerClosedError. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#settle((p) => p.reject(new PollerClosedError('Poller')));
    abandoned.unregister(this);
    for (const reg of this.#regs.values()) dropRegistration(reg);
    this.#regs.clear();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Whether `target`'s fd was closed underneath its registration. */
  _isGone(target: FdTarget): boolean {
    const reg = this.#regs.get(target);
    return reg !== undefined && !reg.source.isAlive();
  }

  #open(): void {
    if (this.#closed) throw new PollerClosedError('Poller');
  }

  #lookup(target: FdTarget): Registration {
    this.#open();
    validateTarget(target, 'target');
    const reg = this.#regs.get(target);
    if (!reg) throw invalidArgValue('target', fdOf(target), 'is not registered with this Poller');
    return reg;
  }

  /** Watches `reg` for the waiting poll, and ends the wait if it is ready already. */
  #watch(reg: Registration): void {
    reg.source.wait(reg, reg.uvEvents);
    this.#onWake(reg);
  }

  #scan(): PollEvent[] {
    const out: PollEvent[] = [];
    for (const reg of this.#regs.values()) {
      const ev = reg.event();
      if (ev) out.push(ev);
    }
    return out;
  }

  #onWake(reg: Registration): void {
    if (!this.#pending || this.#regs.get(reg.target) !== reg || !reg.event()) return;
    const ready = this.#scan();
    if (ready.length > 0) this.#settle((p) => p.resolve(ready));
  }

  #settle(action: (p: PendingPoll) => void): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = null;
    polling.delete(this);
    p.cleanup();
    for (const reg of this.#regs.values()) reg.source.unwait(reg);
    action(p);
  }
}
