/**
 * Bounded waits: a timeout (PollTimeoutError) and an AbortSignal (AbortError), shared by
 * every API that waits.
 * @internal
 * @module
 */
import { AbortError, PollTimeoutError } from '../errors.js';

/** The longest delay Node's setTimeout takes (2^31 - 1 ms, about 24.8 days). */
export const TIMER_MAX = 0x7fffffff;

/** The AbortError for an aborted signal, as Node's APIs make it. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/**
 * The bounds of one wait, every wait's one way to them: after `timeout` ms (none when undefined
 * or Infinity) `fail` gets a PollTimeoutError for `event`; when `signal` aborts, an AbortError;
 * whichever comes first, once. Returns the function that disarms both, for a wait that ends
 * otherwise. The caller checks an already-aborted signal first.
 */
export function armBounds(event: string, timeout: number | undefined, signal: AbortSignal | undefined, fail: (err: Error) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  const onAbort = () => {
    disarm();
    fail(abortError(signal!));
  };
  if (timeout !== undefined && timeout !== Infinity) {
    // Node's timers take at most 2^31 - 1 ms and fire after 1 ms (with a warning) beyond
    // that: a longer timeout is waited out in steps.
    const arm = (left: number) => {
      timer = setTimeout(() => {
        if (left > TIMER_MAX) {
          arm(left - TIMER_MAX);
          return;
        }
        disarm();
        fail(new PollTimeoutError(event, timeout));
      }, Math.min(left, TIMER_MAX));
    };
    arm(timeout);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  return disarm;
}

/** The absolute time `timeout` ms from now, for waits made of several steps (undefined: no limit). */
export function deadlineAfter(timeout: number | undefined): number | undefined {
  return timeout === undefined ? undefined : Date.now() + timeout;
}

/** A set of pending waits for one kind of readiness, woken or failed together. */
export class WaitQueue {
  private readonly waits = new Set<{ resolve: () => void; reject: (err: Error) => void; done: () => void }>();

  /** How many waits are pending. */
  get size(): number {
    return this.waits.size;
  }

  /**
   * Waits until {@link wakeAll} or {@link failAll}; rejects with PollTimeoutError after
   * `timeout` ms (named `event`) or AbortError when `signal` aborts. `changed` runs after the
   * set of waits grows or shrinks, so the owner can recompute its watcher's interest.
   */
  wait(event: string, timeout: number | undefined, signal: AbortSignal | undefined, changed: () => void): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const entry = {
        resolve: () => settle(resolve),
        reject: (err: Error) => settle(() => reject(err)),
        done: () => {},
      };
      const settle = (fn: () => void) => {
        if (!this.waits.delete(entry)) return;
        entry.done();
        changed();
        fn();
      };
      entry.done = armBounds(event, timeout, signal, entry.reject);
      this.waits.add(entry);
      changed();
    });
  }

  /** Resolves every pending wait. */
  wakeAll(): void {
    for (const w of [...this.waits]) w.resolve();
  }

  /** Rejects every pending wait with `err`. */
  failAll(err: Error): void {
    for (const w of [...this.waits]) w.reject(err);
  }
}

/** Milliseconds left until `deadline` (undefined: no limit). */
export function remaining(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
}
