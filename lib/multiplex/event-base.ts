/**
 * {@link EventBase}: IOLib's iomux event base (set-io-handler, add-timer, event-dispatch) on
 * top of a {@link Poller}.
 * @module
 */
import { performance } from 'node:perf_hooks';
import {
  invalidArgType, invalidArgValue, outOfRange, validateBoolean, validateObject, validateTimeout,
} from '../internal/validate.js';
import { invalidState, PollerClosedError } from './errors.js';
import { fdOf, Poller, type PollEvent } from './poller.js';
import { checkUnclaimed, validateTarget, type FdTarget } from './registry.js';
import { Timer, TimerQueue } from './timer-queue.js';

/** The readiness an I/O handler waits for. */
export type IoEvent = 'read' | 'write';

/** What an I/O handler is called for. */
export type IoHandlerEvent = 'read' | 'write' | 'error' | 'hangup' | 'timeout';

/** An I/O handler: called with the fd (or socket) it was set for and what happened. */
export type IoHandler<T extends FdTarget = FdTarget> = (fd: T, event: IoHandlerEvent) => void;

/** Options of {@link EventBase.setIoHandler}. */
export interface IoHandlerOptions {
  /** Call the handler with 'timeout' after this many ms (> 0) without readiness, and again every as many ms. */
  timeout?: number | undefined;
  /** Remove the handler before its first call, whatever it is called for. Default false. */
  oneShot?: boolean | undefined;
}

/** Options of {@link EventBase.addTimer}. */
export interface TimerOptions {
  /** Fire once (default) or every `ms` until removed. */
  oneShot?: boolean | undefined;
}

/** Options of {@link EventBase.eventDispatch}. */
export interface DispatchOptions {
  /** Return after this many ms (after the round that reaches it). */
  timeout?: number | undefined;
  /** Return after the first round in which some handler or timer was called. */
  oneShot?: boolean | undefined;
}

interface Handler {
  readonly target: FdTarget;
  readonly event: IoEvent;
  readonly fn: IoHandler;
  readonly oneShot: boolean;
  readonly timer: Timer | null;
}

interface FdEntry {
  read?: Handler;
  write?: Handler;
}

/** What `handler` (for `event`) is called for by a poll event, or null: nothing for it. */
function handlerEvent(event: IoEvent, ev: PollEvent): IoHandlerEvent | null {
  if (ev.error) return 'error';
  if (ev[event]) return event;
  return ev.hangup ? 'hangup' : null;
}

/**
 * IOLib's event base: I/O handlers on fds (or this library's sockets) and timers, run by
 * {@link eventDispatch}.
 *
 * Each round of dispatch waits (until an fd is ready, the next timer or handler timeout, or
 * the dispatch timeout), then calls, in this order:
 * 1. I/O handlers of the ready fds, fds in the order they first got a handler, and for one fd
 *    the read handler before the write handler. A handler is called with 'error' when the fd
 *    reports an error (POLLERR), else with its own event when ready, else with 'hangup'.
 *    Readiness is level-triggered: a handler that neither reads to the end nor removes itself
 *    is called again in the next round. A handler whose fd was closed underneath it is called
 *    once with 'error' and removed.
 * 2. Handler timeouts ('timeout'), in deadline order. A handler's timeout restarts whenever it
 *    is called for readiness.
 * 3. Expired timers, in expiry order (equal expiries: in the order they were added).
 * A handler or timer removed during a round is not called later in it; one added during a
 * round waits for the next. {@link exitEventLoop} stops dispatch at once: nothing else is
 * called in that round.
 *
 * Timers only run while dispatching: an EventBase that is not dispatching holds no timer and
 * no watcher and does not keep the process alive. Once closed, every method but close()
 * fails with {@link PollerClosedError}.
 */
export class EventBase {
  readonly #poller = new Poller();
  readonly #fds = new Map<FdTarget, FdEntry>();
  readonly #timers = new TimerQueue();
  readonly #fdTimers = new TimerQueue();
  #closed = false;
  #dispatching = false;
  #exit = false;
  #wake: AbortController | null = null;

  /**
   * Calls `handler(fd, event)` whenever `fd` (an fd number or one of this library's sockets)
   * is ready for `event` ('read' or 'write'), or reports an error or hang-up, and with
   * 'timeout' after `timeout` ms without readiness. One handler per fd and event: setting a
   * second one is a TypeError (ERR_INVALID_ARG_VALUE), as is an fd another Poller or
   * EventBase has registered; an fd that is not open is a SyscallError (EBADF).
   */
  setIoHandler<T extends FdTarget>(fd: T, event: IoEvent, handler: IoHandler<T>, options: IoHandlerOptions = {}): void {
    this.#open();
    validateTarget(fd, 'fd');
    if (event !== 'read' && event !== 'write') throw invalidArgValue('event', event, "must be one of 'read', 'write'");
    if (typeof handler !== 'function') throw invalidArgType('handler', 'of type function', handler);
    validateObject(options, 'options');
    const { timeout, oneShot = false } = options;
    validateTimeout(timeout, 'options.timeout');
    if (timeout === 0) throw outOfRange('options.timeout', 'a finite number > 0', timeout);
    validateBoolean(oneShot, 'options.oneShot');
    let entry = this.#fds.get(fd);
    if (entry?.[event]) throw invalidArgValue('fd', fdOf(fd), `already has a '${event}' handler`);
    if (entry) {
      this.#poller.modify(fd, { read: event === 'read' || entry.read !== undefined, write: event === 'write' || entry.write !== undefined });
    } else {
      checkUnclaimed(fd, 'fd');
      this.#poller.register(fd, { read: event === 'read', write: event === 'write' });
      entry = {};
      this.#fds.set(fd, entry);
    }
    const h: Handler = {
      target: fd,
      event,
      // Called with `fd` itself, the T it was typed for.
      fn: handler as IoHandler,
      oneShot,
      timer: timeout === undefined ? null : new Timer(() => this.#timedOut(h), timeout, false),
    };
    entry[event] = h;
    if (h.timer) {
      this.#fdTimers.add(h.timer, performance.now() + timeout!);
      this.#interrupt();
    }
  }

  /**
   * Removes `fd`'s handlers: the read handler, the write handler, or both when neither is
   * chosen. An fd without handlers is left alone.
   */
  removeFdHandlers(fd: FdTarget, options: { read?: boolean; write?: boolean } = {}): void {
    this.#open();
    validateTarget(fd, 'fd');
    validateObject(options, 'options');
    let { read = false, write = false } = options;
    validateBoolean(read, 'options.read');
    validateBoolean(write, 'options.write');
    if (!read && !write) read = write = true;
    const entry = this.#fds.get(fd);
    if (!entry) return;
    if (read && entry.read) this.#remove(entry.read);
    if (write && entry.write) this.#remove(entry.write);
    this.#interrupt();
  }

  /** Calls `fn()` after `ms` ms, and every `ms` (> 0) ms after that unless `oneShot` (default true). */
  addTimer(fn: () => void, ms: number, options: TimerOptions = {}): Timer {
    this.#open();
    if (typeof fn !== 'function') throw invalidArgType('fn', 'of type function', fn);
    if (ms === undefined) throw invalidArgType('ms', 'of type number', ms);
    validateTimeout(ms, 'ms');
    validateObject(options, 'options');
    const { oneShot = true } = options;
    validateBoolean(oneShot, 'options.oneShot');
    if (!oneShot && ms === 0) throw outOfRange('ms', 'a finite number > 0 for a periodic timer', ms);
    const timer = new Timer(() => fn(), ms, oneShot);
    this.#timers.add(timer, performance.now() + ms);
    this.#interrupt();
    return timer;
  }

  /** Unschedules `timer` (nothing when it already fired or was removed). */
  removeTimer(timer: Timer): void {
    this.#open();
    if (!(timer instanceof Timer)) throw invalidArgType('timer', 'an instance of Timer', timer);
    this.#timers.remove(timer);
    this.#interrupt();
  }

  /** True when no handler and no timer is left (IOLib's event-base-empty-p). */
  isEmpty(): boolean {
    this.#open();
    return this.#fds.size === 0 && this.#timers.size === 0;
  }

  /**
   * Runs rounds of handlers and timers (see the class) until nothing is left, `timeout` ms
   * have passed, one round called something (`oneShot`), {@link exitEventLoop} is called or
   * the base is closed. Rejects with what a handler or timer throws (the base stays usable),
   * with ERR_INVALID_STATE when a dispatch is already running.
   */
  async eventDispatch(options: DispatchOptions = {}): Promise<void> {
    this.#open();
    validateObject(options, 'options');
    const { timeout, oneShot = false } = options;
    validateTimeout(timeout, 'options.timeout');
    validateBoolean(oneShot, 'options.oneShot');
    if (this.#dispatching) throw invalidState('eventDispatch() is already running on this EventBase');
    this.#dispatching = true;
    this.#exit = false;
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    try {
      while (!this.#stopped && (this.#fds.size > 0 || this.#timers.size > 0)) {
        const events = await this.#harvest(this.#waitTime(deadline));
        if (this.#stopped) break;
        const called = this.#runRound(events, performance.now());
        if (oneShot && called) break;
        if (deadline !== undefined && performance.now() >= deadline) break;
      }
    } finally {
      this.#dispatching = false;
      this.#exit = false;
    }
  }

  /** Makes a running {@link eventDispatch} return at once; nothing when none runs. */
  exitEventLoop(): void {
    this.#open();
    if (!this.#dispatching) return;
    this.#exit = true;
    this.#interrupt();
  }

  /**
   * Removes every handler and timer and releases every watcher (closing none of the fds); a
   * running dispatch returns. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fds.clear();
    this.#timers.clear();
    this.#fdTimers.clear();
    this.#poller.close();
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  get #stopped(): boolean {
    return this.#exit || this.#closed;
  }

  #open(): void {
    if (this.#closed) throw new PollerClosedError('EventBase');
  }

  /** Ends the current wait early, so the loop looks at its state again. */
  #interrupt(): void {
    this.#wake?.abort();
  }

  /** Milliseconds until the next timer, handler timeout or `deadline`; undefined: none. */
  #waitTime(deadline: number | undefined): number | undefined {
    let until = deadline;
    for (const t of [this.#timers.next, this.#fdTimers.next]) {
      if (t !== undefined && (until === undefined || t < until)) until = t;
    }
    return until === undefined ? undefined : Math.max(0, Math.ceil(until - performance.now()));
  }

  /** Waits for ready fds (none when interrupted or closed meanwhile). */
  async #harvest(timeout: number | undefined): Promise<PollEvent[]> {
    const wake = new AbortController();
    this.#wake = wake;
    try {
      return await this.#poller.poll({ timeout, signal: wake.signal });
    } catch (err) {
      if (wake.signal.aborted || this.#closed) return [];
      throw err;
    } finally {
      if (this.#wake === wake) this.#wake = null;
    }
  }

  /** One round of calls (see the class); says whether anything was called. */
  #runRound(events: PollEvent[], now: number): boolean {
    let called = false;
    for (const ev of events) {
      const entry = this.#fds.get(ev.target);
      if (!entry) continue;
      const gone = this.#poller._isGone(ev.target);
      for (const h of [entry.read, entry.write]) {
        if (!h || !this.#isSet(h)) continue;
        const what = handlerEvent(h.event, ev);
        if (!what) continue;
        if (h.oneShot || gone) this.#remove(h);
        else if (h.timer) {
          this.#fdTimers.remove(h.timer);
          this.#fdTimers.add(h.timer, now + h.timer.delay);
        }
        called = true;
        h.fn(h.target, what);
        if (this.#stopped) return true;
      }
    }
    for (const queue of [this.#fdTimers, this.#timers]) {
      for (const timer of queue.due(now)) {
        if (!timer.scheduled) continue;
        called = true;
        queue.fire(timer, now);
        if (this.#stopped) return true;
      }
    }
    return called;
  }

  #isSet(h: Handler): boolean {
    return this.#fds.get(h.target)?.[h.event] === h;
  }

  /** A handler's timeout: a one-shot handler goes first. */
  #timedOut(h: Handler): void {
    if (h.oneShot) this.#remove(h);
    h.fn(h.target, 'timeout');
  }

  #remove(h: Handler): void {
    const entry = this.#fds.get(h.target);
    if (!entry || entry[h.event] !== h) return;
    delete entry[h.event];
    if (h.timer) this.#fdTimers.remove(h.timer);
    if (entry.read || entry.write) {
      this.#poller.modify(h.target, { read: entry.read !== undefined, write: entry.write !== undefined });
    } else {
      this.#fds.delete(h.target);
      this.#poller.unregister(h.target);
    }
  }
}
