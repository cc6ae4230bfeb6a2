/**
 * Waiting on one fd: {@link waitUntilFdReady} (IOLib's wait-until-fd-ready) and
 * {@link isFdReady} (fd-ready-p).
 * @module
 */
import { native } from '../native.js';
import { PollTimeoutError, SocketClosedError, SyscallError } from '../errors.js';
import { abortError, armBounds } from '../internal/wait.js';
import { validateObject, validateOneOf, validateSignal, validateTimeout } from '../internal/validate.js';
import { syscallError } from '../internal/errno.js';
import {
  POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, UV_READABLE, UV_WRITABLE,
  acquire, release, validateTarget, type FdTarget, type Subscriber,
} from './registry.js';

/** What to wait for. */
export type FdWaitEvent = 'read' | 'write' | 'readOrWrite';

/** Which of the requested operations would not block. */
export interface FdReadiness {
  /** Ready to read (or at end of file). */
  read: boolean;
  /** Ready to write. */
  write: boolean;
}

/** Options of {@link waitUntilFdReady}. */
export interface FdWaitOptions {
  /** Milliseconds to wait at most (PollTimeoutError after); 0 checks without waiting. */
  timeout?: number | undefined;
  /** Aborts the wait (AbortError). */
  signal?: AbortSignal | undefined;
}

const EVENTS = ['read', 'write', 'readOrWrite'] as const;

function pollEvents(event: FdWaitEvent): number {
  return (event === 'write' ? 0 : POLLIN) | (event === 'read' ? 0 : POLLOUT);
}

/**
 * Readiness as select(2) means it: an operation is ready when it would not block, which
 * includes failing at once (POLLERR) and end of file or a hung-up peer (POLLHUP).
 * Null when nothing is ready.
 */
function readinessOf(revents: number, event: FdWaitEvent): FdReadiness | null {
  const any = (revents & (POLLERR | POLLHUP)) !== 0;
  const read = event !== 'write' && (any || (revents & POLLIN) !== 0);
  const write = event !== 'read' && (any || (revents & POLLOUT) !== 0);
  return read || write ? { read, write } : null;
}

function closedError(target: FdTarget): Error {
  return typeof target === 'number'
    ? new SyscallError('EBADF', 'poll', `poll EBADF: ${target} is not an open file descriptor`)
    : new SocketClosedError('poll');
}

/**
 * Waits until `target` (an fd number or one of this library's sockets) is ready for `event`
 * and resolves with `{ read, write }` (each true only when requested and ready; an error or
 * hang-up counts as ready, since the next operation will not block). Rejects with
 * PollTimeoutError after `timeout` ms, AbortError when `signal` aborts, SyscallError EBADF
 * (SocketClosedError for a socket) when the fd is not open or is closed while waiting.
 * Shares the fd's watcher with any Poller or EventBase that has it, so it never conflicts
 * with a registration. Readiness found at once is answered on the event loop's next turn, so
 * a loop of waits lets timers and other I/O run.
 */
export function waitUntilFdReady(target: FdTarget, event: FdWaitEvent = 'read', options: FdWaitOptions = {}): Promise<FdReadiness> {
  try {
    validateTarget(target, 'fd');
    validateOneOf(event, 'event', EVENTS);
    validateObject(options, 'options');
    validateTimeout(options.timeout, 'options.timeout');
    validateSignal(options.signal, 'options.signal');
  } catch (err) {
    return Promise.reject(err);
  }
  const { timeout, signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<FdReadiness>((resolve, reject) => {
    let disarm = () => {};
    const settle = (fn: () => void) => {
      if (!source.holders.has(sub)) return;
      disarm();
      release(source, sub);
      fn();
    };
    /**
     * Settles when the fd is ready or gone; says whether it did. An answer found `atOnce`
     * comes from the event loop's next turn (as Poller.poll's): a loop of waits on an fd that
     * stays ready must let timers and other I/O run.
     */
    const check = (atOnce: boolean): boolean => {
      const r = source.revents(pollEvents(event));
      if (r & POLLNVAL) {
        settle(() => reject(closedError(target)));
        return true;
      }
      const ready = readinessOf(r, event);
      if (ready) settle(() => (atOnce ? setImmediate(resolve, ready) : resolve(ready)));
      return ready !== null;
    };
    const sub: Subscriber = { wake: () => check(false) };
    const source = acquire(target, sub);
    if (check(true)) return;
    if (timeout === 0) {
      settle(() => setImmediate(reject, new PollTimeoutError(event, 0)));
      return;
    }
    disarm = armBounds(event, timeout, signal, (err) => settle(() => reject(err)));
    source.wait(sub, (event === 'write' ? 0 : UV_READABLE) | (event === 'read' ? 0 : UV_WRITABLE));
  });
}

/**
 * Whether `target` (an fd number or one of this library's sockets) is ready for `event` now
 * (as {@link waitUntilFdReady} means it); never waits. Throws SyscallError EBADF
 * (SocketClosedError for a closed socket) when the fd is not open.
 */
export function isFdReady(target: FdTarget, event: FdWaitEvent = 'read'): boolean {
  validateTarget(target, 'fd');
  validateOneOf(event, 'event', EVENTS);
  const fd = typeof target === 'number' ? target : target.fd;
  if (fd < 0) throw closedError(target);
  const r = native.pollFd(fd, pollEvents(event));
  if (r < 0) throw syscallError(r, 'poll');
  if (r & POLLNVAL) throw closedError(target);
  return readinessOf(r, event) !== null;
}
