/**
 * Bounding a resolver wait with `timeout` and `signal`. getaddrinfo and getnameinfo cannot
 * be cancelled once on the thread pool; a bounded wait stops waiting, and the work item
 * finishes and is freed in the background.
 * @internal
 * @module
 */
import { abortError, armBounds } from '../internal/wait.js';

/** `{ timeout?, signal? }` as every resolver call takes it. */
export interface WaitOptions {
  /** Milliseconds to wait before rejecting with PollTimeoutError. */
  timeout?: number | undefined;
  /** Rejects with an AbortError when aborted. */
  signal?: AbortSignal | undefined;
}

/** Resolves as `work`, unless the timeout passes or the signal aborts first. */
export function bounded<T>(work: Promise<T>, event: string, { timeout, signal }: WaitOptions): Promise<T> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (timeout === undefined && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const disarm = armBounds(event, timeout, signal, reject);
    work.then(
      (v) => {
        disarm();
        resolve(v);
      },
      (e: unknown) => {
        disarm();
        reject(e);
      },
    );
  });
}
