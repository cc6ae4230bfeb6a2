/**
 * Fairness toward the event loop for loops a peer can feed: a call that completes at once
 * resolves on the microtask queue, so a caller awaiting calls in a loop would never let timers
 * or other sockets run while data keeps coming. These helpers bound that run, and pause a
 * listener that is out of file descriptors.
 * @internal
 * @module
 */
import type { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers';
import { abortError } from '../internal/wait.js';

/** Calls that may complete in a row without the event loop running in between. */
export const TURN_BUDGET = 16;

/** Resolves after the event loop has run once (timers, I/O of other sockets). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

// Calls each socket completed in a row without waiting.
const streaks = new WeakMap<object, number>();

/**
 * After a call on `owner` completed without waiting: a promise of the next loop turn once
 * {@link TURN_BUDGET} such calls ran in a row, else undefined.
 */
export function spendTurn(owner: object): Promise<void> | undefined {
  const n = (streaks.get(owner) ?? 0) + 1;
  if (n < TURN_BUDGET) {
    streaks.set(owner, n);
    return undefined;
  }
  streaks.delete(owner);
  return nextTurn();
}

/** A call on `owner` waited for readiness: the loop had its turn. */
export function waitedTurn(owner: object): void {
  streaks.delete(owner);
}

/** First and longest pause (ms) of a listener out of fds: a timer, not readiness, which would spin. */
export const ACCEPT_PAUSE_MIN = 20;
export const ACCEPT_PAUSE_MAX = 500;

/**
 * Waits `ms`, or less when `owner` emits 'close' (the retry then sees the socket closed);
 * rejects with AbortError when `signal` aborts.
 */
export function pauseFor(owner: EventEmitter, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      owner.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const onClose = () => {
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(abortError(signal!));
    };
    const timer = setTimeout(onClose, ms);
    owner.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
