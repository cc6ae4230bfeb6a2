/**
 * Bounding a resolver wait with `timeout` and `signal`. getaddrinfo and getnameinfo cannot
 * be cancelled once on the thread pool; a bounded wait stops waiting, and the work item
 * finishes and is freed in the background.
 * @internal
 * @module
 */
import { AbortError, PollTimeoutError } from '../errors.js';

/** `{ timeout?, signal? }` as every resolver call takes it. */
export interface WaitOptions {
  /** Milliseconds to wait before rejecting with PollTimeoutError. */
  timeout?: number;
  /** Rejects with an AbortError when aborted. */
  signal?: AbortSignal;
}

/** Resolves as `work`, unless the timeout passes or the signal aborts first. */
export function bounded<T>(work: Promise<T>, event: string, { timeout, signal }: WaitOptions): Promise<T> {
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  if (timeout === undefined && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cleanup();
      reject(new AbortError(undefined, { cause: signal!.reason }));
    };
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        reject(new PollTimeoutError(event, timeout));
      }, timeout);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}
